/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netdev.h"
#include "netns-probe.h"

Test(netdev, cli_spellings_like_nspawn) {
        NetDevConfigs l = {};

        cr_assert_eq(netdev_config_add_cli(&l, NETDEV_VETH, "", "cli"), 0);
        cr_assert_eq(netdev_config_add_cli(&l, NETDEV_MACVLAN, "eth0", "cli"), 0);
        cr_assert_eq(netdev_config_add_cli(&l, NETDEV_IPVLAN, "eth1:ipv0:l3s", "cli"), 0);
        cr_assert_eq(netdev_config_add_cli(&l, NETDEV_VLAN, "eth2:100", "cli"), 0);
        cr_assert_eq(netdev_config_add_cli(&l, NETDEV_PHYS, "eth3:wan", "cli"), 0);
        cr_assert_eq(l.n, 5);
        cr_assert_str_eq(l.items[0].name, "host0");
        cr_assert_null(l.items[0].link);
        cr_assert_str_eq(l.items[1].name, "mv-eth0");
        cr_assert_str_eq(l.items[1].mode, "bridge");
        cr_assert_str_eq(l.items[2].name, "ipv0");
        cr_assert_str_eq(l.items[2].mode, "l3s");
        cr_assert_str_eq(l.items[3].name, "eth2.100");
        cr_assert_eq(l.items[3].vlan_id, 100);
        cr_assert_str_eq(l.items[4].name, "wan");
        cr_assert_str_eq(l.items[4].link, "eth3");
        for (size_t i = 0; i < l.n; i++)
                cr_assert_eq(l.items[i].index, i);
        cr_assert_eq(netdev_configs_validate(&l), 0);
        cr_assert_lt(netdev_config_add_cli(&l, NETDEV_VLAN, "eth2:4095", "cli"), 0);
        cr_assert_lt(netdev_config_add_cli(&l, NETDEV_MACVLAN, "eth0:m:sideways", "cli"), 0);
        cr_assert_lt(netdev_config_add_cli(&l, NETDEV_PHYS, "", "cli"), 0);
        netdev_configs_done(&l);
}

Test(netdev, host_names_fit_and_stay_stable) {
        NetDevConfig c = { .index = 0 }, p = { .veth_pair = "myveth" };
        char a[16], b[16];

        netdev_veth_host_name(&c, 0, "web", a);
        cr_assert_str_eq(a, "ve-web");
        netdev_veth_host_name(&c, 2, "web", a);
        cr_assert_str_eq(a, "ve2-web");
        netdev_veth_host_name(&c, 0, "a-very-long-machine-name", a);
        netdev_veth_host_name(&c, 0, "a-very-long-machine-name", b);
        cr_assert_eq(strlen(a), 15);
        cr_assert_str_eq(a, b);
        cr_assert(strncmp(a, "ve-a-very-l", 11) == 0);
        netdev_veth_host_name(&c, 0, "a-very-long-machine-other", b);
        cr_assert_str_neq(a, b);
        netdev_veth_host_name(&p, 0, "web", a);
        cr_assert_str_eq(a, "myveth");
}

/* systemd-nspawn's vb- for a veth in a bridge (--network-bridge, --network-zone, a link); a veth
 * in router mode joins no bridge even with a link. */
Test(netdev, host_names_of_bridged_veths) {
        NetDevConfig bridged = { .link = (char *) "br0" }, router = { .link = (char *) "eth0", .router = true };
        char a[16];

        netdev_veth_host_name(&bridged, 0, "web", a);
        cr_assert_str_eq(a, "vb-web");
        netdev_veth_host_name(&bridged, 1, "web", a);
        cr_assert_str_eq(a, "vb1-web");
        netdev_veth_host_name(&router, 0, "web", a);
        cr_assert_str_eq(a, "ve-web");
}

