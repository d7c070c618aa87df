/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Network interface settings, the indexed keys nsboot.net.N.* and lxc.net.N.*: one NetDevConfig
 * per index, filled in whatever order the keys come (LXC drops keys written before .type; we do
 * not), checked as a whole afterwards. Parsers are non-logging; validation logs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETDEV_INDEX_MAX 1023
#define NETDEVS_MAX 32
#define NETDEV_KEYS_MAX 32

typedef enum NetDevType {
        NETDEV_NONE,            /* share the host's network namespace */
        NETDEV_EMPTY,           /* own namespace, loopback only */
        NETDEV_VETH,
        NETDEV_MACVLAN,
        NETDEV_IPVLAN,
        NETDEV_VLAN,
        NETDEV_PHYS,
        _NETDEV_TYPE_MAX,
        _NETDEV_TYPE_INVALID = -EINVAL,
} NetDevType;

const char *netdev_type_to_string(NetDevType t);
NetDevType netdev_type_from_string(const char *s);

typedef struct NetDevConfig {
        unsigned index;
        NetDevType type;        /* _NETDEV_TYPE_INVALID until .type is seen */
        char *link;             /* host interface: bridge, lower device, or the one to move in */
        char *name;             /* name inside the container */
        char *veth_pair;        /* host-side veth name */
        char *hwaddr;           /* as given: 'x' nibbles are random */
        unsigned mtu;
        bool up;
        bool zone;              /* --network-zone: link is a bridge nsboot makes and removes */
        char **ipv4, **ipv6;    /* ADDRESS/PREFIX */
        char *ipv4_gateway, *ipv6_gateway;  /* address, "auto" or "dev" */
        char *mode;             /* macvlan.mode / ipvlan.mode */
        char *ipvlan_isolation;
        int vlan_id;            /* -1 unset */
        int macvlan_vlan;       /* macvlan.vlan: the parent's VLAN to sit on, -1 unset */
        bool router;            /* veth.mode = router: host routes and proxy ARP/NDP instead of a bridge */
        char **routes4, **routes6; /* veth.ipv{4,6}.route: host routes to the guest through the veth */
        int bridge_vid;         /* veth.vlan.id: untagged VLAN of the bridge port, 0 none, -1 unset */
        char **bridge_tagged;   /* veth.vlan.tagged.id: tagged VLANs of the bridge port */
        unsigned veth_rxqueues; /* veth.n_rxqueues: receive queues of the guest's end, 0: default */
        unsigned veth_txqueues; /* veth.n_txqueues */
        bool l2proxy;           /* proxy ARP/NDP entries on link for the guest's addresses */
        char *script_up;        /* script.up: host command after the interface is made */
        char *script_down;      /* script.down: host command before it goes */
        char *where;            /* "file:line" of the first key of this index, for messages */
        char *key_where[NETDEV_KEYS_MAX]; /* "file:line" of each subkey, by row of the key table */
        uint32_t keys_set;      /* bit per NetKey row that was assigned */
} NetDevConfig;

typedef struct NetDevConfigs {
        NetDevConfig *items;
        size_t n;
} NetDevConfigs;

/* True when key is "lxc.net.N.SUB", "nsboot.net.N.SUB", "lxc.net.N" or "lxc.net"/"nsboot.net". */
bool netdev_config_is_key(const char *key);
/* Applies key = value; where is "file:line" (or the option) for later messages. Returns -EINVAL,
 * -ERANGE, -ENOMEM, or -EOPNOTSUPP for subkeys whose feature is not built; *ret_expect names
 * what a valid value looks like. Non-logging. */
int netdev_config_assign(NetDevConfigs *l, const char *key, const char *value, const char *where,
                         const char **ret_expect);
/* A command-line interface, systemd-nspawn style, added at the next free index: spec is "" for
 * --network-veth, BRIDGE for --network-bridge, IF[:NAME[:MODE]] for macvlan/ipvlan, IF[:NAME] for
 * phys, IF:ID[:NAME] for vlan. Non-logging. */
int netdev_config_add_cli(NetDevConfigs *l, NetDevType type, const char *spec, const char *where);
/* A derived interface name longer than 15 characters cut to 11 plus 4 hex digits of its hash. */
void netdev_name_shorten(char name[static 32]);
/* "file:line" (or the option) where sub ("link", "name", …) was set for d, else where d began. */
const char *netdev_config_where(const NetDevConfig *d, const char *sub);
/* --network-veth-extra=HOST[:CONT] and --network-zone=NAME (bridge vz-NAME). Non-logging. */
int netdev_config_add_veth_extra(NetDevConfigs *l, const char *spec, const char *where);
int netdev_config_add_zone(NetDevConfigs *l, const char *zone, const char *where);
/* Checks every interface as a whole (type present, keys fit the type, names unique). Logs. */
int netdev_configs_validate(const NetDevConfigs *l);
/* Appends "nsboot.net.N.SUB = VALUE" lines for --check. */
int netdev_configs_format(const NetDevConfigs *l, char **ret);
void netdev_configs_done(NetDevConfigs *l);

/* The value parsers of the lxc.net.N.* rows of the settings table (non-logging). */
typedef struct SettingDef SettingDef;
int net_type(const SettingDef *def, const char *value, void *dest);
int net_flags(const SettingDef *def, const char *value, void *dest);
int net_link(const SettingDef *def, const char *value, void *dest);
int net_ifname(const SettingDef *def, const char *value, void *dest);
int net_hwaddr(const SettingDef *def, const char *value, void *dest);
int net_mtu(const SettingDef *def, const char *value, void *dest);
int net_queues(const SettingDef *def, const char *value, void *dest);
int net_script(const SettingDef *def, const char *value, void *dest);
int net_vlan_id(const SettingDef *def, const char *value, void *dest);
int net_ipv4(const SettingDef *def, const char *value, void *dest);
int net_ipv6(const SettingDef *def, const char *value, void *dest);
int net_gateway4(const SettingDef *def, const char *value, void *dest);
int net_gateway6(const SettingDef *def, const char *value, void *dest);
int net_macvlan_mode(const SettingDef *def, const char *value, void *dest);
int net_ipvlan_mode(const SettingDef *def, const char *value, void *dest);
int net_ipvlan_isolation(const SettingDef *def, const char *value, void *dest);
int net_veth_mode(const SettingDef *def, const char *value, void *dest);
int net_route4(const SettingDef *def, const char *value, void *dest);
int net_route6(const SettingDef *def, const char *value, void *dest);
int net_bridge_vid(const SettingDef *def, const char *value, void *dest);
int net_bridge_tagged(const SettingDef *def, const char *value, void *dest);
int net_nothing(const SettingDef *def, const char *value, void *dest);

/* Interface name rules of the kernel: 1-15 bytes, no '/', ':', whitespace; not "." or "..". */
bool ifname_is_valid(const char *s);
