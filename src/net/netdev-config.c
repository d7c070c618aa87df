/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "log.h"
#include "netdev-config.h"

static const char *const netdev_type_table[_NETDEV_TYPE_MAX] = {
        [NETDEV_NONE] = "none",     [NETDEV_EMPTY] = "empty", [NETDEV_VETH] = "veth", [NETDEV_MACVLAN] = "macvlan",
        [NETDEV_IPVLAN] = "ipvlan", [NETDEV_VLAN] = "vlan",   [NETDEV_PHYS] = "phys",
};

DEFINE_STRING_TABLE_LOOKUP(netdev_type, NetDevType, netdev_type_table, _NETDEV_TYPE_MAX);

bool ifname_is_valid(const char *s) {
        size_t n = s ? strlen(s) : 0;

        if (n == 0 || n >= 16 || streq(s, ".") || streq(s, ".."))
                return false;
        for (const char *p = s; *p; p++)
                if (*p == '/' || *p == ':' || isspace((unsigned char) *p) || !isprint((unsigned char) *p))
                        return false;
        return true;
}

#define T(x) (1u << NETDEV_##x)
#define ALL_LINKED (T(VETH) | T(MACVLAN) | T(IPVLAN) | T(VLAN) | T(PHYS))

typedef int (*NetParser)(const char *value, void *dest);

typedef struct NetKey {
        const char *sub;
        NetParser parse;
        size_t offset;
        unsigned types;         /* which types it applies to */
        const char *expect;
} NetKey;

static int set_string(const char *value, void *dest) {
        char *c = strdup(value);

        if (!c)
                return -ENOMEM;
        free(*(char **) dest);
        *(char **) dest = c;
        return 0;
}

static int net_type(const char *value, void *dest) {
        NetDevType t = netdev_type_from_string(value);

        if (t < 0)
                return -EINVAL;
        *(NetDevType *) dest = t;
        return 0;
}

static int net_ifname(const char *value, void *dest) {
        return ifname_is_valid(value) ? set_string(value, dest) : -EINVAL;
}

static int net_flags(const char *value, void *dest) {
        if (!streq(value, "up") && *value)
                return -EINVAL;
        *(bool *) dest = streq(value, "up");
        return 0;
}

/* aa:bb:cc:dd:ee:ff, where any hex digit may be 'x' (random); unicast only. */
static int net_hwaddr(const char *value, void *dest) {
        if (strlen(value) != 17)
                return -EINVAL;
        for (int i = 0; i < 17; i++) {
                char c = value[i];

                if (i % 3 == 2 ? c != ':' : !(isxdigit((unsigned char) c) || c == 'x' || c == 'X'))
                        return -EINVAL;
        }
        if (isxdigit((unsigned char) value[1]) && strtol((char[]) { value[1], 0 }, NULL, 16) & 1)
                return -EINVAL; /* a multicast address */
        if (streq(value, "00:00:00:00:00:00"))
                return -EINVAL;
        return set_string(value, dest);
}

static int net_mtu(const char *value, void *dest) {
        unsigned v;

        if (safe_atou(value, &v) < 0 || v < 68 || v > 65535)
                return -ERANGE;
        *(unsigned *) dest = v;
        return 0;
}

static int net_vlan_id(const char *value, void *dest) {
        unsigned v;

        if (safe_atou(value, &v) < 0 || v > 4094)
                return -ERANGE;
        *(int *) dest = (int) v;
        return 0;
}

static int check_prefix(const char *value, int family, int max) {
        char addr[INET6_ADDRSTRLEN + 1], buf[16];
        const char *slash = strchr(value, '/');
        unsigned prefix;
        size_t n = slash ? (size_t) (slash - value) : strlen(value);

        if (n >= sizeof addr)
                return -EINVAL;
        memcpy(addr, value, n);
        addr[n] = 0;
        if (inet_pton(family, addr, buf) != 1)
                return -EINVAL;
        if (slash && (safe_atou(slash + 1, &prefix) < 0 || prefix > (unsigned) max))
                return -EINVAL;
        return 0;
}

