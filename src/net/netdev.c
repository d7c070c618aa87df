/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sched.h>

#include "basic/fs-util.h"
#include "basic/macro.h"
#include "basic/strv.h"
#include "lock.h"
#include "log.h"
#include "netdev.h"

static uint64_t fnv1a(const char *a, const char *b, unsigned n) {
        uint64_t h = 0xcbf29ce484222325ULL;
        char num[16];

        snprintf(num, sizeof num, ":%u", n);
        for (const char *const *s = (const char *const[]) { a, ":", b, num, NULL }; *s; s++)
                for (const char *p = *s; *p; p++)
                        h = (h ^ (unsigned char) *p) * 0x100000001b3ULL;
        return h;
}

static bool name_taken(const NetDevConfigs *configs, const char *name) {
        for (size_t j = 0; j < configs->n; j++)
                if (streq_ptr(configs->items[j].name, name))
                        return true;
        return false;
}

void netdev_guest_name(const NetDevConfigs *configs, size_t i, char ret[static 16]) {
        unsigned n = 0;

        if (configs->items[i].name) {
                snprintf(ret, 16, "%s", configs->items[i].name);
                return;
        }
        /* eth0, eth1, …: LXC's default, over the unnamed interfaces in index order, skipping the
         * names other interfaces were given explicitly. */
        for (size_t j = 0;; n++) {
                snprintf(ret, 16, "eth%u", n);
                if (name_taken(configs, ret))
                        continue;
                /* the next unnamed interface before i takes this number */
                while (j < configs->n && (configs->items[j].name || !netdev_ops[configs->items[j].type]->create ||
                                          configs->items[j].index >= configs->items[i].index))
                        j++;
                if (j >= configs->n)
                        return;
                j++;
        }
}

void netdev_veth_host_name(const NetDevConfig *c, unsigned nth, const char *machine, char ret[static 16]) {
        const char *prefix;
        char full[64];

        if (c->veth_pair) {
                snprintf(ret, 16, "%s", c->veth_pair);
                return;
        }
        /* systemd-nspawn's names: vb- for a veth in a bridge (also a zone's), ve- for one in none. */
        prefix = c->link && !c->router ? "vb" : "ve";
        if (nth == 0)
                snprintf(full, sizeof full, "%s-%s", prefix, machine);
        else
                snprintf(full, sizeof full, "%s%u-%s", prefix, nth, machine);
        if (strlen(full) <= 15) {
                strcpy(ret, full);
                return;
        }
        /* Unique and stable: 11 characters of the name and 4 hex digits of its hash. */
        snprintf(ret, 16, "%.11s%04x", full, (unsigned) (fnv1a(full, "", 0) & 0xffff));
}

int netdev_guest_mac(const NetDevConfig *c, const char *machine, unsigned char ret[static 6]) {
        uint64_t h = fnv1a("nsboot-mac", machine, c->index);

        if (!c->hwaddr) {
                for (int i = 0; i < 6; i++)
                        ret[i] = (unsigned char) (h >> (8 * i));
                ret[0] = (unsigned char) ((ret[0] & 0xfe) | 0x02); /* unicast, locally administered */
                return 0;
        }
        unsigned char rnd[12];

        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t) sizeof rnd)
                return -errno;
        for (int i = 0; i < 6; i++) {
                char hex[3] = { c->hwaddr[3 * i], c->hwaddr[3 * i + 1], 0 };

                for (int k = 0; k < 2; k++)
                        if (hex[k] == 'x' || hex[k] == 'X')
                                hex[k] = "0123456789abcdef"[rnd[2 * i + k] & 15];
                ret[i] = (unsigned char) strtoul(hex, NULL, 16);
        }
        if (c->hwaddr[1] == 'x' || c->hwaddr[1] == 'X')
                ret[0] &= 0xfe; /* a random nibble must not make it multicast */
        return 0;
}

