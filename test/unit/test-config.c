/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/strv.h"
#include "caps.h"
#include "cli.h"
#include "config.h"
#include "log.h"
#include "log-capture.h"
#include "netdev-config.h"
#include "netdev.h"
#include "settings-parse.h"
#include "settings-table.h"

#define DATA SOURCE_ROOT "/test/unit/data/"

static Settings *load(const char *file, bool trusted, int expect) {
        Settings *s = settings_new();
        int r = config_load(s, file, trusted);

        cr_assert_eq(r < 0 ? -1 : 0, expect, "config_load(%s) returned %d", file, r);
        return s;
}

TestSuite(config, .init = log_capture_start, .fini = log_capture_stop);

/* Loads file, which must fail, and finds each of the n expected messages in what it logged. */
static void load_expecting_errors(const char *file, const char *const *expected, size_t n) {
        Settings *s = load(file, true, -1);
        char *text = logged();

        for (size_t i = 0; i < n; i++)
                cr_assert(strstr(text, expected[i]), "missing '%s' in:\n%s", expected[i], text);
        free(text);
        settings_free(s);
}

Test(config, good_file_and_sorted_includes) {
        Settings *s = load(DATA "good.conf", true, 0);

        cr_assert_str_eq(s->directory, "/srv/trees/web");
        /* the .conf files of include.d in name order: 10, 20, 30; the .txt file is not read */
        cr_assert_str_eq(s->hostname, "from-30");
        cr_assert_str_eq(strv_env_get(s->environment, "A"), "1");
        cr_assert_str_eq(strv_env_get(s->environment, "B"), "2 with spaces");
        cr_assert_str_eq(strv_env_get(s->environment, "C"), "3");
        cr_assert_eq(s->kill_signal, SIGRTMIN + 4);
        cr_assert(s->private_network);
        cr_assert_eq(s->caps_drop, (UINT64_C(1) << CAP_SYS_ADMIN) | (UINT64_C(1) << CAP_SYS_CHROOT));
        settings_free(s);
}

Test(config, every_error_in_one_pass_with_file_and_line) {
        static const char *const expected[] = {
                "bad.conf:2: expected 'key = value'",
                "bad.conf:3: nsboot.kill-signal: invalid value 'SIGNOPE'",
                "bad.conf:4: nsboot.hostnam: unknown key; did you mean 'nsboot.hostname'?",
                "bad.conf:5: missing key",
                "bad.conf:6: nsboot.console: invalid value 'loud' (expected interactive, read-only, passive or pipe)",
                "bad.conf:7: lxc.seccomp.notify.proxy: not supported yet",
                "bad.conf:8: lxc.cgroup.freezer.state: not supported yet",
                "bad.conf:9: nsboot.private-network: invalid value 'perhaps'",
                "bad.conf:10: include: ",
        };

        load_expecting_errors(DATA "bad.conf", expected, sizeof expected / sizeof expected[0]);
}

Test(config, include_cycles_are_errors) {
        Settings *s = load(DATA "cycle/a.conf", true, -1);
        char *text = logged();

        cr_assert(strstr(text, "include cycle"), "%s", text);
        free(text);
        settings_free(s);
}

Test(config, include_depth_is_bounded) {
        char dir[] = "/tmp/nsboot-depth-XXXXXX", p[128], body[64];
        Settings *s;
        char *text;

        cr_assert(mkdtemp(dir));
        for (int i = 0; i < 20; i++) {
                snprintf(p, sizeof p, "%s/%d.conf", dir, i);
                snprintf(body, sizeof body, "include = %d.conf\n", i + 1);
                cr_assert_eq(write_file_mode(p, i == 19 ? "nsboot.quiet = yes\n" : body, 0644), 0);
        }
        snprintf(p, sizeof p, "%s/0.conf", dir);
        s = load(p, true, -1);
        text = logged();
        cr_assert(strstr(text, "nested more than 16 deep"), "%s", text);
        free(text);
        settings_free(s);
        snprintf(p, sizeof p, "rm -rf '%s'", dir);
        cr_assert_eq(system(p), 0);
}

Test(config, lxc2_keys_are_read_with_a_warning) {
        Settings *s = load(DATA "lxc2.conf", true, 0);
        char *text = logged();

        cr_assert_str_eq(s->hostname, "legacy");
        cr_assert_str_eq(s->directory, "/srv/trees/legacy");
        cr_assert_eq(s->kill_signal, SIGPWR);
        cr_assert_eq(s->caps_drop, (UINT64_C(1) << CAP_MAC_ADMIN) | (UINT64_C(1) << CAP_MAC_OVERRIDE));
        cr_assert(strstr(text, "lxc2.conf:2: lxc.utsname is LXC 2.0 syntax, nsboot reads it as lxc.uts.name"), "%s", text);
        cr_assert(strstr(text, "lxc2.conf:6: lxc.rootfs.backend: obsolete"), "%s", text);
        cr_assert(strstr(text, "lxc2.conf:7: lxc.apparmor.profile: ignored"), "%s", text);
        free(text);
        settings_free(s);
}