/* "ADDRESS[/PREFIX] [BROADCAST]" as LXC writes it; an empty value clears the list. */
static int net_addresses(const char *value, void *dest, int family, int max) {
        _cleanup_free_ char *first = strndup(value, strcspn(value, " \t"));

        if (!*value) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        if (!first || check_prefix(first, family, max) < 0)
                return first ? -EINVAL : -ENOMEM;
        return strv_extend(dest, first);
}

static int net_ipv4(const char *value, void *dest) {
        return net_addresses(value, dest, AF_INET, 32);
}

static int net_ipv6(const char *value, void *dest) {
        return net_addresses(value, dest, AF_INET6, 128);
}

static int net_gateway(const char *value, void *dest, int family) {
        char buf[16];

        if (!streq(value, "auto") && !streq(value, "dev") && inet_pton(family, value, buf) != 1)
                return -EINVAL;
        return set_string(value, dest);
}

static int net_gateway4(const char *value, void *dest) {
        return net_gateway(value, dest, AF_INET);
}

static int net_gateway6(const char *value, void *dest) {
        return net_gateway(value, dest, AF_INET6);
}

static int net_macvlan_mode(const char *value, void *dest);
static int net_ipvlan_mode(const char *value, void *dest);

static int net_macvlan_mode(const char *value, void *dest) {
        if (!streq(value, "private") && !streq(value, "vepa") && !streq(value, "bridge") && !streq(value, "passthru"))
                return -EINVAL;
        return set_string(value, dest);
}

static int net_ipvlan_mode(const char *value, void *dest) {
        if (!streq(value, "l2") && !streq(value, "l3") && !streq(value, "l3s"))
                return -EINVAL;
        return set_string(value, dest);
}

static int net_ipvlan_isolation(const char *value, void *dest) {
        if (!streq(value, "bridge") && !streq(value, "private") && !streq(value, "vepa"))
                return -EINVAL;
        return set_string(value, dest);
}

static int net_unsupported(const char *value, void *dest) {
        return -EOPNOTSUPP;
}

#define F(f) offsetof(NetDevConfig, f)

/* LXC 5's lxc.net.N.* subkeys (reference: lxc.container.conf(5)). */
static const NetKey net_keys[NETDEV_KEYS_MAX] = {
        { "type", net_type, F(type), ~0u, "none, empty, veth, macvlan, ipvlan, vlan or phys" },
        { "flags", net_flags, F(up), ALL_LINKED, "up" },
        { "link", net_ifname, F(link), ALL_LINKED, "a host interface name" },
        { "name", net_ifname, F(name), ALL_LINKED, "an interface name of 1-15 characters" },
        { "hwaddr", net_hwaddr, F(hwaddr), ALL_LINKED, "a unicast MAC such as 00:16:3e:xx:xx:xx" },
        { "mtu", net_mtu, F(mtu), ALL_LINKED, "an MTU from 68 to 65535" },
        { "ipv4.address", net_ipv4, F(ipv4), ALL_LINKED, "an IPv4 ADDRESS/PREFIX" },
        { "ipv4.gateway", net_gateway4, F(ipv4_gateway), ALL_LINKED, "an IPv4 address, auto or dev" },
        { "ipv6.address", net_ipv6, F(ipv6), ALL_LINKED, "an IPv6 ADDRESS/PREFIX" },
        { "ipv6.gateway", net_gateway6, F(ipv6_gateway), ALL_LINKED, "an IPv6 address, auto or dev" },
        { "veth.pair", net_ifname, F(veth_pair), T(VETH), "a host interface name of 1-15 characters" },
        { "macvlan.mode", net_macvlan_mode, F(mode), T(MACVLAN), "private, vepa, bridge or passthru" },
        { "ipvlan.mode", net_ipvlan_mode, F(mode), T(IPVLAN), "l2, l3 or l3s" },
        { "ipvlan.isolation", net_ipvlan_isolation, F(ipvlan_isolation), T(IPVLAN), "bridge, private or vepa" },
        { "vlan.id", net_vlan_id, F(vlan_id), T(VLAN), "a VLAN ID from 0 to 4094" },
        { "script.up", net_unsupported, 0, ALL_LINKED, "(network hooks come in a later version)" },
        { "script.down", net_unsupported, 0, ALL_LINKED, "(network hooks come in a later version)" },
        { "l2proxy", net_unsupported, 0, ALL_LINKED, "(proxy ARP comes in a later version)" },
        { "veth.mode", net_unsupported, 0, T(VETH), "(veth router mode comes in a later version)" },
        { "veth.ipv4.route", net_unsupported, 0, T(VETH), "(host routes come in a later version)" },
        { "veth.ipv6.route", net_unsupported, 0, T(VETH), "(host routes come in a later version)" },
        { "veth.vlan.id", net_unsupported, 0, T(VETH), "(bridge VLANs come in a later version)" },
        { "veth.vlan.tagged.id", net_unsupported, 0, T(VETH), "(bridge VLANs come in a later version)" },
        { "veth.n_rxqueues", net_unsupported, 0, T(VETH), "(veth queues come in a later version)" },
        { "veth.n_txqueues", net_unsupported, 0, T(VETH), "(veth queues come in a later version)" },
};

