/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Each network type, whole: its command-line spelling, its checks, its host side, its part of the
 * configuration inside and its teardown, one NetDevOps each. netdev-config.c and netdev.c dispatch
 * through netdev_ops[] and nothing else looks at the type. */
#include <fcntl.h>
#include <linux/if_link.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "settings-table.h"
#include "log.h"
#include "netdev.h"

bool netdev_config_has_netns(const NetDevConfig *c) {
        return c->type >= 0 && netdev_ops[c->type]->flags & NETDEV_OPS_NETNS;
}

bool netdev_config_has_host_side(const NetDevConfig *c) {
        return c->type >= 0 && netdev_ops[c->type]->flags & NETDEV_OPS_HOST_SIDE;
}

/* In router mode LXC reads link only for gateway auto: it need not be a bridge then. */
bool netdev_config_link_is_bridge(const NetDevConfig *c) {
        return c->type >= 0 && netdev_ops[c->type]->flags & NETDEV_OPS_LINK_BRIDGE && !c->router;
}

bool netdev_config_l2proxy_lo(const NetDevConfig *c) {
        return c->type >= 0 && netdev_ops[c->type]->flags & NETDEV_OPS_L2PROXY_LO;
}

/* MAC inside: hwaddr, or one derived from the machine (veth, macvlan, vlan). */
static int set_guest_mac(RtnlSocket *sk, const NetDevConfig *c, int ifindex, const char *machine) {
        unsigned char mac[6];
        int r = netdev_guest_mac(c, machine, mac);

        if (r >= 0)
                r = rtnl_set(sk, ifindex, NULL, mac, 0, -1);
        if (r < 0)
                return log_error_errno(r, "Failed to set the MAC of lxc.net.%u: %m", c->index);
        return 0;
}

/* A phys keeps its own MAC unless one is given. */
static int phys_configure_inside(RtnlSocket *sk, const NetDevConfig *c, int ifindex, const char *machine) {
        return c->hwaddr ? set_guest_mac(sk, c, ifindex, machine) : 0;
}

static int veth_parse_cli(NetDevConfig *c, char *f[3], char ret_name[static 32]) {
        snprintf(ret_name, 32, "host0");
        return 0;
}

/* IF[:NAME[:MODE]], default name mv-IF / iv-IF, modes of systemd-nspawn's defaults. */
static int lower_parse_cli(NetDevConfig *c, char *f[3], char ret_name[static 32], const char *prefix,
                           SettingParser mode_parser, const char *default_mode) {
        if (f[2] && mode_parser(NULL, f[2], &c->mode) < 0)
                return -EINVAL;
        if (!c->mode && (c->mode = strdup(default_mode)) == NULL)
                return -ENOMEM;
        snprintf(ret_name, 32, "%s-%s", prefix, f[0]);
        netdev_name_shorten(ret_name);
        if (f[1])
                snprintf(ret_name, 32, "%s", f[1]);
        return 0;
}

static int macvlan_parse_cli(NetDevConfig *c, char *f[3], char ret_name[static 32]) {
        return lower_parse_cli(c, f, ret_name, "mv", net_macvlan_mode, "bridge");
}

static int ipvlan_parse_cli(NetDevConfig *c, char *f[3], char ret_name[static 32]) {
        return lower_parse_cli(c, f, ret_name, "iv", net_ipvlan_mode, "l2");
}

/* IF:ID[:NAME], default name IF.ID */
static int vlan_parse_cli(NetDevConfig *c, char *f[3], char ret_name[static 32]) {
        unsigned vid;

        if (!f[1] || safe_atou(f[1], &vid) < 0 || vid > 4094)
                return -EINVAL;
        c->vlan_id = (int) vid;
        snprintf(ret_name, 32, "%s.%u", f[0], vid);
        netdev_name_shorten(ret_name);
        if (f[2])
                snprintf(ret_name, 32, "%s", f[2]);
        return 0;
}

static int phys_parse_cli(NetDevConfig *c, char *f[3], char ret_name[static 32]) {
        snprintf(ret_name, 32, "%s", f[1] ?: f[0]);
        return 0;
}

