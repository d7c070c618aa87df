/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libnl-route-3 (and libnl-3, its dependency), loaded at the first use by rtnl.c: only machines with
 * network interfaces map it. A process that has entered the guest's tree must never be the first to
 * load it (dlopen() would search the guest's library paths): the supervisor loads it before it
 * creates the container when the machine has interfaces, so the child inherits it. */
#pragma once

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/ipvlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/vlan.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "dlopen-util.h"

extern typeof(nl_addr2str) *sym_nl_addr2str;
extern typeof(nl_addr_build) *sym_nl_addr_build;
extern typeof(nl_addr_get_binary_addr) *sym_nl_addr_get_binary_addr;
extern typeof(nl_addr_get_len) *sym_nl_addr_get_len;
extern typeof(nl_addr_parse) *sym_nl_addr_parse;
extern typeof(nl_addr_put) *sym_nl_addr_put;
extern typeof(nl_cache_free) *sym_nl_cache_free;
extern typeof(nl_cache_get_first) *sym_nl_cache_get_first;
extern typeof(nl_cache_get_next) *sym_nl_cache_get_next;
extern typeof(nl_connect) *sym_nl_connect;
extern typeof(nl_geterror) *sym_nl_geterror;
extern typeof(nl_socket_alloc) *sym_nl_socket_alloc;
extern typeof(nl_socket_free) *sym_nl_socket_free;
extern typeof(rtnl_addr_add) *sym_rtnl_addr_add;
extern typeof(rtnl_addr_alloc) *sym_rtnl_addr_alloc;
extern typeof(rtnl_addr_alloc_cache) *sym_rtnl_addr_alloc_cache;
extern typeof(rtnl_addr_get_family) *sym_rtnl_addr_get_family;
extern typeof(rtnl_addr_get_ifindex) *sym_rtnl_addr_get_ifindex;
extern typeof(rtnl_addr_get_local) *sym_rtnl_addr_get_local;
extern typeof(rtnl_addr_get_scope) *sym_rtnl_addr_get_scope;
extern typeof(rtnl_addr_put) *sym_rtnl_addr_put;
extern typeof(rtnl_addr_set_ifindex) *sym_rtnl_addr_set_ifindex;
extern typeof(rtnl_addr_set_local) *sym_rtnl_addr_set_local;
extern typeof(rtnl_link_add) *sym_rtnl_link_add;
extern typeof(rtnl_link_alloc) *sym_rtnl_link_alloc;
extern typeof(rtnl_link_alloc_cache) *sym_rtnl_link_alloc_cache;
extern typeof(rtnl_link_change) *sym_rtnl_link_change;
extern typeof(rtnl_link_delete) *sym_rtnl_link_delete;
extern typeof(rtnl_link_enslave_ifindex) *sym_rtnl_link_enslave_ifindex;
extern typeof(rtnl_link_get_addr) *sym_rtnl_link_get_addr;
extern typeof(rtnl_link_get_flags) *sym_rtnl_link_get_flags;
extern typeof(rtnl_link_get_ifindex) *sym_rtnl_link_get_ifindex;
extern typeof(rtnl_link_get_kernel) *sym_rtnl_link_get_kernel;
extern typeof(rtnl_link_get_master) *sym_rtnl_link_get_master;
extern typeof(rtnl_link_get_mtu) *sym_rtnl_link_get_mtu;
extern typeof(rtnl_link_get_name) *sym_rtnl_link_get_name;
extern typeof(rtnl_link_get_type) *sym_rtnl_link_get_type;
extern typeof(rtnl_link_ipvlan_alloc) *sym_rtnl_link_ipvlan_alloc;
extern typeof(rtnl_link_ipvlan_set_mode) *sym_rtnl_link_ipvlan_set_mode;
extern typeof(rtnl_link_ipvlan_str2mode) *sym_rtnl_link_ipvlan_str2mode;
extern typeof(rtnl_link_macvlan_alloc) *sym_rtnl_link_macvlan_alloc;
extern typeof(rtnl_link_macvlan_set_mode) *sym_rtnl_link_macvlan_set_mode;
extern typeof(rtnl_link_macvlan_str2mode) *sym_rtnl_link_macvlan_str2mode;
extern typeof(rtnl_link_put) *sym_rtnl_link_put;
extern typeof(rtnl_link_set_addr) *sym_rtnl_link_set_addr;
extern typeof(rtnl_link_set_flags) *sym_rtnl_link_set_flags;
extern typeof(rtnl_link_set_ifindex) *sym_rtnl_link_set_ifindex;
extern typeof(rtnl_link_set_link) *sym_rtnl_link_set_link;
extern typeof(rtnl_link_set_mtu) *sym_rtnl_link_set_mtu;
extern typeof(rtnl_link_set_name) *sym_rtnl_link_set_name;
extern typeof(rtnl_link_set_ns_fd) *sym_rtnl_link_set_ns_fd;
extern typeof(rtnl_link_set_ns_pid) *sym_rtnl_link_set_ns_pid;
extern typeof(rtnl_link_set_type) *sym_rtnl_link_set_type;
extern typeof(rtnl_link_unset_flags) *sym_rtnl_link_unset_flags;
extern typeof(rtnl_link_veth_add) *sym_rtnl_link_veth_add;
extern typeof(rtnl_link_veth_alloc) *sym_rtnl_link_veth_alloc;
extern typeof(rtnl_link_veth_get_peer) *sym_rtnl_link_veth_get_peer;
extern typeof(rtnl_link_set_num_rx_queues) *sym_rtnl_link_set_num_rx_queues;
extern typeof(rtnl_link_set_num_tx_queues) *sym_rtnl_link_set_num_tx_queues;
extern typeof(rtnl_link_vlan_alloc) *sym_rtnl_link_vlan_alloc;
extern typeof(rtnl_link_vlan_set_id) *sym_rtnl_link_vlan_set_id;
extern typeof(rtnl_route_add) *sym_rtnl_route_add;
extern typeof(rtnl_route_add_nexthop) *sym_rtnl_route_add_nexthop;
extern typeof(rtnl_route_delete) *sym_rtnl_route_delete;
extern typeof(rtnl_route_alloc_cache) *sym_rtnl_route_alloc_cache;
extern typeof(rtnl_route_get_dst) *sym_rtnl_route_get_dst;
extern typeof(rtnl_route_get_table) *sym_rtnl_route_get_table;
extern typeof(nl_addr_cmp) *sym_nl_addr_cmp;
extern typeof(rtnl_route_alloc) *sym_rtnl_route_alloc;
extern typeof(rtnl_route_nh_alloc) *sym_rtnl_route_nh_alloc;
extern typeof(rtnl_route_nh_free) *sym_rtnl_route_nh_free;
extern typeof(rtnl_route_nh_set_flags) *sym_rtnl_route_nh_set_flags;
extern typeof(rtnl_route_nh_set_gateway) *sym_rtnl_route_nh_set_gateway;
extern typeof(rtnl_route_nh_set_ifindex) *sym_rtnl_route_nh_set_ifindex;
extern typeof(rtnl_route_put) *sym_rtnl_route_put;
extern typeof(rtnl_route_set_dst) *sym_rtnl_route_set_dst;
extern typeof(rtnl_route_set_family) *sym_rtnl_route_set_family;
extern typeof(rtnl_route_set_protocol) *sym_rtnl_route_set_protocol;
extern typeof(rtnl_route_set_scope) *sym_rtnl_route_set_scope;
extern typeof(rtnl_route_set_table) *sym_rtnl_route_set_table;
extern typeof(nl_send_auto) *sym_nl_send_auto;
extern typeof(nl_wait_for_ack) *sym_nl_wait_for_ack;
extern typeof(nla_nest_end) *sym_nla_nest_end;
extern typeof(nla_nest_start) *sym_nla_nest_start;
extern typeof(nla_put) *sym_nla_put;
extern typeof(nla_put_string) *sym_nla_put_string;
extern typeof(nla_put_u16) *sym_nla_put_u16;
extern typeof(nlmsg_alloc_simple) *sym_nlmsg_alloc_simple;
extern typeof(nlmsg_append) *sym_nlmsg_append;
extern typeof(nlmsg_free) *sym_nlmsg_free;
extern typeof(rtnl_neigh_add) *sym_rtnl_neigh_add;
extern typeof(rtnl_neigh_alloc) *sym_rtnl_neigh_alloc;
extern typeof(rtnl_neigh_delete) *sym_rtnl_neigh_delete;
extern typeof(rtnl_neigh_put) *sym_rtnl_neigh_put;
extern typeof(rtnl_neigh_set_dst) *sym_rtnl_neigh_set_dst;
extern typeof(rtnl_neigh_set_family) *sym_rtnl_neigh_set_family;
extern typeof(rtnl_neigh_set_flags) *sym_rtnl_neigh_set_flags;
extern typeof(rtnl_neigh_set_ifindex) *sym_rtnl_neigh_set_ifindex;

/* Loads libnl-route-3.so.200 at the first call; logs and returns -EOPNOTSUPP when it is missing. */
int dlopen_libnl(void);