bool netdev_config_is_key(const char *key) {
        return startswith(key, "lxc.net.") || startswith(key, "nsboot.net.") || streq(key, "lxc.net") ||
               streq(key, "nsboot.net");
}

static void netdev_config_done(NetDevConfig *d) {
        free(d->link);
        free(d->name);
        free(d->veth_pair);
        free(d->hwaddr);
        strv_free(d->ipv4);
        strv_free(d->ipv6);
        free(d->ipv4_gateway);
        free(d->ipv6_gateway);
        free(d->mode);
        free(d->ipvlan_isolation);
        free(d->where);
        for (size_t i = 0; i < NETDEV_KEYS_MAX; i++)
                free(d->key_where[i]);
}

void netdev_configs_done(NetDevConfigs *l) {
        for (size_t i = 0; i < l->n; i++)
                netdev_config_done(&l->items[i]);
        free(l->items);
        *l = (NetDevConfigs) {};
}

static int get_index(NetDevConfigs *l, unsigned index, const char *where, NetDevConfig **ret) {
        NetDevConfig *items;

        for (size_t i = 0; i < l->n; i++)
                if (l->items[i].index == index) {
                        *ret = &l->items[i];
                        return 0;
                }
        if (l->n >= NETDEVS_MAX)
                return -E2BIG;
        items = realloc(l->items, (l->n + 1) * sizeof(NetDevConfig));
        if (!items)
                return -ENOMEM;
        l->items = items;
        items[l->n] = (NetDevConfig) { .index = index, .type = _NETDEV_TYPE_INVALID, .vlan_id = -1,
                                       .where = strdup(where) };
        if (!items[l->n].where)
                return -ENOMEM;
        *ret = &items[l->n++];
        return 0;
}

static void remove_index(NetDevConfigs *l, unsigned index) {
        for (size_t i = 0; i < l->n; i++)
                if (l->items[i].index == index) {
                        netdev_config_done(&l->items[i]);
                        memmove(l->items + i, l->items + i + 1, (l->n - i - 1) * sizeof(NetDevConfig));
                        l->n--;
                        return;
                }
}

int netdev_config_assign(NetDevConfigs *l, const char *key, const char *value, const char *where,
                         const char **ret_expect) {
        const char *rest = startswith(key, "lxc.net") ?: startswith(key, "nsboot.net");
        NetDevConfig *d;
        unsigned index;
        int consumed = 0, r;

        *ret_expect = "nothing: an empty value removes interfaces";
        if (!rest)
                return -EINVAL;
        if (!*rest) {
                /* "lxc.net =": no interfaces at all (LXC clears them). */
                if (*value)
                        return -EINVAL;
                netdev_configs_done(l);
                return 0;
        }
        *ret_expect = "lxc.net.N.KEY with N from 0 to 1023";
        if (sscanf(rest, ".%u%n", &index, &consumed) != 1 || index > NETDEV_INDEX_MAX || !isdigit((unsigned char) rest[1]))
                return -EINVAL;
        rest += consumed;
        if (!*rest) {
                if (*value)
                        return -EINVAL;
                remove_index(l, index);
                return 0;
        }
        if (*rest++ != '.')
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(net_keys) && net_keys[i].sub; i++) {
                const NetKey *k = &net_keys[i];

                if (!streq(rest, k->sub))
                        continue;
                *ret_expect = k->expect;
                r = get_index(l, index, where, &d);
                if (r < 0)
                        return r;
                r = k->parse(value, (char *) d + k->offset);
                if (r < 0)
                        return r;
                d->keys_set |= 1u << i;
                free(d->key_where[i]);
                d->key_where[i] = strdup(where);
                return d->key_where[i] ? 0 : -ENOMEM;
        }
        *ret_expect = "a known lxc.net.N subkey";
        return -ENOKEY;
}

