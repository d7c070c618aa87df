/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine's network interfaces at run time: host sides created (or host interfaces moved in)
 * by the parent once the child's network namespace exists, configured inside by the child before
 * init starts, and torn down by the parent (moved-in interfaces always go back as they were). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "netdev-config.h"
#include "rtnl.h"

typedef struct NetDev {
        const NetDevConfig *config;
        char guest_name[16];
        char host_name[16];     /* veth: the host side; phys: the name it had on the host */
        unsigned orig_mtu;      /* phys: to restore */
        bool orig_up;
        unsigned char orig_mac[6];
        bool have_orig_mac;
        bool created;           /* something exists on the host side that teardown must undo */
        bool made_parent;       /* macvlan.vlan: nsboot made the VLAN link it sits on */
        char parent[16];        /* macvlan.vlan: that VLAN link */
        bool proxied;           /* l2proxy: proxy entries for its addresses may be on its link */
        unsigned lo_routes;     /* l2proxy on an ipvlan: the loopback routes made, for the first addresses */
} NetDev;

typedef struct NetDevs {
        NetDev *items;
        size_t n;
        int netns_fd;           /* the container's network namespace, kept open to move phys back */
        int host_netns_fd;
        char machine[65];
        bool pinned;            /* the namespace is bind-mounted at NETDEV_PIN_DIR/machine */
        bool keep_pin;          /* a phys did not go back: keep the pin for a later repair */
} NetDevs;

typedef enum NetDevOpsFlags {
        NETDEV_OPS_NETNS = 1 << 0,      /* gives the guest its own network namespace */
        NETDEV_OPS_HOST_SIDE = 1 << 1,  /* has a host-side interface (host_name) while it runs: a veth */
        NETDEV_OPS_NEEDS_LINK = 1 << 2, /* lxc.net.N.link names its host parent: required */
        NETDEV_OPS_LINK_BRIDGE = 1 << 3,/* its link, when given, must be a bridge */
        NETDEV_OPS_L2PROXY_LO = 1 << 4, /* l2proxy also routes each address to the host's loopback */
} NetDevOpsFlags;

/* One network type, the whole of it: nothing outside netdev-types.c looks at the type. Every
 * function may be NULL when the type has nothing to do at that step. */
typedef struct NetDevOps {
        NetDevOpsFlags flags;
        const char *mode_key;           /* the subkey the config's .mode field is (macvlan.mode, …) */
        /* The command-line spelling's fields f (IF, NAME, MODE/ID) into c, and its default guest name. */
        int (*parse_cli)(NetDevConfig *c, char *f[3], char ret_name[static 32]);
        /* Checks across the interface's keys. Logs. */
        int (*validate)(const NetDevConfig *c);
        /* Parent: the host side, and the guest's interface moved into the namespace of pid. Logs. */
        int (*create)(RtnlSocket *sk, NetDev *d, const char *machine, pid_t pid);
        /* Parent: what the user should know about the interface it made. */
        void (*describe)(const NetDev *d);
        /* Child, in the guest's namespace, before addresses and routes: the type's own part (MAC). Logs. */
        int (*configure_inside)(RtnlSocket *sk, const NetDevConfig *c, int ifindex, const char *machine);
        /* Parent: undoes create. Logs warnings only. */
        int (*destroy)(RtnlSocket *sk, NetDevs *l, NetDev *d);
} NetDevOps;

extern const NetDevOps *const netdev_ops[];

/* Type queries for code outside src/net (settings checks). */
bool netdev_config_has_netns(const NetDevConfig *c);
bool netdev_config_has_host_side(const NetDevConfig *c);
/* Whether c's link must be a bridge (a veth in bridge mode). */
bool netdev_config_link_is_bridge(const NetDevConfig *c);
/* Whether l2proxy on c also routes its addresses to the host's loopback (an ipvlan, as LXC). */
bool netdev_config_l2proxy_lo(const NetDevConfig *c);

/* Runs action in a child that enters l->netns_fd (the guest's network namespace, alive as long as
 * the fd is, even after the guest's end), so nsboot itself never leaves its own. Returns action's
 * result (0-254), or -EIO when it failed. */