Test(config, unindexed_lxc2_network_blocks_are_numbered) {
        static const char *const in[][2] = {
                { "lxc.network.type", "lxc.net.0.type" },     { "lxc.network.link", "lxc.net.0.link" },
                { "lxc.network.ipv4", "lxc.net.0.ipv4.address" },
                { "lxc.network.type", "lxc.net.1.type" },     { "lxc.network.hwaddr", "lxc.net.1.hwaddr" },
                { "lxc.network.3.name", "lxc.net.3.name" },   { "lxc.network.flags", "lxc.net.1.flags" },
        };
        unsigned idx = 0;

        for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
                char *modern = NULL;
                const char *note;

                cr_assert_eq(config_key_status(in[i][0], "x", &idx, &modern, &note), KEY_NETDEV);
                cr_assert_str_eq(modern, in[i][1]);
                free(modern);
        }
}

/* LXC drops every lxc.net.N key written before lxc.net.N.type; nsboot keeps them all. */
Test(config, network_keys_in_any_order) {
        static const char *const lines[][2] = {
                { "lxc.net.0.link", "br0" },     { "lxc.net.0.ipv4.address", "10.0.0.5/24 10.0.0.255" },
                { "lxc.net.0.name", "eth0" },    { "lxc.net.0.type", "veth" },
                { "lxc.net.0.hwaddr", "00:16:3e:xx:xx:xx" },
                { "nsboot.net.1.vlan.id", "100" }, { "nsboot.net.1.type", "vlan" }, { "nsboot.net.1.link", "eth1" },
                { "lxc.net.0.ipv4.address", "10.0.1.5/24" },
        };
        NetDevConfigs l = {};
        const char *expect;

        for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
                cr_assert_eq(netdev_config_assign(&l, lines[i][0], lines[i][1], "t:1", &expect), 0, "%s", lines[i][0]);
        cr_assert_eq(l.n, 2);
        cr_assert_eq(l.items[0].type, NETDEV_VETH);
        cr_assert_str_eq(l.items[0].link, "br0");
        cr_assert_str_eq(l.items[0].name, "eth0");
        cr_assert_eq(strv_length(l.items[0].ipv4), 2);
        cr_assert_str_eq(l.items[0].ipv4[0], "10.0.0.5/24");
        cr_assert_eq(l.items[1].type, NETDEV_VLAN);
        cr_assert_eq(l.items[1].vlan_id, 100);
        cr_assert_eq(netdev_configs_validate(&l), 0);
        /* lxc.net.1 = (empty) removes that interface, lxc.net = all */
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.1", "", "t:2", &expect), 0);
        cr_assert_eq(l.n, 1);
        cr_assert_eq(netdev_config_assign(&l, "lxc.net", "", "t:3", &expect), 0);
        cr_assert_eq(l.n, 0);
        netdev_configs_done(&l);
}

Test(config, network_values_checked) {
        static const char *const bad[][2] = {
                { "lxc.net.0.type", "token-ring" }, { "lxc.net.0.hwaddr", "01:00:5e:00:00:01" },
                { "lxc.net.0.hwaddr", "00:16:3e:zz:00:01" }, { "lxc.net.0.mtu", "20" },
                { "lxc.net.0.vlan.id", "4095" }, { "lxc.net.0.ipv4.address", "10.0.0.300/24" },
                { "lxc.net.0.ipv4.address", "10.0.0.1/33" }, { "lxc.net.0.ipv6.address", "fe80::1/129" },
                { "lxc.net.0.ipv4.gateway", "fe80::1" }, { "lxc.net.0.name", "a-name-much-too-long" },
                { "lxc.net.0.macvlan.mode", "sideways" }, { "lxc.net.x.type", "veth" },
                { "lxc.net.1024.type", "veth" }, { "lxc.net.0.flags", "down" },
        };
        NetDevConfigs l = {};
        const char *expect;

        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                cr_assert_lt(netdev_config_assign(&l, bad[i][0], bad[i][1], "t:1", &expect), 0, "%s = %s", bad[i][0],
                             bad[i][1]);
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.0.bogus", "1", "t:1", &expect), -ENOKEY);
        cr_assert_lt(netdev_config_assign(&l, "lxc.net.0.l2proxy", "2", "t:1", &expect), 0);
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.0.l2proxy", "1", "t:1", &expect), 0);
        cr_assert(l.items[0].l2proxy);
        /* whole-interface checks: a vlan needs link and id, keys must fit the type */
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.0.type", "vlan", "t:2", &expect), 0);
        log_set_max_level(-1);
        cr_assert_lt(netdev_configs_validate(&l), 0);
        netdev_configs_done(&l);
}

