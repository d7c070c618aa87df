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
#include "netdev.h"
#include "settings-table.h"

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

static int set_string(const char *value, void *dest) {
        char *c = strdup(value);

        if (!c)
                return -ENOMEM;
        free(*(char **) dest);
        *(char **) dest = c;
        return 0;
}

int net_type(const SettingDef *def _unused_, const char *value, void *dest) {
        NetDevType t = netdev_type_from_string(value);

        if (t < 0)
                return -EINVAL;
        *(NetDevType *) dest = t;
        return 0;
}

int net_ifname(const SettingDef *def _unused_, const char *value, void *dest) {
        return ifname_is_valid(value) ? set_string(value, dest) : -EINVAL;
}

int net_flags(const SettingDef *def _unused_, const char *value, void *dest) {
        if (!streq(value, "up") && *value)
                return -EINVAL;
        *(bool *) dest = streq(value, "up");
        return 0;
}

/* aa:bb:cc:dd:ee:ff, where any hex digit may be 'x' (random); unicast only. */
int net_hwaddr(const SettingDef *def _unused_, const char *value, void *dest) {
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

int net_mtu(const SettingDef *def _unused_, const char *value, void *dest) {
        unsigned v;

        if (safe_atou(value, &v) < 0 || v < 68 || v > 65535)
                return -ERANGE;
        *(unsigned *) dest = v;
        return 0;
}

/* An empty value of a string key unsets it: true then. */
static bool string_clear_if_empty(const char *value, void *dest) {
        if (*value)
                return false;
        free(*(char **) dest);
        *(char **) dest = NULL;
        return true;
}

/* veth.n_rxqueues / n_txqueues: 1 to 4096, what rtnetlink accepts for a new link. */
int net_queues(const SettingDef *def _unused_, const char *value, void *dest) {
        unsigned v;

        if (safe_atou(value, &v) < 0 || v < 1 || v > 4096)
                return -ERANGE;
        *(unsigned *) dest = v;
        return 0;
}

/* A command line, as LXC runs it with sh -c 'exec SCRIPT ARGS'; empty: none. */
int net_script(const SettingDef *def _unused_, const char *value, void *dest) {
        return string_clear_if_empty(value, dest) ? 0 : set_string(value, dest);
}

int net_vlan_id(const SettingDef *def _unused_, const char *value, void *dest) {
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

int net_ipv4(const SettingDef *def _unused_, const char *value, void *dest) {
        return net_addresses(value, dest, AF_INET, 32);
}

int net_ipv6(const SettingDef *def _unused_, const char *value, void *dest) {
        return net_addresses(value, dest, AF_INET6, 128);
}

static int net_gateway(const char *value, void *dest, int family) {
        char buf[16];

        if (!streq(value, "auto") && !streq(value, "dev") && inet_pton(family, value, buf) != 1)
                return -EINVAL;
        return set_string(value, dest);
}

int net_gateway4(const SettingDef *def _unused_, const char *value, void *dest) {
        return net_gateway(value, dest, AF_INET);
}

int net_gateway6(const SettingDef *def _unused_, const char *value, void *dest) {
        return net_gateway(value, dest, AF_INET6);
}

int net_macvlan_mode(const SettingDef *def _unused_, const char *value, void *dest) {
        if (!streq(value, "private") && !streq(value, "vepa") && !streq(value, "bridge") && !streq(value, "passthru"))
                return -EINVAL;
        return set_string(value, dest);
}

int net_ipvlan_mode(const SettingDef *def _unused_, const char *value, void *dest) {
        if (!streq(value, "l2") && !streq(value, "l3") && !streq(value, "l3s"))
                return -EINVAL;
        return set_string(value, dest);
}

int net_ipvlan_isolation(const SettingDef *def _unused_, const char *value, void *dest) {
        if (!streq(value, "bridge") && !streq(value, "private") && !streq(value, "vepa"))
                return -EINVAL;
        return set_string(value, dest);
}

/* An empty link is no link: a veth's host end then stays unattached (LXC reads it so). */
int net_link(const SettingDef *def _unused_, const char *value, void *dest) {
        if (string_clear_if_empty(value, dest))
                return 0;
        return ifname_is_valid(value) ? set_string(value, dest) : -EINVAL;
}

int net_veth_mode(const SettingDef *def _unused_, const char *value, void *dest) {
        if (!streq(value, "bridge") && !streq(value, "router"))
                return -EINVAL;
        *(bool *) dest = streq(value, "router");
        return 0;
}

/* A host route to the guest: ADDRESS/PREFIX with nothing set after the prefix. */
int net_route4(const SettingDef *def _unused_, const char *value, void *dest) {
        return net_addresses(value, dest, AF_INET, 32);
}

int net_route6(const SettingDef *def _unused_, const char *value, void *dest) {
        return net_addresses(value, dest, AF_INET6, 128);
}

/* The untagged VLAN of a veth's bridge port: a VID from 1 to 4094, or none (not even VLAN 1). */
int net_bridge_vid(const SettingDef *def _unused_, const char *value, void *dest) {
        unsigned v;

        if (streq(value, "none")) {
                *(int *) dest = 0;
                return 0;
        }
        if (safe_atou(value, &v) < 0 || v < 1 || v > 4094)
                return -ERANGE;
        *(int *) dest = (int) v;
        return 0;
}

/* A tagged VLAN of a veth's bridge port, one per line; an empty value clears them. */
int net_bridge_tagged(const SettingDef *def _unused_, const char *value, void *dest) {
        unsigned v;

        if (!*value) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        if (safe_atou(value, &v) < 0 || v < 1 || v > 4094)
                return -ERANGE;
        if (strv_length(*(char ***) dest) >= 64)
                return -E2BIG;
        return strv_extend(dest, value);
}

/* "lxc.net" and "lxc.net.N" take no value: their empty assignment removes interfaces. */
int net_nothing(const SettingDef *def _unused_, const char *value, void *dest) {
        return *value ? -EINVAL : 0;
}

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
        strv_free(d->routes4);
        strv_free(d->routes6);
        strv_free(d->bridge_tagged);
        free(d->script_up);
        free(d->script_down);
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
                                       .macvlan_vlan = -1, .bridge_vid = -1,
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
        const SettingDef *k;
        NetDevConfig *d;
        unsigned index, ordinal;
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
        k = settings_table_find_net(rest, &ordinal);
        if (!k) {
                *ret_expect = "a known lxc.net.N subkey";
                return -ENOKEY;
        }
        *ret_expect = k->expect;
        r = get_index(l, index, where, &d);
        if (r < 0)
                return r;
        r = k->parse(k, value, (char *) d + k->offset);
        if (r < 0)
                return r;
        d->keys_set |= 1u << ordinal;
        free(d->key_where[ordinal]);
        d->key_where[ordinal] = strdup(where);
        return d->key_where[ordinal] ? 0 : -ENOMEM;
}

const char *netdev_config_where(const NetDevConfig *d, const char *sub) {
        unsigned k;

        if (settings_table_find_net(sub, &k) && d->key_where[k])
                return d->key_where[k];
        return d->where;
}

/* Every key set for d applies to its type. */
static int validate_keys(const NetDevConfig *d) {
        const SettingDef *k;
        int r = 0;

        for (unsigned n = 0; (k = settings_table_net_row(n)); n++)
                if (d->keys_set & (1u << n) && !(k->net_types & (1u << d->type)))
                        r = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: lxc.net.%u.%s does not apply to type %s",
                                            strna(d->key_where[n]), d->index, settings_net_sub(k),
                                            netdev_type_to_string(d->type));
        return r;
}

