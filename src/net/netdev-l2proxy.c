/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lxc.net.N.l2proxy: proxy neighbour entries ("ip neigh add proxy ADDR dev LINK") on the interface's
 * host link for each of the guest's static addresses, so the host answers ARP and NDP for them on
 * that link and routes the traffic on to the guest (typically a router-mode veth on the uplink).
 * Like LXC, nsboot checks the sysctls this needs and refuses to start without them rather than
 * changing the host's settings. Each entry is recorded in the machine's state file once made, so
 * the next start or --cleanup removes it after a SIGKILL. */
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

static int add_list(RtnlSocket *sk, const char *machine, const NetDevConfig *c, int idx, char **list) {
        STRV_FOREACH(a, list) {
                char addr[46], line[96];
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
        }
        return 0;
}

int netdev_l2proxy_add(RtnlSocket *sk, const char *machine, NetDev *d) {
        const NetDevConfig *c = d->config;
        int idx, r;

        if (!c->l2proxy || !c->link)
                return 0;
        idx = rtnl_ifindex(sk, c->link);
        if (idx < 0)
                return log_error_errno(idx, "Link '%s' of lxc.net.%u vanished: %m", c->link, c->index);
        d->proxied = true;
        r = add_list(sk, machine, c, idx, c->ipv4);
        return r < 0 ? r : add_list(sk, machine, c, idx, c->ipv6);
}

static void remove_one(RtnlSocket *sk, const char *link, const char *addr) {
        char a[46];
        int family = address_of(addr, a), idx = rtnl_ifindex(sk, link), r;

        r = idx < 0 ? idx : rtnl_delete_proxy_neighbour(sk, family, idx, a);
        /* Gone already: with the link, or never made when the start failed half-way. */
        if (r < 0 && !IN_SET(r, -ENODEV, -ENOENT))
                log_warning_errno(r, "Failed to remove the proxy entry for %s on '%s', ignoring: %m", a, link);
}

void netdev_l2proxy_remove(RtnlSocket *sk, const NetDev *d) {
        if (!d->proxied)
                return;
        STRV_FOREACH(a, d->config->ipv4)
                remove_one(sk, d->config->link, *a);
        STRV_FOREACH(a, d->config->ipv6)
                remove_one(sk, d->config->link, *a);
}

int netdev_l2proxy_repair(RtnlSocket *sk, const char *text) {
        int n = 0;

        for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                char link[16], addr[46];

                if (sscanf(p, "l2proxy %15s %45s", link, addr) != 2)
                        continue;
                remove_one(sk, link, addr);
                log_info("Removed the proxy entry for %s on '%s'", addr, link);
                n++;
        }
        return n;
}