/* l2proxy on an ipvlan: only in mode l3s, as LXC, and then with the loopback routes. */
Test(config, l2proxy_ipvlan_needs_l3s) {
        NetDevConfigs l = {};
        const char *expect;

        cr_assert_eq(netdev_config_assign(&l, "lxc.net.0.type", "ipvlan", "t:1", &expect), 0);
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.0.link", "eth0", "t:2", &expect), 0);
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.0.l2proxy", "1", "t:3", &expect), 0);
        log_set_max_level(-1);
        cr_assert_lt(netdev_configs_validate(&l), 0, "mode l2 (the default)");
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.0.ipvlan.mode", "l3", "t:4", &expect), 0);
        cr_assert_lt(netdev_configs_validate(&l), 0, "mode l3");
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.0.ipvlan.mode", "l3s", "t:4", &expect), 0);
        cr_assert_eq(netdev_configs_validate(&l), 0, "mode l3s");
        cr_assert(netdev_config_l2proxy_lo(&l.items[0]));
        cr_assert_eq(netdev_config_assign(&l, "lxc.net.0.type", "macvlan", "t:1", &expect), 0);
        cr_assert_not(netdev_config_l2proxy_lo(&l.items[0]), "only an ipvlan gets loopback routes");
        netdev_configs_done(&l);
}

Test(config, untrusted_file_cannot_grant_privilege) {
        Settings *s = load(DATA "untrusted.nsboot", false, 0);
        char *text = logged();

        cr_assert_str_eq(s->hostname, "fine");
        cr_assert_str_eq(strv_env_get(s->environment, "OK"), "1");
        cr_assert_null(s->directory);
        cr_assert_eq(s->caps_add, 0);
        cr_assert(!s->private_network);
        cr_assert(strstr(text, "untrusted.nsboot:3: nsboot.capability: ignored in an untrusted file"), "%s", text);
        /* "VAR" alone would copy nsboot's own environment into the guest */
        cr_assert_null(strv_env_get(s->environment, "HOME"));
        cr_assert(strstr(text, "untrusted.nsboot:6: nsboot.setenv: copying nsboot's environment is ignored"), "%s", text);
        free(text);
        settings_free(s);
}

/* issue 8: a file beside the tree picks neither the name, the console, the signals, hooks nor a
 * log file, and includes nothing (not even a host file whose lines an error could echo). */
Test(config, untrusted_file_cannot_pick_name_console_signals_hooks_or_include) {
        Settings *s = load(DATA "untrusted-more.nsboot", false, -1);
        char *text = logged();

        cr_assert_null(s->machine);
        cr_assert_eq(s->console_mode, _CONSOLE_MODE_INVALID);
        cr_assert_eq(s->kill_signal, 0);
        cr_assert_eq(s->stop_signal, 0);
        cr_assert_null(s->hooks[HOOK_PRE_START]);
        cr_assert_null(s->log_file);
        cr_assert_str_eq(s->hostname, "still-fine");
        for (int line = 1; line <= 6; line++) {
                char want[128];

                snprintf(want, sizeof want, "untrusted-more.nsboot:%d: ", line);
                cr_assert(strstr(text, want), "line %d not refused: %s", line, text);
        }
        cr_assert(strstr(text, "untrusted-more.nsboot:7: include: not allowed in an untrusted file"), "%s", text);
        cr_assert_null(strstr(text, "root:"), "a line of /etc/shadow was echoed: %s", text);
        free(text);
        settings_free(s);
}

/* The settings of a one-line trusted file, whose load returns expect (0 or -1). */
static Settings *load_line(const char *line, int expect) {
        char path[] = "/tmp/nsboot-line-XXXXXX";
        int fd = mkstemp(path);
        Settings *s;

        cr_assert_geq(fd, 0);
        dprintf(fd, "%s\n", line);
        close(fd);
        s = load(path, true, expect);
        unlink(path);
        return s;
}

/* A failing load of a one-line file: what it logged. */
static char *load_line_failing(const char *line) {
        settings_free(load_line(line, -1));
        return logged();
}

/* No error quotes the line it could not read. */
Test(config, syntax_errors_do_not_echo_the_line) {
        char *text = load_line_failing("secret-token-line");

        cr_assert(strstr(text, ":1: expected 'key = value'"), "%s", text);
        cr_assert_null(strstr(text, "secret-token"), "%s", text);
        free(text);
}