static int veth_validate(const NetDevConfig *c) {
        if ((c->bridge_vid >= 0 || c->bridge_tagged) && (!c->link || c->router))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "%s: lxc.net.%u.veth.vlan.*: VLANs of a bridge port need a link (a VLAN-aware "
                                       "bridge) and bridge mode", c->where, c->index);
        return 0;
}

/* LXC proxies for an ipvlan only in mode l3s (NETDEV_OPS_L2PROXY_LO: with the loopback routes). */
static int ipvlan_validate(const NetDevConfig *c) {
        if (c->l2proxy && !streq_ptr(c->mode, "l3s"))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: lxc.net.%u.l2proxy with an ipvlan requires "
                                       "ipvlan.mode = l3s", netdev_config_where(c, "l2proxy"), c->index);
        return 0;
}

static int vlan_validate(const NetDevConfig *c) {
        if (c->vlan_id < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: lxc.net.%u (vlan) needs a vlan.id", c->where,
                                       c->index);
        return 0;
}

/* Host routes to the guest through the veth: its own addresses in router mode, and the extra
 * veth.ipv{4,6}.route in either mode. */
static int add_host_routes(RtnlSocket *sk, const NetDevConfig *c, int idx) {
        char *const *lists[4] = { c->router ? c->ipv4 : NULL, c->router ? c->ipv6 : NULL, c->routes4, c->routes6 };
        int r;

        for (int k = 0; k < 4; k++)
                STRV_FOREACH(a, lists[k]) {
                        _cleanup_free_ char *dst = NULL;
                        bool v6 = k % 2;

                        /* an address of the guest is one host (/32, /128); a route keeps its prefix */
                        if (k < 2 && asprintf(&dst, "%.*s/%d", (int) strcspn(*a, "/"), *a, v6 ? 128 : 32) < 0)
                                return log_oom();
                        r = rtnl_add_route(sk, v6 ? AF_INET6 : AF_INET, idx, dst ?: *a, NULL);
                        if (r < 0 && r != -EEXIST)
                                return log_error_errno(r, "Failed to add the host route to %s on lxc.net.%u: %m (%s)",
                                                       dst ?: *a, c->index, rtnl_last_error());
                }
        return 0;
}

/* Router mode: the host answers the guest's ARP and NDP for its gateway and the rest of the world. */
static int router_proxy(RtnlSocket *sk, const NetDevConfig *c, const char *host_name, int idx) {
        char path[128];
        int r;

        snprintf(path, sizeof path, "/proc/sys/net/ipv4/conf/%s/proxy_arp", host_name);
        r = write_string_file(path, "1");
        if (r >= 0 && (c->ipv6 || c->ipv6_gateway)) {
                snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/proxy_ndp", host_name);
                r = write_string_file(path, "1");
        }
        if (r >= 0 && c->ipv6_gateway && !streq(c->ipv6_gateway, "auto") && !streq(c->ipv6_gateway, "dev"))
                r = rtnl_add_proxy_neighbour(sk, AF_INET6, idx, c->ipv6_gateway);
        if (r < 0 && r != -EEXIST)
                return log_error_errno(r, "Failed to set up proxy ARP/NDP on '%s' (lxc.net.%u.veth.mode = router): %m",
                                       host_name, c->index);
        return 0;
}

/* veth.vlan.id and veth.vlan.tagged.id on the bridge port: as LXC, the port leaves the default
 * VLAN 1 for its own untagged one (or none), and joins the tagged ones. */
static int bridge_port_vlans(RtnlSocket *sk, const NetDevConfig *c, int idx) {
        int r = 0;

        if (c->bridge_vid >= 0) {
                (void) rtnl_bridge_vlan(sk, idx, 1, false, false);
                if (c->bridge_vid > 0)
                        r = rtnl_bridge_vlan(sk, idx, (unsigned) c->bridge_vid, true, true);
        }
        STRV_FOREACH(v, c->bridge_tagged) {
                unsigned vid;

                if (r >= 0 && (r = safe_atou(*v, &vid)) >= 0)
                        r = rtnl_bridge_vlan(sk, idx, vid, false, true);
        }
        if (r < 0)
                return log_error_errno(r, "Failed to set the VLANs of the bridge port of lxc.net.%u on '%s' (is it "
                                       "VLAN-aware?): %m (%s)", c->index, c->link, rtnl_last_error());
        return 0;
}