static int record(NetDevs *l, const NetDevConfig *c, NetDev **ret) {
        NetDev *items = realloc(l->items, (l->n + 1) * sizeof(NetDev));

        if (!items)
                return -ENOMEM;
        l->items = items;
        items[l->n] = (NetDev) { .config = c };
        *ret = &items[l->n++];
        return 0;
}

/* Every host interface named must exist, and a veth's link be a bridge, before anything is made. */
static int check_links(RtnlSocket *sk, const NetDevConfigs *configs) {
        int r = 0;

        for (size_t i = 0; i < configs->n; i++) {
                const NetDevConfig *c = &configs->items[i];
                char kind[32] = "";

                if (!netdev_ops[c->type]->create || !c->link)
                        continue;
                if (rtnl_link_kind(sk, c->link, kind, sizeof kind) < 0)
                        r = log_error_errno(SYNTHETIC_ERRNO(ENODEV), "%s: lxc.net.%u.link: no host interface '%s'",
                                            netdev_config_where(c, "link"), c->index, c->link);
                else if (netdev_config_link_is_bridge(c) && !streq(kind, "bridge"))
                        r = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: lxc.net.%u.link: '%s' is not a bridge",
                                            netdev_config_where(c, "link"), c->index, c->link);
                else if (netdev_l2proxy_check(c) < 0)
                        r = -EINVAL;
        }
        return r;
}

/* gateway auto (LXC): the address the host has on the interface's link, e.g. its bridge. */
int netdev_resolve_gateways(const NetDevConfigs *configs, NetDevGateways *ret) {
        RtnlSocket *sk = NULL;
        int r = 0;

        *ret = (NetDevGateways) {};
        for (size_t i = 0; i < configs->n && i < NETDEVS_MAX && r >= 0; i++) {
                const NetDevConfig *c = &configs->items[i];
                const int families[2] = { AF_INET, AF_INET6 };
                const char *wanted[2] = { c->ipv4_gateway, c->ipv6_gateway };
                char *out[2] = { ret->v4[i], ret->v6[i] };

                for (int f = 0; f < 2 && r >= 0; f++) {
                        int idx;

                        if (!streq_ptr(wanted[f], "auto"))
                                continue;
                        if (!sk && (r = rtnl_open(&sk)) < 0)
                                break;
                        idx = c->link ? rtnl_ifindex(sk, c->link) : -ENODEV;
                        if (idx < 0 || rtnl_first_address(sk, idx, families[f], out[f], 46) < 0)
                                r = log_error_errno(SYNTHETIC_ERRNO(EADDRNOTAVAIL),
                                                    "%s: lxc.net.%u.ipv%d.gateway = auto: the host has no IPv%d address "
                                                    "on '%s' to use", netdev_config_where(c, f ? "ipv6.gateway" :
                                                    "ipv4.gateway"), c->index, f ? 6 : 4, f ? 6 : 4, strna(c->link));
                }
        }
        rtnl_close(sk);
        return r;
}

/* --network-zone: the zone's bridge exists while a machine uses it; the lock keeps a machine that
 * is leaving from deleting it under one that is arriving. The lock file lives as long as the bridge. */
static void zone_lock_path(const char *bridge, char path[static 128]) {
        snprintf(path, 128, LOCK_DIR "/zone-%s", bridge);
}

static int zone_lock(const char *bridge) {
        char path[128];

        if (mkdir_p(LOCK_DIR, 0755) < 0)
                return -EBADF;
        zone_lock_path(bridge, path);
        return lock_open(path, true);
}

/* The zone locks stay held (in locks[]) until the veths joined their bridges: a machine leaving
 * must not delete the bridge in between. */