/* issue 12's parser bugs: flags on empty, an empty link, a template's own keys. */
Test(config, lxc_quirks_read_as_lxc_reads_them) {
        Settings *s = load(DATA "lxc-quirks.conf", true, 0);
        char *text = logged();

        cr_assert_eq(netdev_configs_validate(&s->netdevs), 0);
        cr_assert_eq(s->netdevs.n, 2);
        cr_assert_eq(s->netdevs.items[0].type, NETDEV_EMPTY);
        cr_assert_eq(s->netdevs.items[1].type, NETDEV_VETH);
        cr_assert_null(s->netdevs.items[1].link, "an empty link is no bridge");
        cr_assert_str_eq(s->hostname, "quirks");
        cr_assert(strstr(text, "lxc-quirks.conf:7: subutai.parent: skipped"), "%s", text);
        free(text);
        settings_free(s);
}

/* LXC's lxc.sched.core takes 0 or 1 (nsboot's booleans too), nothing else. */
Test(config, lxc_sched_core) {
        Settings *s = load_line("lxc.sched.core = 1", 0);
        char *text;

        cr_assert(s->core_scheduling);
        settings_free(s);
        s = load_line("nsboot.core-scheduling = no", 0);
        cr_assert_not(s->core_scheduling);
        settings_free(s);
        text = load_line_failing("lxc.sched.core = 2");
        cr_assert(strstr(text, ":1: lxc.sched.core: invalid value '2' (expected yes or no (1 or 0))"), "%s", text);
        free(text);
}

Test(config, missing_fstab_is_named) {
        char *text = load_line_failing("lxc.mount.fstab = /nonexistent/nsboot/fstab");

        cr_assert(strstr(text, ":1: lxc.mount.fstab: '/nonexistent/nsboot/fstab' does not exist"), "%s", text);
        free(text);
}

/* Hooks in order per type, the version, and lxc.hook = clearing them all. */
Test(config, hooks_in_order) {
        static const char *const lines[][2] = {
                { "lxc.hook.pre-start", "/bin/a one" }, { "lxc.hook.pre-start", "/bin/b two" },
                { "nsboot.hook.stop", "/bin/c" },       { "lxc.hook.version", "1" },
        };
        Settings *s = settings_new();

        for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
                SettingMatch m;

                cr_assert(settings_table_lookup(lines[i][0], &m));
                cr_assert_eq(settings_assign(s, m.def, lines[i][1], "t"), 0);
        }
        cr_assert_eq(strv_length(s->hooks[HOOK_PRE_START]), 2);
        cr_assert_str_eq(s->hooks[HOOK_PRE_START][1], "/bin/b two");
        cr_assert_str_eq(s->hooks[HOOK_STOP][0], "/bin/c");
        cr_assert_eq(s->hook_version, 1);
        cr_assert_eq(settings_assign(s, settings_table_find_key("nsboot.hook"), "", "t"), 0);
        cr_assert_null(s->hooks[HOOK_PRE_START]);
        cr_assert_null(s->hooks[HOOK_STOP]);
        cr_assert_lt(settings_assign(s, settings_table_find_key("nsboot.hook-version"), "2", "t"), 0);
        settings_free(s);
}

Test(config, empty_list_value_clears) {
        Settings *s = load(DATA "clear.conf", true, 0);

        cr_assert_eq(strv_length(s->environment), 1);
        cr_assert_str_eq(s->environment[0], "C=3");
        cr_assert_eq(s->caps_drop, UINT64_C(1) << CAP_SYS_TIME);
        cr_assert_eq(s->mounts.n, 1);
        cr_assert_str_eq(s->mounts.items[0].destination, "/b");
        settings_free(s);
}