static int veth_create(RtnlSocket *sk, NetDev *d, const char *machine, pid_t pid) {
        const NetDevConfig *c = d->config;
        int idx, r;

        r = rtnl_add_veth(sk, d->host_name, d->guest_name, pid, c->veth_rxqueues, c->veth_txqueues);
        if (r < 0)
                return log_error_errno(r, "Failed to create veth '%s' (lxc.net.%u): %m", d->host_name, c->index);
        d->created = true;
        idx = rtnl_ifindex(sk, d->host_name);
        if (idx < 0)
                return log_error_errno(idx, "Veth '%s' vanished: %m", d->host_name);
        /* In router mode LXC reads link only for gateway auto: the host end joins no bridge. */
        if (c->link && !c->router) {
                r = rtnl_set_master(sk, idx, c->link);
                if (r < 0)
                        return log_error_errno(r, "Failed to attach '%s' to bridge '%s' (lxc.net.%u.link): %m",
                                               d->host_name, c->link, c->index);
                r = bridge_port_vlans(sk, c, idx);
                if (r < 0)
                        return r;
        }
        r = rtnl_set(sk, idx, NULL, NULL, c->mtu, 1);
        if (r < 0)
                return log_error_errno(r, "Failed to bring up '%s': %m", d->host_name);
        if (c->router && (r = router_proxy(sk, c, d->host_name, idx)) < 0)
                return r;
        return add_host_routes(sk, c, idx);
}

static int veth_destroy(RtnlSocket *sk, NetDevs *l, NetDev *d) {
        int r = rtnl_delete(sk, d->host_name);

        /* Gone already when the guest's namespace went first: the pair dies together, and with it
         * the host routes through it. */
        if (r < 0 && r != -ENODEV)
                return log_warning_errno(r, "Failed to remove veth '%s', ignoring: %m", d->host_name);
        if (d->config->zone)
                netdev_zone_release(sk, d->config->link);
        return 0;
}

/* macvlan.vlan: the parent's VLAN link LINK.VID, made (and later removed) unless it is there. */
static int macvlan_parent(RtnlSocket *sk, NetDev *d) {
        const NetDevConfig *c = d->config;
        int idx, r;

        if (c->macvlan_vlan < 0) {
                snprintf(d->parent, sizeof d->parent, "%s", c->link);
                return 0;
        }
        snprintf(d->parent, sizeof d->parent, "%.10s.%u", c->link, (unsigned) c->macvlan_vlan & 0xfffu);
        r = rtnl_add_vlan(sk, c->link, d->parent, (unsigned) c->macvlan_vlan, 0);
        if (r < 0 && r != -EEXIST)
                return log_error_errno(r, "Failed to create VLAN %d on '%s' for lxc.net.%u.macvlan.vlan: %m (%s)",
                                       c->macvlan_vlan, c->link, c->index, rtnl_last_error());
        d->made_parent = r >= 0;
        idx = rtnl_ifindex(sk, d->parent);
        r = idx < 0 ? idx : rtnl_set(sk, idx, NULL, NULL, 0, 1);
        if (r < 0)
                return log_error_errno(r, "Failed to bring up '%s': %m", d->parent);
        return 0;
}

static int macvlan_create(RtnlSocket *sk, NetDev *d, const char *machine, pid_t pid) {
        const NetDevConfig *c = d->config;
        int r = macvlan_parent(sk, d);

        d->created = d->made_parent;
        if (r < 0)
                return r;
        r = rtnl_add_macvlan(sk, d->parent, d->guest_name, c->mode ?: "private", pid);
        if (r < 0)
                return log_error_errno(r, "Failed to create macvlan '%s' on '%s' (lxc.net.%u): %m (%s)", d->guest_name,
                                       d->parent, c->index, rtnl_last_error());
        d->created = true; /* in the guest's namespace: inside_destroy() removes it */
        return 0;
}

