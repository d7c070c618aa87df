/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lxc.net.N.l2proxy: proxy neighbour entries ("ip neigh add proxy ADDR dev LINK") on the interface's
 * host link for each of the guest's static addresses, so the host answers ARP and NDP for them on
 * that link and routes the traffic on to the guest (typically a router-mode veth on the uplink).
 * For an ipvlan (mode l3s), as LXC, each address is also routed to the host's loopback ("ip route
 * add ADDR/32 dev lo"): the kernel answers ARP from a proxy entry only when its route to the
 * address leads off the link the request came in on, and ipvlan's l3s hook then hands the packets
 * to the guest. Like LXC, nsboot checks the sysctls this needs and refuses to start without them
 * rather than changing the host's settings; unlike LXC's, its loopback routes never replace or
 * shadow one the host has for an address, whatever its metric (the start is refused, naming it).
 * Each entry is recorded in the machine's state file once made, each route before it is made (it
 * carries nsboot's own protocol number: a removal never takes another), so the next start or
 * --cleanup removes them after a SIGKILL. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/strv.h"
#include "log.h"
#include "netdev.h"

/* Whether /proc/sys/net/ipvF/conf/LINK/NAME is 1. */
static bool sysctl_on(const char *family, const char *link, const char *name) {
        _cleanup_free_ char *value = NULL;
        char path[128];

        snprintf(path, sizeof path, "/proc/sys/net/%s/conf/%s/%s", family, link, name);
        return read_one_line(path, &value) >= 0 && streq(value, "1");
}

static int need_sysctl(const NetDevConfig *c, const char *family, const char *name) {
        if (sysctl_on(family, c->link, name))
                return 0;
        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: lxc.net.%u.l2proxy requires sysctl net.%s.conf.%s.%s=1",
                               netdev_config_where(c, "l2proxy"), c->index, family, c->link, name);
}

int netdev_l2proxy_check(const NetDevConfig *c) {
        int r = 0;

        if (!c->l2proxy || !c->link)
                return 0;
        /* LXC's checks (network.c): forwarding for IPv4, proxy_ndp and forwarding for IPv6. */
        if (c->ipv4)
                r = need_sysctl(c, "ipv4", "forwarding");
        if (c->ipv6) {
                int k = need_sysctl(c, "ipv6", "proxy_ndp");

                r = r < 0 ? r : k;
                k = need_sysctl(c, "ipv6", "forwarding");
                r = r < 0 ? r : k;
        }
        return r;
}

/* The address part of "ADDR/PREFIX [BROADCAST]", and its family. */
static int address_of(const char *entry, char ret[static 46]) {
        snprintf(ret, 46, "%.*s", (int) strcspn(entry, "/ "), entry);
        return strchr(ret, ':') ? AF_INET6 : AF_INET;
}

/* ADDR/32 or ADDR/128. */
static void host_prefix(const char *addr, int family, char ret[static 50]) {
        snprintf(ret, 50, "%s/%d", addr, family == AF_INET6 ? 128 : 32);
}

/* The proxy entry of every address of list on the link idx and, with lo > 0, its loopback route. */
static int add_list(RtnlSocket *sk, const char *machine, NetDev *d, int idx, int lo, char **list) {
        const NetDevConfig *c = d->config;

        STRV_FOREACH(a, list) {
                char addr[46], host[50], line[96];
                int family = address_of(*a, addr), r;

                r = rtnl_add_proxy_neighbour(sk, family, idx, addr);
                if (r < 0)
                        return log_error_errno(r, "Failed to add the proxy entry for %s on '%s' (lxc.net.%u.l2proxy): "
                                               "%m (%s)", addr, c->link, c->index, rtnl_last_error());
                snprintf(line, sizeof line, "l2proxy %s %s\n", c->link, addr);
                r = netdev_record(machine, line);
                if (r < 0)
                        return log_error_errno(r, "Failed to record the proxy entry for %s in %s: %m", addr,
                                               NETDEV_STATE_DIR);
                if (lo <= 0)
                        continue;
                host_prefix(addr, family, host);
                /* Recorded first: what a SIGKILL leaves is found. Removing it never touches another
                 * route by that name (nsboot's own protocol number, rtnl.h). */
                snprintf(line, sizeof line, "l2proxy-lo %s\n", host);
                r = netdev_record(machine, line);
                if (r < 0)
                        return log_error_errno(r, "Failed to record the loopback route of %s in %s: %m", addr,
                                               NETDEV_STATE_DIR);
                r = rtnl_add_route_exclusive(sk, family, lo, host);
                if (r == -EEXIST)
                        return log_error_errno(r, "%s: lxc.net.%u.l2proxy on an ipvlan routes %s to the host's "
                                               "loopback, but the host has a route for %s already",
                                               netdev_config_where(c, "l2proxy"), c->index, host, host);
                if (r < 0)
                        return log_error_errno(r, "Failed to route %s to the host's loopback (lxc.net.%u.l2proxy): "
                                               "%m (%s)", host, c->index, rtnl_last_error());
                d->lo_routes++;
        }
        return 0;
}