Test(config, status_of_lxc_keys) {
        static const struct {
                const char *key, *value;
                KeyStatus status;
        } cases[] = {
                { "lxc.uts.name", "x", KEY_SETTING },           { "lxc.autodev", "1", KEY_ACCEPTED },
                { "lxc.autodev", "0", KEY_ACCEPTED }, /* tightened, with a warning */        { "lxc.mount.auto", "proc:mixed sys:mixed", KEY_ACCEPTED },
                { "lxc.mount.auto", "proc:rw sys:rw", KEY_ACCEPTED }, /* tightened, with a warning */
                { "lxc.mount.auto", "shmounts:/srv/shared", KEY_UNSUPPORTED },
                { "lxc.cgroup.dir.container", "lxc.payload.web", KEY_ACCEPTED },
                { "lxc.cgroup.relative", "1", KEY_ACCEPTED },   { "lxc.group", "onboot", KEY_ACCEPTED },
                { "lxc.cgroup.memory.limit_in_bytes", "1G", KEY_SETTING },
                { "lxc.hook.pre-start", "/bin/true", KEY_SETTING }, { "lxc.hook.clone", "/bin/true", KEY_IGNORED },
                { "lxc.arch", "x86", KEY_SETTING },             { "lxc.net.0.flags", "up", KEY_NETDEV },
                { "lxc.selinux.context", "x", KEY_IGNORED },    { "lxc.pivotdir", "x", KEY_OBSOLETE },
                { "lxc.idmap", "u 0 100000 65536", KEY_SETTING }, { "lxc.sched.core", "1", KEY_SETTING },
                { "lxc.init.uid", "1000", KEY_SETTING },        { "lxc.init_gid", "1000", KEY_SETTING },
                { "lxc.init.groups", "1,2", KEY_SETTING },      { "lxc.init.frobnicate", "1", KEY_UNSUPPORTED },
                { "lxc.environment.runtime", "A=1", KEY_SETTING }, { "lxc.environment.hooks", "A=1", KEY_SETTING },
                { "lxc.keyring.session", "0", KEY_SETTING },    { "lxc.execute.cmd", "/bin/sh", KEY_SETTING },
                { "lxc.autodev.tmpfs.size", "500000", KEY_SETTING },
                { "lxc.time.offset.realtime", "1h", KEY_UNSUPPORTED },
                { "lxc.proc.timerslack_ns", "1", KEY_UNSUPPORTED },
                { "lxc.frobnicate", "1", KEY_UNKNOWN },
        };

        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                unsigned idx = 0;
                char *modern = NULL;
                const char *note;

                cr_assert_eq(config_key_status(cases[i].key, cases[i].value, &idx, &modern, &note), cases[i].status,
                             "%s = %s", cases[i].key, cases[i].value);
                free(modern);
        }
}

Test(config, namespace_keys) {
        static const char *const bad[][2] = {
                { "lxc.namespace.keep", "mnt" },          { "lxc.namespace.keep", "net bogus" },
                { "lxc.namespace.clone", "mnt,pid" },     { "lxc.namespace.share.net", "rel/path" },
                { "lxc.namespace.share.net", "0" },       { "lxc.namespace.share.net", "12345678901" },
                { "nsboot.network-namespace-path", "-x" },
        };
        Settings *s = load(DATA "namespaces.conf", true, 0);

        cr_assert(s->private_network);
        cr_assert_not(s->private_time);
        cr_assert_eq(s->userns.mode, USERNS_NO);
        cr_assert_eq(s->ns_keep, (unsigned long) (CLONE_NEWTIME | CLONE_NEWUSER));
        cr_assert(s->ns_clone_set);
        cr_assert_str_eq(s->netns_path, "other-machine");
        settings_free(s);

        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
                SettingMatch m;

                s = settings_new();
                cr_assert(settings_table_lookup(bad[i][0], &m), "%s", bad[i][0]);
                cr_assert_lt(settings_assign(s, m.def, bad[i][1], bad[i][0]), 0, "%s = %s", bad[i][0], bad[i][1]);
                settings_free(s);
        }
}

static void assign(Settings *s, const char *key, const char *value) {
        SettingMatch m;

        cr_assert(settings_table_lookup(key, &m), "%s", key);
        cr_assert_eq(settings_assign(s, m.def, value, key), 0, "%s = %s", key, value);
}

/* As in LXC, each lxc.namespace.keep or .clone line adds to the list and an empty one clears it: a
 * cleared keep = user makes a user namespace again. A clone list without net goes with share.net. */
Test(config, namespace_lines_add_and_clear) {
        Settings *s = settings_new();

        assign(s, "lxc.namespace.keep", "user");
        assign(s, "lxc.namespace.keep", "time");
        cr_assert_eq(s->ns_keep, (unsigned long) (CLONE_NEWUSER | CLONE_NEWTIME));
        cr_assert_eq(s->userns.mode, USERNS_NO);
        cr_assert_not(s->private_time);
        assign(s, "lxc.namespace.keep", "");
        cr_assert_eq(s->ns_keep, 0UL);
        cr_assert_eq(s->userns.mode, USERNS_PICK, "a cleared keep = user leaves the guest privileged");
        cr_assert(s->private_time);
        settings_free(s);

        s = settings_new();
        assign(s, "lxc.namespace.clone", "mnt pid net");
        assign(s, "lxc.namespace.clone", "time");
        cr_assert(s->private_network, "a second clone line drops the first one's net");
        cr_assert(s->private_time);
        assign(s, "lxc.namespace.clone", "");
        cr_assert_not(s->ns_clone_set);
        cr_assert_not(s->private_network);
        settings_free(s);

        s = settings_new();
        s->directory = strdup("/tmp");
        assign(s, "lxc.namespace.clone", "mnt pid uts ipc user cgroup");
        assign(s, "lxc.namespace.share.net", "/proc/self/ns/net");
        cr_assert_eq(settings_validate(s, false, false), 0, "clone without net and share.net: %s", logged());
        settings_free(s);
}