/* The kernel does not pass traffic between a macvlan/ipvlan and its own parent. */
static void lower_describe(const NetDev *d) {
        const char *type = netdev_type_to_string(d->config->type);

        log_info("%s: the guest cannot reach this host through '%s' (%s on its parent); for that, add a veth (-n, or "
                 "one on a bridge) or give the host a %s on '%s' too", d->guest_name, d->config->link, type, type,
                 d->config->link);
}

/* ipvlan.isolation: set on the host before the move (only the parent's namespace may change it). */
static int ipvlan_create(RtnlSocket *sk, NetDev *d, const char *machine, pid_t pid) {
        const NetDevConfig *c = d->config;
        unsigned flags = streq_ptr(c->ipvlan_isolation, "private") ? IPVLAN_F_PRIVATE :
                         streq_ptr(c->ipvlan_isolation, "vepa")    ? IPVLAN_F_VEPA : 0;
        int r = rtnl_add_ipvlan(sk, c->link, d->guest_name, c->mode ?: "l3", flags, pid);

        if (r < 0)
                return log_error_errno(r, "Failed to create ipvlan '%s' on '%s' (lxc.net.%u%s%s): %m (%s)",
                                       d->guest_name, c->link, c->index, flags ? ", isolation " : "",
                                       flags ? c->ipvlan_isolation : "", rtnl_last_error());
        d->created = true;
        return 0;
}

static int vlan_create(RtnlSocket *sk, NetDev *d, const char *machine, pid_t pid) {
        const NetDevConfig *c = d->config;
        int r = rtnl_add_vlan(sk, c->link, d->guest_name, (unsigned) c->vlan_id, pid);

        if (r < 0)
                return log_error_errno(r, "Failed to create VLAN %d on '%s' (lxc.net.%u): %m (%s)", c->vlan_id,
                                       c->link, c->index, rtnl_last_error());
        d->created = true;
        return 0;
}

static int phys_create(RtnlSocket *sk, NetDev *d, const char *machine, pid_t pid) {
        const NetDevConfig *c = d->config;
        int idx = rtnl_ifindex(sk, c->link), r;

        if (idx < 0)
                return log_error_errno(idx, "No host interface '%s' to move in (lxc.net.%u.link): %m", c->link, c->index);
        r = rtnl_link_info(sk, idx, d->host_name, &d->orig_mtu, &d->orig_up);
        if (r < 0)
                return log_error_errno(r, "Failed to look at '%s': %m", c->link);
        d->have_orig_mac = rtnl_link_mac(sk, idx, d->orig_mac) >= 0;
        /* Recorded first: a SIGKILL right after the move still finds it (netdev_repair()). */
        r = netdev_record_phys(machine, d);
        if (r < 0)
                return r;
        r = rtnl_move(sk, idx, pid, -EBADF, d->guest_name);
        if (r < 0)
                return log_error_errno(r, "Failed to move '%s' into the container: %m", c->link);
        d->created = true;
        return 0;
}