int netdev_configs_validate(const NetDevConfigs *l) {
        int r = 0;

        for (size_t i = 0; i < l->n; i++) {
                const NetDevConfig *d = &l->items[i];
                const NetDevOps *ops;

                if (d->type < 0) {
                        r = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: lxc.net.%u has no type", d->where, d->index);
                        continue;
                }
                ops = netdev_ops[d->type];
                if (validate_keys(d) < 0)
                        r = -EINVAL;
                if (ops->flags & NETDEV_OPS_NEEDS_LINK && !d->link)
                        r = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: lxc.net.%u (%s) needs a link", d->where,
                                            d->index, netdev_type_to_string(d->type));
                if (ops->validate && ops->validate(d) < 0)
                        r = -EINVAL;
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
                const char *mode_key = netdev_ops[d->type]->mode_key ?: "mode";
                const char *const pairs[][2] = {
                        { "type", netdev_type_to_string(d->type) }, { "link", d->link }, { "name", d->name },
                        { "veth.pair", d->veth_pair }, { "hwaddr", d->hwaddr }, { "flags", d->up ? "up" : NULL },
                        { "ipv4.gateway", d->ipv4_gateway }, { "ipv6.gateway", d->ipv6_gateway },
                        { mode_key, d->mode }, { "ipvlan.isolation", d->ipvlan_isolation },
                        { "l2proxy", d->l2proxy ? "1" : NULL }, { "script.up", d->script_up },
                        { "script.down", d->script_down },
                };

                for (size_t k = 0; k < ELEMENTSOF(pairs); k++)
                        if (pairs[k][1])
                                fprintf(f, "nsboot.net.%u.%s = %s\n", d->index, pairs[k][0], pairs[k][1]);
                if (d->mtu)
                        fprintf(f, "nsboot.net.%u.mtu = %u\n", d->index, d->mtu);
                if (d->vlan_id >= 0)
                        fprintf(f, "nsboot.net.%u.vlan.id = %d\n", d->index, d->vlan_id);
                if (d->macvlan_vlan >= 0)
                        fprintf(f, "nsboot.net.%u.macvlan.vlan = %d\n", d->index, d->macvlan_vlan);
                if (d->bridge_vid >= 0)
                        fprintf(f, "nsboot.net.%u.veth.vlan.id = %d\n", d->index, d->bridge_vid);
                if (d->router)
                        fprintf(f, "nsboot.net.%u.veth.mode = router\n", d->index);
                if (d->veth_rxqueues)
                        fprintf(f, "nsboot.net.%u.veth.n_rxqueues = %u\n", d->index, d->veth_rxqueues);
                if (d->veth_txqueues)
                        fprintf(f, "nsboot.net.%u.veth.n_txqueues = %u\n", d->index, d->veth_txqueues);
                STRV_FOREACH(a, d->routes4)
                        fprintf(f, "nsboot.net.%u.veth.ipv4.route = %s\n", d->index, *a);
                STRV_FOREACH(a, d->routes6)
                        fprintf(f, "nsboot.net.%u.veth.ipv6.route = %s\n", d->index, *a);
                STRV_FOREACH(a, d->bridge_tagged)
                        fprintf(f, "nsboot.net.%u.veth.vlan.tagged.id = %s\n", d->index, *a);
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

void netdev_name_shorten(char name[static 32]) {
        unsigned h = 5381;

        if (strlen(name) <= 15)
                return;
        /* "mv-" + a long interface name: shortened with a hash, as systemd-nspawn does */
        for (const char *c = name; *c; c++)
                h = h * 33 + (unsigned char) *c;
        snprintf(name + 11, 32 - 11, "%04x", h & 0xffff);
}

int netdev_config_add_cli(NetDevConfigs *l, NetDevType type, const char *spec, const char *where) {
        _cleanup_free_ char *copy = strdup(spec);
        char *f[3] = {}, *save = NULL, name[32] = "";
        const NetDevOps *ops = netdev_ops[type];
        unsigned index = 0, type_bit;
        NetDevConfig *d;
        int n = 0, r;

        if (!copy)
                return -ENOMEM;
        for (char *t = strtok_r(copy, ":", &save); t && n < 3; t = strtok_r(NULL, ":", &save))
                f[n++] = t;
        for (size_t i = 0; i < l->n; i++)
                index = MAX(index, l->items[i].index + 1);
        if (!ops->parse_cli || (ops->flags & NETDEV_OPS_NEEDS_LINK && !f[0]) || (f[0] && !ifname_is_valid(f[0])))
                return -EINVAL;
        r = get_index(l, index, where, &d);
        if (r < 0)
                return r;
        d->type = type;
        d->up = true;
        if (settings_table_find_net("type", &type_bit))
                d->keys_set |= 1u << type_bit;
        if (f[0] && (d->link = strdup(f[0])) == NULL)
                return -ENOMEM;
        r = ops->parse_cli(d, f, name);
        if (r < 0)
                return r;
        if (!ifname_is_valid(name))
                return -EINVAL;
        d->name = strdup(name);
        return d->name ? 0 : -ENOMEM;
}

int netdev_config_add_veth_extra(NetDevConfigs *l, const char *spec, const char *where) {
        _cleanup_free_ char *host = strndup(spec, strcspn(spec, ":"));
        const char *cont = strchr(spec, ':');
        unsigned index = 0, type_bit;
        NetDevConfig *d;
        int r;

        if (!host || !ifname_is_valid(host) || (cont && !ifname_is_valid(cont + 1)))
                return host ? -EINVAL : -ENOMEM;
        for (size_t i = 0; i < l->n; i++)
                index = MAX(index, l->items[i].index + 1);
        r = get_index(l, index, where, &d);
        if (r < 0)
                return r;
        *d = (NetDevConfig) { .index = index, .type = NETDEV_VETH, .up = true, .vlan_id = -1, .macvlan_vlan = -1,
                              .bridge_vid = -1, .where = d->where, .veth_pair = TAKE_PTR(host) };
        if (settings_table_find_net("type", &type_bit))
                d->keys_set |= 1u << type_bit;
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