/* A net sysctl beside a namespace to join is refused naming that namespace, not the host. */
Test(config, net_sysctl_in_a_joined_namespace) {
        Settings *s = settings_new();
        char *text;

        s->directory = strdup("/tmp");
        assign(s, "nsboot.network-namespace-path", "/run/netns/other");
        assign(s, "nsboot.sysctl", "net.ipv4.ip_forward=1");
        cr_assert_lt(settings_validate(s, false, false), 0);
        text = logged();
        cr_assert(strstr(text, "sysctl net.ipv4.ip_forward: the network namespace of "
                               "--network-namespace-path=/run/netns/other is not the container's own"), "%s", text);
        cr_assert_not(strstr(text, "change the host"), "%s", text);
        free(text);
        settings_free(s);
}

Test(config, lxc_init_ids_environments_keyring_execute_dev) {
        Settings *s = load(DATA "lxc-init.conf", true, 0);
        char *text;

        cr_assert(s->init_uid.set);
        cr_assert_eq(s->init_uid.id, 1000);
        cr_assert_eq(s->init_gid.id, 1001);
        cr_assert_eq(s->init_groups.n, 3);
        cr_assert_eq(s->init_groups.ids[0], 10);
        cr_assert_eq(s->init_groups.ids[2], 30);
        cr_assert_str_eq(strv_env_get(s->environment, "BOTH"), "1");
        cr_assert_str_eq(strv_env_get(s->environment, "RUNTIME"), "2");
        cr_assert_null(strv_env_get(s->environment, "HOOKS"));
        cr_assert_str_eq(strv_env_get(s->hook_environment, "HOOKS"), "3");
        cr_assert_null(strv_env_get(s->hook_environment, "BOTH"));
        cr_assert_not(s->session_keyring);
        cr_assert_str_eq(s->execute_cmd[1], "two words");
        cr_assert_eq(format_command_line(&s->execute_cmd, &text), 0);
        cr_assert_str_eq(text, "/bin/echo 'two words'");
        free(text);
        cr_assert_eq(parse_command_line(NULL, "a \"it's\" '' b", &s->execute_cmd), 0);
        cr_assert_eq(format_command_line(&s->execute_cmd, &text), 0);
        cr_assert_str_eq(text, "a 'it'\"'\"'s' '' b");
        cr_assert_eq(parse_command_line(NULL, text, &s->execute_cmd), 0);
        cr_assert_str_eq(s->execute_cmd[1], "it's");
        cr_assert_str_eq(s->execute_cmd[2], "");
        free(text);
        cr_assert_eq(s->dev_size, 500000);
        settings_free(s);
}

Test(config, lxc_init_bad_values_with_file_and_line) {
        static const char *const expected[] = {
                "lxc-init-bad.conf:1: lxc.init.uid: invalid value '-1'",
                "lxc-init-bad.conf:2: lxc.init.gid: invalid value '4294967295'",
                "lxc-init-bad.conf:3: lxc.init.groups: invalid value '10,x'",
                "lxc-init-bad.conf:4: lxc.keyring.session: invalid value '2'",
                "lxc-init-bad.conf:5: lxc.autodev.tmpfs.size: invalid value '0'",
                "lxc-init-bad.conf:6: lxc.environment.frobnicate: not supported yet (only lxc.environment.runtime and "
                "lxc.environment.hooks exist)",
                "lxc-init-bad.conf:7: lxc.time.offset.realtime: not supported yet (only lxc.time.offset.boot and "
                "lxc.time.offset.monotonic exist)",
                "lxc-init-bad.conf:8: lxc.proc.timerslack_ns: not supported yet (only lxc.proc.oom_score_adj exists",
                "lxc-init-bad.conf:9: lxc.execute.cmd: invalid value",
                "lxc-init-bad.conf:10: lxc.init.groups: invalid value ','",
        };

        load_expecting_errors(DATA "lxc-init-bad.conf", expected, sizeof expected / sizeof expected[0]);
}