int netdev_in_netns(NetDevs *l, NetDev *d, NetnsAction action) {
        pid_t pid = fork();
        int status;

        if (pid < 0)
                return -errno;
        if (pid == 0) {
                RtnlSocket *sk = NULL;
                int r;

                if (setns(l->netns_fd, CLONE_NEWNET) < 0 || rtnl_open(&sk) < 0)
                        _exit(255);
                r = action(sk, l, d);
                _exit(r < 0 ? 255 : MIN(r, 254));
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        return WIFEXITED(status) && WEXITSTATUS(status) != 255 ? WEXITSTATUS(status) : -EIO;
}

/* Move the interface back to the host under its old name. */
static int move_back(RtnlSocket *sk, NetDevs *l, NetDev *d) {
        int idx = rtnl_ifindex(sk, d->guest_name);

        if (idx < 0 || rtnl_set(sk, idx, NULL, NULL, 0, 0) < 0)
                return -ENODEV;
        return rtnl_move(sk, idx, 0, l->host_netns_fd, d->host_name);
}

static int delete_inside(RtnlSocket *sk, NetDevs *l, NetDev *d) {
        int r = rtnl_delete(sk, d->guest_name);

        return r == -ENODEV ? 0 : r;
}

/* macvlan, ipvlan, vlan: gone at once, not whenever the kernel frees the namespace (that is
 * asynchronous, and the parent would still show them for a while). */
static int inside_destroy(RtnlSocket *sk, NetDevs *l, NetDev *d) {
        int r = netdev_in_netns(l, d, delete_inside);

        if (r < 0)
                return log_warning_errno(r, "Failed to remove '%s' from the container, ignoring: %m", d->guest_name);
        return 0;
}

static int macvlan_destroy(RtnlSocket *sk, NetDevs *l, NetDev *d) {
        int r;

        (void) inside_destroy(sk, l, d);
        if (!d->made_parent)
                return 0;
        r = rtnl_delete(sk, d->parent);
        if (r < 0 && r != -ENODEV)
                return log_warning_errno(r, "Failed to remove the VLAN link '%s' nsboot made, ignoring: %m", d->parent);
        return 0;
}

static int phys_destroy(RtnlSocket *sk, NetDevs *l, NetDev *d) {
        int r = netdev_in_netns(l, d, move_back), idx;

        if (r < 0)
                return log_warning_errno(r, "Failed to move '%s' back to the host (it was '%s' inside): %m",
                                         d->host_name, d->guest_name);
        idx = rtnl_ifindex(sk, d->host_name);
        /* As it was: MTU, MAC (lxc.net.N.hwaddr may have changed it inside) and up or down. */
        if (idx < 0 || rtnl_set(sk, idx, NULL, d->have_orig_mac ? d->orig_mac : NULL, d->orig_mtu, d->orig_up) < 0)
                return log_warning_errno(idx < 0 ? idx : -EIO, "Failed to restore MTU, MAC and state of '%s': %m",
                                         d->host_name);
        return 0;
}

static const NetDevOps none_ops = { .flags = 0 };
static const NetDevOps empty_ops = { .flags = NETDEV_OPS_NETNS };
static const NetDevOps veth_ops = {
        .flags = NETDEV_OPS_NETNS | NETDEV_OPS_HOST_SIDE | NETDEV_OPS_LINK_BRIDGE, .parse_cli = veth_parse_cli,
        .validate = veth_validate, .create = veth_create, .configure_inside = set_guest_mac, .destroy = veth_destroy,
};
static const NetDevOps macvlan_ops = {
        .flags = NETDEV_OPS_NETNS | NETDEV_OPS_NEEDS_LINK, .mode_key = "macvlan.mode", .parse_cli = macvlan_parse_cli,
        .create = macvlan_create, .describe = lower_describe, .configure_inside = set_guest_mac,
        .destroy = macvlan_destroy,
};
static const NetDevOps ipvlan_ops = {
        .flags = NETDEV_OPS_NETNS | NETDEV_OPS_NEEDS_LINK | NETDEV_OPS_L2PROXY_LO, .mode_key = "ipvlan.mode",
        .parse_cli = ipvlan_parse_cli,
        .validate = ipvlan_validate, .create = ipvlan_create, .describe = lower_describe, .destroy = inside_destroy,
        /* no configure_inside: ipvlan shares its parent's MAC */
};
static const NetDevOps vlan_ops = {
        .flags = NETDEV_OPS_NETNS | NETDEV_OPS_NEEDS_LINK, .parse_cli = vlan_parse_cli, .validate = vlan_validate,
        .create = vlan_create, .configure_inside = set_guest_mac, .destroy = inside_destroy,
};
static const NetDevOps phys_ops = {
        .flags = NETDEV_OPS_NETNS | NETDEV_OPS_NEEDS_LINK, .parse_cli = phys_parse_cli, .create = phys_create,
        .configure_inside = phys_configure_inside, .destroy = phys_destroy,
};

const NetDevOps *const netdev_ops[_NETDEV_TYPE_MAX] = {
        [NETDEV_NONE] = &none_ops,       [NETDEV_EMPTY] = &empty_ops,   [NETDEV_VETH] = &veth_ops,
        [NETDEV_MACVLAN] = &macvlan_ops, [NETDEV_IPVLAN] = &ipvlan_ops, [NETDEV_VLAN] = &vlan_ops,
        [NETDEV_PHYS] = &phys_ops,
};