Test(netdev, macs) {
        NetDevConfig c = { .index = 1 }, x = { .index = 1, .hwaddr = "x0:16:3e:xx:xx:01" };
        unsigned char m1[6], m2[6];

        cr_assert_eq(netdev_guest_mac(&c, "web", m1), 0);
        cr_assert_eq(netdev_guest_mac(&c, "web", m2), 0);
        cr_assert_eq(memcmp(m1, m2, 6), 0, "a derived MAC is stable");
        cr_assert_eq(m1[0] & 0x03, 0x02, "locally administered unicast");
        c.index = 2;
        cr_assert_eq(netdev_guest_mac(&c, "web", m2), 0);
        cr_assert_neq(memcmp(m1, m2, 6), 0);
        for (int i = 0; i < 8; i++) {
                cr_assert_eq(netdev_guest_mac(&x, "web", m1), 0);
                cr_assert_eq(m1[0] & 1, 0, "random nibbles never make it multicast");
                cr_assert_eq(m1[1], 0x16);
                cr_assert_eq(m1[5], 0x01);
        }
}

Test(netdev, default_guest_names) {
        NetDevConfigs l = {};
        const char *expect;
        char n[16];

        cr_assert_eq(netdev_config_assign(&l, "lxc.net.3.type", "veth", "t:1", &expect), 0);
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.1.type", "veth", "t:2", &expect), 0);
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.2.type", "macvlan", "t:3", &expect), 0);
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.2.name", "lan", "t:4", &expect), 0);
        netdev_guest_name(&l, 0, n);
        cr_assert_str_eq(n, "eth1", "index 3 is the second unnamed interface");
        netdev_guest_name(&l, 1, n);
        cr_assert_str_eq(n, "eth0");
        netdev_guest_name(&l, 2, n);
        cr_assert_str_eq(n, "lan");
        netdev_configs_done(&l);
}

/* An explicit eth0 on one interface moves the unnamed ones on: no two get the same name. */
Test(netdev, default_names_skip_explicit_ones) {
        NetDevConfigs l = {};
        const char *expect;
        char n[16];

        cr_assert_eq(netdev_config_assign(&l, "lxc.net.0.type", "veth", "t:1", &expect), 0);
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.0.name", "eth0", "t:2", &expect), 0);
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.1.type", "macvlan", "t:3", &expect), 0);
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.2.type", "veth", "t:4", &expect), 0);
        netdev_guest_name(&l, 1, n);
        cr_assert_str_eq(n, "eth1");
        netdev_guest_name(&l, 2, n);
        cr_assert_str_eq(n, "eth2");
        netdev_configs_done(&l);
}

Test(netdev, long_derived_names_are_shortened) {
        NetDevConfigs l = {};

        cr_assert_eq(netdev_config_add_cli(&l, NETDEV_MACVLAN, "enp0s31f6longer", "cli"), 0);
        cr_assert_eq(strlen(l.items[0].name), 15);
        cr_assert(strncmp(l.items[0].name, "mv-enp0s31f", 11) == 0);
        netdev_configs_done(&l);
}

Test(netns_probe, own_and_unknown_namespaces) {
        unsigned long long ours = netns_inode("/proc/self/ns/net");

        cr_assert_neq(ours, 0);
        cr_assert_eq(netns_where(ours), NETNS_HERE);
        /* nsfs inode numbers start far above 1: no namespace has it */
        cr_assert_eq(netns_where(1), NETNS_GONE);
        cr_assert_eq(netns_inode("/nonexistent"), 0);
}

/* A namespace held by a process is found, and is gone once the process is. Needs CAP_SYS_ADMIN. */
Test(netns_probe, namespace_of_another_process) {
        int p[2];
        char c, path[64];
        pid_t pid;
        unsigned long long ino;

        if (geteuid() != 0)
                cr_skip_test("needs root for a network namespace");
        cr_assert_eq(pipe(p), 0);
        pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                close(p[0]);
                /* A failed assertion ends the test without killing it. */
                if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || unshare(CLONE_NEWNET) < 0)
                        _exit(1);
                (void) write(p[1], "x", 1);
                pause();
                _exit(0);
        }
        close(p[1]);
        cr_assert_eq(read(p[0], &c, 1), 1, "the child could not make a network namespace");
        snprintf(path, sizeof path, "/proc/%d/ns/net", (int) pid);
        ino = netns_inode(path);
        cr_assert_neq(ino, netns_inode("/proc/self/ns/net"));
        cr_assert_eq(netns_where(ino), NETNS_ELSEWHERE);
        kill(pid, SIGKILL);
        cr_assert_eq(waitpid(pid, NULL, 0), pid);
        close(p[0]);
        cr_assert_eq(netns_where(ino), NETNS_GONE);
}