/* Every setting nsboot maps from .nspawn files lands on a key that takes systemd-nspawn's values. */
Test(config, every_nspawn_setting) {
        Settings *s = load(DATA "every-setting.nspawn", true, 0);

        cr_assert(s->boot);
        cr_assert_eq(strv_length(s->parameters), 3); /* two Parameters= lines add up */
        cr_assert_str_eq(s->parameters[1], "quiet words");
        cr_assert_str_eq(s->parameters[2], "third");
        /* Environment= is a list of assignments, quotes around one with blanks */
        cr_assert_str_eq(strv_env_get(s->environment, "LANG"), "C.UTF-8");
        cr_assert_str_eq(strv_env_get(s->environment, "A"), "1");
        cr_assert_str_eq(strv_env_get(s->environment, "B"), "two words");
        cr_assert_str_eq(strv_env_get(s->environment, "C"), "x y");
        cr_assert_str_eq(s->hostname, "everything");
        cr_assert_str_eq(s->pivot_root, "/srv/deploy");
        cr_assert_str_eq(s->pivot_root_old, "/sysroot");
        cr_assert(s->private_network);
        cr_assert_eq(s->userns.ownership, USERNS_OWNERSHIP_OFF); /* PrivateUsersChown=no, the later line */
        /* BindUser= is a blank-separated list, and lines add up */
        cr_assert_eq(strv_length(s->bind_users), 3);
        cr_assert_str_eq(s->bind_users[1], "bob");
        cr_assert_str_eq(s->bind_users[2], "carol");
        cr_assert_str_eq(s->bind_user_shell, "/bin/zsh");
        cr_assert_eq(s->netdevs.n, 7);
        settings_free(s);
}

Test(config, nspawn_problems_with_file_and_line) {
        static const char *const expected[] = {
                "bad.nspawn:1: a setting outside [Exec], [Files] or [Network]",
                "bad.nspawn:2: unknown section [Service]",
                "bad.nspawn:4: [Exec] Frobnicate=: unknown setting",
                "bad.nspawn:5: [Exec] BindUserShell=: unknown setting",
                "bad.nspawn:6: expected 'Key=Value'",
                "bad.nspawn:7: nsboot.kill-signal: invalid value 'SIGNOPE'",
                "bad.nspawn:9: nsboot.bind-user: invalid value 'a/b'",
                "bad.nspawn:10: PrivateUsersChown: invalid value 'maybe'",
        };

        load_expecting_errors(DATA "bad.nspawn", expected, sizeof expected / sizeof expected[0]);
}

/* Every key spelling of the table is documented in nsboot.conf(5). */
Test(config, keys_documented) {
        char *man = NULL;

        cr_assert_eq(read_full_file(SOURCE_ROOT "/man/nsboot.conf.5.scd", &man, NULL), 0);
        for (size_t i = 0; i < settings_table_size; i++) {
                const char *names[] = { settings_table[i].key, settings_table[i].lxc_key, settings_table[i].lxc_alt_key,
                                        settings_table[i].lxc_legacy_key };

                for (size_t j = 0; j < 4; j++)
                        if (names[j] && !(settings_table[i].flags & SETTING_NET))
                                cr_assert(strstr(man, names[j]), "nsboot.conf.5 does not mention %s", names[j]);
                /* network subkeys are listed once, by their subkey */
                if (settings_net_sub(&settings_table[i])) {
                        char word[64], *w = word;

                        /* as scdoc source writes it: '_' escaped */
                        *w++ = '*';
                        for (const char *c = settings_net_sub(&settings_table[i]); *c; c++)
                                w += sprintf(w, "%s%c", *c == '_' ? "\\" : "", *c);
                        strcpy(w, "*");
                        cr_assert(strstr(man, word), "nsboot.conf.5 does not mention lxc.net.N.%s",
                                  settings_net_sub(&settings_table[i]));
                }
        }
        free(man);
}

/* --settings=override: the command line's options stay for every field the file did not set. Rows
 * that set several fields must not share an offset with unrelated ones (lxc.namespace.keep and
 * --pivot-root once had 0, -D's: the file's keep line threw away -D and --pivot-root). */
Test(config, override_skips_only_what_the_file_set) {
        char *argv[] = { "nsboot", "--settings=override", "-D", "/cli-tree", "--pivot-root=/cli",
                         "--hostname=cli", NULL };
        Settings *cli = settings_new(), *s;
        CliArgs args;

        cr_assert_eq(cli_parse(6, argv, cli, &args), 0);
        cr_assert_eq(args.settings, CLI_SETTINGS_OVERRIDE);
        s = load_line("lxc.namespace.keep = net", 0);
        cr_assert_eq(cli_reapply(&args, cli, s), 0);
        cr_assert_str_eq(s->directory, "/cli-tree");
        cr_assert_str_eq(s->pivot_root, "/cli");
        cr_assert_str_eq(s->hostname, "cli");
        settings_free(s);

        s = load_line("nsboot.pivot-root = /file", 0);
        cr_assert_eq(cli_reapply(&args, cli, s), 0);
        cr_assert_str_eq(s->directory, "/cli-tree");
        cr_assert_str_eq(s->pivot_root, "/file");
        settings_free(s);
        settings_free(cli);
}