const char *netdev_config_where(const NetDevConfig *d, const char *sub) {
        for (size_t k = 0; k < ELEMENTSOF(net_keys) && net_keys[k].sub; k++)
                if (streq(net_keys[k].sub, sub) && d->key_where[k])
                        return d->key_where[k];
        return d->where;
}

int netdev_configs_validate(const NetDevConfigs *l) {
        int r = 0;

        for (size_t i = 0; i < l->n; i++) {
                const NetDevConfig *d = &l->items[i];

                if (d->type < 0) {
                        r = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: lxc.net.%u has no type", d->where, d->index);
                        continue;
                }
                for (size_t k = 0; k < ELEMENTSOF(net_keys) && net_keys[k].sub; k++)
                        if (d->keys_set & (1u << k) && !(net_keys[k].types & (1u << d->type)))
                                r = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: lxc.net.%u.%s does not apply to type %s",
                                                    strna(d->key_where[k]), d->index, net_keys[k].sub,
                                                    netdev_type_to_string(d->type));
                if (IN_SET(d->type, NETDEV_MACVLAN, NETDEV_IPVLAN, NETDEV_VLAN, NETDEV_PHYS) && !d->link)
                        r = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: lxc.net.%u (%s) needs a link", d->where,
                                            d->index, netdev_type_to_string(d->type));
                if (d->type == NETDEV_VLAN && d->vlan_id < 0)
                        r = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: lxc.net.%u (vlan) needs a vlan.id", d->where,
                                            d->index);
                for (size_t j = 0; j < i; j++) {
                        if (d->name && streq_ptr(d->name, l->items[j].name))
                                r = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: lxc.net.%u.name: '%s' is used twice",
                                                    netdev_config_where(d, "name"), d->index, d->name);
                        if (d->veth_pair && streq_ptr(d->veth_pair, l->items[j].veth_pair))
                                r = log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                                    "%s: lxc.net.%u.veth.pair: '%s' is used twice",
                                                    netdev_config_where(d, "veth.pair"), d->index, d->veth_pair);
                }
        }
        return r;
}

int netdev_configs_format(const NetDevConfigs *l, char **ret) {
        size_t size = 0;
        FILE *f = open_memstream(ret, &size);

        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < l->n; i++) {
                const NetDevConfig *d = &l->items[i];
                const char *mode_key = d->type == NETDEV_IPVLAN ? "ipvlan.mode" : "macvlan.mode";
                const char *const pairs[][2] = {
                        { "type", netdev_type_to_string(d->type) }, { "link", d->link }, { "name", d->name },
                        { "veth.pair", d->veth_pair }, { "hwaddr", d->hwaddr }, { "flags", d->up ? "up" : NULL },
                        { "ipv4.gateway", d->ipv4_gateway }, { "ipv6.gateway", d->ipv6_gateway },
                        { mode_key, d->mode }, { "ipvlan.isolation", d->ipvlan_isolation },
                };

                for (size_t k = 0; k < ELEMENTSOF(pairs); k++)
                        if (pairs[k][1])
                                fprintf(f, "nsboot.net.%u.%s = %s\n", d->index, pairs[k][0], pairs[k][1]);
                if (d->mtu)
                        fprintf(f, "nsboot.net.%u.mtu = %u\n", d->index, d->mtu);
                if (d->vlan_id >= 0)
                        fprintf(f, "nsboot.net.%u.vlan.id = %d\n", d->index, d->vlan_id);
                STRV_FOREACH(a, d->ipv4)
                        fprintf(f, "nsboot.net.%u.ipv4.address = %s\n", d->index, *a);
                STRV_FOREACH(a, d->ipv6)
                        fprintf(f, "nsboot.net.%u.ipv6.address = %s\n", d->index, *a);
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        /* No final newline: the caller prints line by line. */
        if (size > 0 && (*ret)[size - 1] == '\n')
                (*ret)[size - 1] = 0;
        return 0;
}