typedef int (*NetnsAction)(RtnlSocket *sk, NetDevs *l, NetDev *d);
int netdev_in_netns(NetDevs *l, NetDev *d, NetnsAction action);

/* Guest-side name of configs->items[i]: its .name, else eth0, eth1, … in index order. */
void netdev_guest_name(const NetDevConfigs *configs, size_t i, char ret[static 16]);
/* Host-side veth name: veth.pair, else "vb-MACHINE" for a veth in a bridge, "ve-MACHINE" for one in
 * none ("vbN-", "veN-" for the N-th veth), shortened to 15 characters with a hash when too long, as
 * systemd-nspawn does. */
void netdev_veth_host_name(const NetDevConfig *c, unsigned nth, const char *machine, char ret[static 16]);
/* MAC for the guest side: hwaddr with 'x' nibbles made random, or derived from machine and index
 * (stable across starts), locally administered unicast. */
int netdev_guest_mac(const NetDevConfig *c, const char *machine, unsigned char ret[static 6]);

/* "auto" gateways resolved on the host: the first address of the interface's link there. */
typedef struct NetDevGateways {
        char v4[NETDEVS_MAX][46];
        char v6[NETDEVS_MAX][46];
} NetDevGateways;

/* Parent, before the child is cloned. Logs. */
int netdev_resolve_gateways(const NetDevConfigs *configs, NetDevGateways *ret);

/* Parent: everything for the guest's network namespace (that of pid). Records what it made in l as
 * it goes, so that netdev_destroy_all() undoes a half-done setup too. Logs. */
int netdev_create_all(NetDevs *l, const NetDevConfigs *configs, const char *machine, pid_t pid);
void netdev_destroy_all(NetDevs *l);
/* Deletes a zone bridge once no machine is attached to it. */
void netdev_zone_release(RtnlSocket *sk, const char *bridge);
/* The host-side interface indices of the machine's veths, for machined. */
size_t netdev_host_ifindices(const NetDevs *l, int *ret, size_t max);
/* Child, in its own network namespace: names, MACs, MTUs, addresses, routes, up. Logs. */
int netdev_configure_inside(const NetDevConfigs *configs, const char *machine, const NetDevGateways *gw);

/* netdev-repair.c: crash safety. The pin and the state file live while the machine runs. */
#define NETDEV_PIN_DIR "/run/nsboot/netns"
#define NETDEV_STATE_DIR "/run/nsboot/machines"
/* Parent: bind-mounts the network namespace of pid at NETDEV_PIN_DIR/machine and starts the state
 * file NETDEV_STATE_DIR/machine.net. Logs. */
int netdev_pin(NetDevs *l, const char *machine, pid_t pid);
/* Records a phys interface (names, MTU, MAC, state) before it moves in, a zone bridge before it is
 * used. Logs. */
int netdev_record_phys(const char *machine, const NetDev *d);
int netdev_record_zone(const char *machine, const char *bridge);
/* Appends line (one "WHAT ARGS\n") to the state file. Non-logging. */
int netdev_record(const char *machine, const char *line);
/* At teardown, after the interfaces went back: removes the pin and the state file. */
void netdev_unpin(NetDevs *l);
/* What a killed nsboot of machine left: moves recorded phys interfaces back out of the pinned
 * namespace (names, MTU, MAC, up or down), deletes every other link in it (veths, macvlans), deletes
 * unused zone bridges, unpins it. Returns how many interfaces it handled. Logs. */
int netdev_repair(const char *machine);

/* netdev-l2proxy.c: lxc.net.N.l2proxy, proxy ARP/NDP entries on the link for the guest's addresses
 * (and, for an ipvlan, routes of them to the host's loopback). */
/* Parent, before anything is made: the sysctls of the link that LXC requires. Logs. */
int netdev_l2proxy_check(const NetDevConfig *c);
/* Parent, after the interface was made: adds and records the entries. Logs. */
int netdev_l2proxy_add(RtnlSocket *sk, const char *machine, NetDev *d);
/* Parent, at teardown. Logs warnings only. */
void netdev_l2proxy_remove(RtnlSocket *sk, const NetDev *d);
/* Removes the entries recorded in a state file's text. Returns how many. Logs. */
int netdev_l2proxy_repair(RtnlSocket *sk, const char *text);