/* Whatever fields a file sets, each is recorded: none falls off the end of Settings.file_fields. */
Test(config, override_records_every_field) {
        Settings *s = settings_new();

        for (size_t i = 0; i < settings_table_size; i++)
                if (!(settings_table[i].flags & SETTING_NET))
                        settings_file_mark(s, settings_table[i].offset);
        settings_file_mark(s, offsetof(Settings, netdevs));
        settings_file_mark(s, offsetof(Settings, parameters));
        for (size_t i = 0; i < settings_table_size; i++)
                if (!(settings_table[i].flags & SETTING_NET))
                        cr_assert(settings_file_set(s, settings_table[i].offset), "%s not recorded",
                                  settings_table[i].key ?: settings_table[i].lxc_key);
        cr_assert(settings_file_set(s, offsetof(Settings, netdevs)));
        cr_assert(settings_file_set(s, offsetof(Settings, parameters)));
        settings_free(s);
}

/* $NSBOOT_CONFIG_PATH replaces /etc/nsboot and /run/nsboot: its absolute directories only. */
Test(config, search_dirs_from_the_environment) {
        char **dirs = NULL;

        cr_assert_eq(unsetenv("NSBOOT_CONFIG_PATH"), 0);
        cr_assert_eq(config_search_dirs(&dirs), 0);
        cr_assert_eq(strv_length(dirs), 2);
        cr_assert_str_eq(dirs[0], "/etc/nsboot");
        cr_assert_str_eq(dirs[1], "/run/nsboot");
        dirs = strv_free(dirs);
        cr_assert_eq(setenv("NSBOOT_CONFIG_PATH", "/srv/a//:relative::/srv/b:/", 1), 0);
        cr_assert_eq(config_search_dirs(&dirs), 0);
        cr_assert_eq(strv_length(dirs), 3);
        cr_assert_str_eq(dirs[0], "/srv/a");
        cr_assert_str_eq(dirs[1], "/srv/b");
        cr_assert_str_eq(dirs[2], "/");
        dirs = strv_free(dirs);
        cr_assert_eq(setenv("NSBOOT_CONFIG_PATH", "", 1), 0);
        cr_assert_eq(config_search_dirs(&dirs), 0);
        cr_assert_null(dirs);
}

static void write_text(const char *dir, const char *name, const char *text) {
        char path[512];

        snprintf(path, sizeof path, "%s/%s", dir, name);
        cr_assert_eq(write_file_mode(path, text, 0644), 0, "cannot write %s", path);
}

/* The machines' configs of the directories, the first of each name, are what nsboot -M finds. */
Test(config, list_and_find_in_the_config_path) {
        char tmp[] = "/tmp/nsboot-config-XXXXXX", d1[64], d2[64], web[80], db[80], env[160], cmd[128];
        char **names = NULL, **paths = NULL, *found = NULL;
        bool trusted = false;

        cr_assert(mkdtemp(tmp));
        snprintf(d1, sizeof d1, "%s/d1", tmp);
        snprintf(d2, sizeof d2, "%s/d2", tmp);
        cr_assert_eq(mkdir(d1, 0755), 0);
        cr_assert_eq(mkdir(d2, 0755), 0);
        write_text(d1, "web.conf", "lxc.uts.name = one\n");
        write_text(d2, "web.conf", "lxc.uts.name = two\n");
        write_text(d2, "db.conf", "");
        write_text(d2, "bad name.conf", "");
        write_text(d2, ".hidden.conf", "");
        write_text(d2, "notes.txt", "");
        snprintf(web, sizeof web, "%s/web.conf", d1);
        snprintf(db, sizeof db, "%s/db.conf", d2);
        snprintf(env, sizeof env, "%s:%s", d1, d2);
        cr_assert_eq(setenv("NSBOOT_CONFIG_PATH", env, 1), 0);

        cr_assert_eq(config_list_machines(&names, &paths), 0);
        cr_assert_eq(strv_length(names), 2);
        cr_assert_eq(strv_length(paths), 2);
        cr_assert_str_eq(names[0], "web");
        cr_assert_str_eq(paths[0], web);
        cr_assert_str_eq(names[1], "db");
        cr_assert_str_eq(paths[1], db);

        cr_assert_eq(config_find("web", NULL, &found, &trusted), 0);
        cr_assert_str_eq(found, web);
        cr_assert(trusted);
        free(found);
        cr_assert_eq(config_find("db", NULL, &found, &trusted), 0);
        cr_assert_str_eq(found, db);
        free(found);

        strv_free(names);
        strv_free(paths);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
        cr_assert_eq(system(cmd), 0);
}