int netdev_config_add_cli(NetDevConfigs *l, NetDevType type, const char *spec, const char *where) {
        _cleanup_free_ char *copy = strdup(spec);
        char *f[3] = {}, *save = NULL, name[32];
        unsigned index = 0, vid;
        NetDevConfig *d;
        int n = 0, r;

        if (!copy)
                return -ENOMEM;
        for (char *t = strtok_r(copy, ":", &save); t && n < 3; t = strtok_r(NULL, ":", &save))
                f[n++] = t;
        for (size_t i = 0; i < l->n; i++)
                index = MAX(index, l->items[i].index + 1);
        if (type != NETDEV_VETH && !f[0])
                return -EINVAL;
        if (f[0] && !ifname_is_valid(f[0]))
                return -EINVAL;
        r = get_index(l, index, where, &d);
        if (r < 0)
                return r;
        d->type = type;
        d->up = true;
        d->keys_set |= 1u; /* type */
        if (f[0] && (d->link = strdup(f[0])) == NULL)
                return -ENOMEM;
        switch (type) {
        case NETDEV_VETH:
                snprintf(name, sizeof name, "host0");
                break;
        case NETDEV_MACVLAN:
        case NETDEV_IPVLAN:
                snprintf(name, sizeof name, "%s-%s", type == NETDEV_MACVLAN ? "mv" : "iv", f[0]);
                if (f[2] && (type == NETDEV_MACVLAN ? net_macvlan_mode(f[2], &d->mode) : net_ipvlan_mode(f[2], &d->mode)) < 0)
                        return -EINVAL;
                /* nspawn's defaults: bridge and l2 */
                if (!d->mode && (d->mode = strdup(type == NETDEV_MACVLAN ? "bridge" : "l2")) == NULL)
                        return -ENOMEM;
                break;
        case NETDEV_VLAN:
                if (!f[1] || safe_atou(f[1], &vid) < 0 || vid > 4094)
                        return -EINVAL;
                d->vlan_id = (int) vid;
                snprintf(name, sizeof name, "%s.%u", f[0], vid);
                f[1] = f[2];
                break;
        default:
                snprintf(name, sizeof name, "%s", f[0]);
                break;
        }
        if (type != NETDEV_VETH && f[1])
                snprintf(name, sizeof name, "%s", f[1]);
        else if (strlen(name) > 15) {
                /* "mv-" + a long interface name: shortened with a hash, as systemd-nspawn does */
                unsigned h = 5381;

                for (const char *c = name; *c; c++)
                        h = h * 33 + (unsigned char) *c;
                snprintf(name + 11, sizeof name - 11, "%04x", h & 0xffff);
        }
        if (!ifname_is_valid(name))
                return -EINVAL;
        d->name = strdup(name);
        return d->name ? 0 : -ENOMEM;
}

int netdev_config_add_veth_extra(NetDevConfigs *l, const char *spec, const char *where) {
        _cleanup_free_ char *host = strndup(spec, strcspn(spec, ":"));
        const char *cont = strchr(spec, ':');
        unsigned index = 0;
        NetDevConfig *d;
        int r;

        if (!host || !ifname_is_valid(host) || (cont && !ifname_is_valid(cont + 1)))
                return host ? -EINVAL : -ENOMEM;
        for (size_t i = 0; i < l->n; i++)
                index = MAX(index, l->items[i].index + 1);
        r = get_index(l, index, where, &d);
        if (r < 0)
                return r;
        *d = (NetDevConfig) { .index = index, .type = NETDEV_VETH, .up = true, .vlan_id = -1, .where = d->where,
                              .keys_set = 1u, .veth_pair = TAKE_PTR(host) };
        d->name = strdup(cont ? cont + 1 : d->veth_pair);
        return d->name ? 0 : -ENOMEM;
}

int netdev_config_add_zone(NetDevConfigs *l, const char *zone, const char *where) {
        char bridge[32];
        int r;

        if (isempty(zone) || strlen(zone) > 12 || !ifname_is_valid(zone))
                return -EINVAL;
        snprintf(bridge, sizeof bridge, "vz-%s", zone);
        r = netdev_config_add_cli(l, NETDEV_VETH, bridge, where);
        if (r < 0)
                return r;
        l->items[l->n - 1].zone = true;
        return 0;
}