static int zones_create(RtnlSocket *sk, const NetDevConfigs *configs, const char *machine, int locks[static NETDEVS_MAX]) {
        for (size_t i = 0; i < configs->n && i < NETDEVS_MAX; i++) {
                const NetDevConfig *c = &configs->items[i];
                int r;

                bool seen = false;

                if (!c->zone)
                        continue;
                for (size_t j = 0; j < i; j++)
                        seen = seen || (configs->items[j].zone && streq(configs->items[j].link, c->link));
                if (seen)
                        continue; /* flock() again on a second description of the same file would wait for ever */
                locks[i] = zone_lock(c->link);
                r = netdev_record_zone(machine, c->link);
                if (r < 0)
                        return r;
                r = rtnl_add_bridge(sk, c->link);
                if (r < 0 && r != -EEXIST)
                        return log_error_errno(r, "Failed to create the zone bridge '%s': %m", c->link);
        }
        return 0;
}

void netdev_zone_release(RtnlSocket *sk, const char *bridge) {
        _cleanup_close_ int lock = zone_lock(bridge);
        int idx = rtnl_ifindex(sk, bridge);
        char path[128];

        if (idx >= 0 && rtnl_count_ports(sk, idx) > 0)
                return;
        if (idx >= 0 && rtnl_delete(sk, bridge) < 0)
                return;
        /* Unlinked while held: one that waits for it opens a new file then (lock_open()). */
        zone_lock_path(bridge, path);
        if (lock >= 0)
                (void) unlink(path);
}

static void close_all(int *fds, size_t n) {
        for (size_t i = 0; i < n; i++)
                fds[i] = safe_close(fds[i]);
}

static int create_each(RtnlSocket *sk, NetDevs *l, const NetDevConfigs *configs, const char *machine, pid_t pid) {
        unsigned veths = 0;
        int r = 0;

        for (size_t i = 0; i < configs->n && r >= 0; i++) {
                const NetDevConfig *c = &configs->items[i];
                NetDev *d;

                if (!netdev_ops[c->type]->create)
                        continue;
                r = record(l, c, &d);
                if (r < 0)
                        break;
                netdev_guest_name(configs, i, d->guest_name);
                if (netdev_config_has_host_side(c))
                        netdev_veth_host_name(c, veths++, machine, d->host_name);
                r = netdev_ops[c->type]->create(sk, d, machine, pid);
                if (r >= 0)
                        r = netdev_l2proxy_add(sk, machine, d);
                if (r >= 0 && netdev_ops[c->type]->describe)
                        netdev_ops[c->type]->describe(d);
        }
        return r;
}

int netdev_create_all(NetDevs *l, const NetDevConfigs *configs, const char *machine, pid_t pid) {
        int zone_locks[NETDEVS_MAX];
        RtnlSocket *sk = NULL;
        char path[64];
        int r;

        *l = (NetDevs) { .netns_fd = -EBADF, .host_netns_fd = -EBADF };
        if (configs->n == 0)
                return 0;
        for (size_t i = 0; i < NETDEVS_MAX; i++)
                zone_locks[i] = -EBADF;
        snprintf(path, sizeof path, "/proc/%d/ns/net", (int) pid);
        l->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
        l->host_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (l->netns_fd < 0 || l->host_netns_fd < 0)
                return log_error_errno(errno, "Failed to open the network namespaces: %m");
        /* Before anything goes in: from now on a SIGKILL leaves a namespace the next start can empty. */
        r = netdev_pin(l, machine, pid);
        if (r < 0)
                return r;
        r = rtnl_open(&sk);
        if (r < 0)
                return log_error_errno(r, "Failed to open rtnetlink: %m");
        r = zones_create(sk, configs, machine, zone_locks);
        if (r >= 0)
                r = check_links(sk, configs);
        if (r >= 0)
                r = create_each(sk, l, configs, machine, pid);
        close_all(zone_locks, NETDEVS_MAX);
        rtnl_close(sk);
        return r < 0 ? r : 0;
}