int netdev_l2proxy_add(RtnlSocket *sk, const char *machine, NetDev *d) {
        const NetDevConfig *c = d->config;
        int idx, lo = 0, r;

        if (!c->l2proxy || !c->link)
                return 0;
        idx = rtnl_ifindex(sk, c->link);
        if (idx < 0)
                return log_error_errno(idx, "Link '%s' of lxc.net.%u vanished: %m", c->link, c->index);
        if (netdev_config_l2proxy_lo(c)) {
                lo = rtnl_ifindex(sk, "lo");
                if (lo < 0)
                        return log_error_errno(lo, "The host has no loopback interface 'lo' (lxc.net.%u.l2proxy): %m",
                                               c->index);
        }
        d->proxied = true;
        r = add_list(sk, machine, d, idx, lo, c->ipv4);
        return r < 0 ? r : add_list(sk, machine, d, idx, lo, c->ipv6);
}

/* Gone already (with the link, or never made when the start failed half-way) is no error. */
static void warn_remove(int r, const char *what, const char *addr, const char *where) {
        if (r < 0 && !IN_SET(r, -ENODEV, -ENOENT, -ESRCH))
                log_warning_errno(r, "Failed to remove the %s for %s on '%s', ignoring: %m", what, addr, where);
}

static void remove_one(RtnlSocket *sk, const char *link, const char *addr) {
        char a[46];
        int family = address_of(addr, a), idx = rtnl_ifindex(sk, link);

        warn_remove(idx < 0 ? idx : rtnl_delete_proxy_neighbour(sk, family, idx, a), "proxy entry", a, link);
}

static void remove_lo_route(RtnlSocket *sk, const char *addr) {
        char a[46], host[50];
        int family = address_of(addr, a), lo = rtnl_ifindex(sk, "lo");

        host_prefix(a, family, host);
        warn_remove(lo < 0 ? lo : rtnl_delete_route(sk, family, lo, host), "loopback route", host, "lo");
}

void netdev_l2proxy_remove(RtnlSocket *sk, const NetDev *d) {
        char *const *lists[2] = { d->config->ipv4, d->config->ipv6 };
        unsigned n = 0;

        if (!d->proxied)
                return;
        for (size_t k = 0; k < 2; k++)
                STRV_FOREACH(a, lists[k]) {
                        remove_one(sk, d->config->link, *a);
                        if (n++ < d->lo_routes)
                                remove_lo_route(sk, *a);
                }
}

int netdev_l2proxy_repair(RtnlSocket *sk, const char *text) {
        int n = 0;

        for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                char link[16], addr[50];

                if (startswith(p, "l2proxy ") && sscanf(p, "l2proxy %15s %45s", link, addr) == 2) {
                        remove_one(sk, link, addr);
                        log_info("Removed the proxy entry for %s on '%s'", addr, link);
                        n++;
                } else if (startswith(p, "l2proxy-lo ") && sscanf(p, "l2proxy-lo %49s", addr) == 1) {
                        remove_lo_route(sk, addr);
                        log_info("Removed the loopback route of %s", addr);
                        n++;
                }
        }
        return n;
}
