/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small rtnetlink helpers on libnl-route-3: create, move, rename and configure links, addresses
 * and routes in the network namespace the calling process is in. All netlink use of nsboot is
 * here. Non-logging: every call returns 0 or -errno. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct nl_sock RtnlSocket;

/* Loads libnl (dlopen, once; logs when it is missing). rtnl_open() does it too, but a process that
 * will enter the guest's tree calls this before, so that it never loads libnl from there. */
int rtnl_load(void);
int rtnl_open(RtnlSocket **ret);
/* libnl's words for the last failure, for messages. */
const char *rtnl_last_error(void);
void rtnl_close(RtnlSocket *sk);

int rtnl_ifindex(RtnlSocket *sk, const char *name);
/* The link's kind ("bridge", "veth", …; "" for a plain device). */
int rtnl_link_kind(RtnlSocket *sk, const char *name, char *ret, size_t size);
/* Name, MTU and IFF_UP of a link, to put a moved interface back as it was. */
int rtnl_link_info(RtnlSocket *sk, int ifindex, char name[static 16], unsigned *ret_mtu, bool *ret_up);
/* The link's 6-byte MAC. */
int rtnl_link_mac(RtnlSocket *sk, int ifindex, unsigned char ret[static 6]);

/* A veth pair: host_name here, peer_name created directly in the network namespace of pid, each
 * with rxq receive and txq transmit queues (0: the kernel's default). */
int rtnl_add_veth(RtnlSocket *sk, const char *host_name, const char *peer_name, pid_t pid, unsigned rxq,
                  unsigned txq);
/* A macvlan (mode: private, vepa, bridge, passthru) or ipvlan (l2, l3, l3s) or 802.1Q vlan on
 * the host link parent, created directly in the namespace of pid as name. */
int rtnl_add_macvlan(RtnlSocket *sk, const char *parent, const char *name, const char *mode, pid_t pid);
/* (flags: the ipvlan's isolation, IPVLAN_F_PRIVATE or IPVLAN_F_VEPA, 0 for bridge) */
int rtnl_add_ipvlan(RtnlSocket *sk, const char *parent, const char *name, const char *mode, unsigned flags, pid_t pid);
int rtnl_add_vlan(RtnlSocket *sk, const char *parent, const char *name, unsigned id, pid_t pid);
/* (With pid 0 the vlan stays here, in the caller's namespace.) */
int rtnl_delete(RtnlSocket *sk, const char *name);
/* A bridge named name (up); -EEXIST when there is one. */
int rtnl_add_bridge(RtnlSocket *sk, const char *name);
/* How many links have ifindex as their master. */
int rtnl_count_ports(RtnlSocket *sk, int ifindex);
/* The first global address of family on ifindex, as text. */
int rtnl_first_address(RtnlSocket *sk, int ifindex, int family, char *ret, size_t size);

/* Moves ifindex into the namespace of pid (or of the open namespace fd when pid is 0), renaming
 * it to new_name there if not NULL. */
int rtnl_move(RtnlSocket *sk, int ifindex, pid_t pid, int netns_fd, const char *new_name);
int rtnl_set_master(RtnlSocket *sk, int ifindex, const char *bridge);
/* Any of name, mac (6 bytes), mtu (0: keep), up (-1: keep) */
int rtnl_set(RtnlSocket *sk, int ifindex, const char *name, const unsigned char *mac, unsigned mtu, int up);
/* "10.0.0.5/24" or "fd00::5/64" */
int rtnl_add_address(RtnlSocket *sk, int ifindex, const char *address);
/* A default route through gateway (an address), or a device route when gateway is NULL. */
int rtnl_add_default_route(RtnlSocket *sk, int family, int ifindex, const char *gateway);
/* A route to destination ("10.0.0.5/32"; NULL: default) on ifindex, through gateway or on the link. */
int rtnl_add_route(RtnlSocket *sk, int family, int ifindex, const char *destination, const char *gateway);
/* nsboot's own routing protocol number ("proto 110" in ip route): a route nsboot must take away
 * again carries it, so that a delete never takes a route someone else made. */
#define RTPROT_NSBOOT 110
/* A route of nsboot's own to destination on the link ifindex, where the main table has none for
 * that destination yet (whatever its metric): else -EEXIST. */
int rtnl_add_route_exclusive(RtnlSocket *sk, int family, int ifindex, const char *destination);
/* Deletes nsboot's own route to destination on ifindex (rtnl_add_route_exclusive()). */
int rtnl_delete_route(RtnlSocket *sk, int family, int ifindex, const char *destination);
/* ipvlan port isolation of ifindex: 0 (bridge), IPVLAN_F_PRIVATE or IPVLAN_F_VEPA. */
int rtnl_set_ipvlan_flags(RtnlSocket *sk, int ifindex, unsigned flags);
/* Adds (or removes) VLAN vid on the bridge port ifindex: tagged, or the port's untagged PVID. */
int rtnl_bridge_vlan(RtnlSocket *sk, int ifindex, unsigned vid, bool untagged_pvid, bool add);
/* A proxy neighbour entry: the host answers ARP/NDP for address on ifindex (ip neigh add proxy). */
int rtnl_add_proxy_neighbour(RtnlSocket *sk, int family, int ifindex, const char *address);
int rtnl_delete_proxy_neighbour(RtnlSocket *sk, int family, int ifindex, const char *address);