size_t netdev_host_ifindices(const NetDevs *l, int *ret, size_t max) {
        size_t n = 0;

        for (size_t i = 0; i < l->n && n < max; i++) {
                unsigned idx = netdev_config_has_host_side(l->items[i].config) ? if_nametoindex(l->items[i].host_name) : 0;

                if (idx > 0)
                        ret[n++] = (int) idx;
        }
        return n;
}

void netdev_destroy_all(NetDevs *l) {
        RtnlSocket *sk = NULL;

        if (l->n > 0 && rtnl_open(&sk) >= 0) {
                for (size_t i = l->n; i > 0; i--) {
                        NetDev *d = &l->items[i - 1];

                        netdev_l2proxy_remove(sk, d);
                        if (d->created && netdev_ops[d->config->type]->destroy &&
                            netdev_ops[d->config->type]->destroy(sk, l, d) < 0 && d->config->type == NETDEV_PHYS)
                                l->keep_pin = true;
                }
                rtnl_close(sk);
        }
        netdev_unpin(l);
        free(l->items);
        safe_close(l->netns_fd);
        safe_close(l->host_netns_fd);
        *l = (NetDevs) { .netns_fd = -EBADF, .host_netns_fd = -EBADF };
}

static const char *gateway(const char *configured, const char *resolved) {
        if (streq_ptr(configured, "auto"))
                return resolved;
        return streq_ptr(configured, "dev") ? NULL : configured;
}

static int configure_one(RtnlSocket *sk, const NetDevConfigs *configs, size_t i, const char *machine,
                         const NetDevGateways *gw) {
        const NetDevConfig *c = &configs->items[i];
        char name[16];
        int idx, r;

        netdev_guest_name(configs, i, name);
        idx = rtnl_ifindex(sk, name);
        if (idx < 0)
                return log_error_errno(idx, "Interface '%s' (lxc.net.%u) is missing in the container: %m", name, c->index);
        if (netdev_ops[c->type]->configure_inside && (r = netdev_ops[c->type]->configure_inside(sk, c, idx, machine)) < 0)
                return r;
        r = rtnl_set(sk, idx, NULL, NULL, c->mtu, c->up || c->ipv4 || c->ipv6 ? 1 : -1);
        if (r < 0)
                return log_error_errno(r, "Failed to set up '%s': %m", name);
        for (char **a = c->ipv4; a && *a; a++)
                if ((r = rtnl_add_address(sk, idx, *a)) < 0)
                        return log_error_errno(r, "Failed to add address %s to '%s': %m", *a, name);
        for (char **a = c->ipv6; a && *a; a++)
                if ((r = rtnl_add_address(sk, idx, *a)) < 0)
                        return log_error_errno(r, "Failed to add address %s to '%s': %m", *a, name);
        if (c->ipv4_gateway && (r = rtnl_add_default_route(sk, AF_INET, idx, gateway(c->ipv4_gateway, gw->v4[i]))) < 0)
                return log_error_errno(r, "Failed to add the IPv4 default route via %s on '%s': %m", c->ipv4_gateway, name);
        if (c->ipv6_gateway && (r = rtnl_add_default_route(sk, AF_INET6, idx, gateway(c->ipv6_gateway, gw->v6[i]))) < 0)
                return log_error_errno(r, "Failed to add the IPv6 default route via %s on '%s': %m", c->ipv6_gateway, name);
        return 0;
}

int netdev_configure_inside(const NetDevConfigs *configs, const char *machine, const NetDevGateways *gw) {
        RtnlSocket *sk = NULL;
        int r = 0;

        if (configs->n == 0)
                return 0;
        r = rtnl_open(&sk);
        if (r < 0)
                return log_error_errno(r, "Failed to open rtnetlink in the container: %m");
        for (size_t i = 0; i < configs->n && r >= 0; i++)
                if (netdev_ops[configs->items[i].type]->create)
                        r = configure_one(sk, configs, i, machine, gw);
        rtnl_close(sk);
        return r;
}
