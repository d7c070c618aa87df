/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nl-dlopen.h"

typeof(nl_addr2str) *sym_nl_addr2str;
typeof(nl_addr_build) *sym_nl_addr_build;
typeof(nl_addr_get_binary_addr) *sym_nl_addr_get_binary_addr;
typeof(nl_addr_get_len) *sym_nl_addr_get_len;
typeof(nl_addr_parse) *sym_nl_addr_parse;
typeof(nl_addr_put) *sym_nl_addr_put;
typeof(nl_cache_free) *sym_nl_cache_free;
typeof(nl_cache_get_first) *sym_nl_cache_get_first;
typeof(nl_cache_get_next) *sym_nl_cache_get_next;
typeof(nl_connect) *sym_nl_connect;
typeof(nl_geterror) *sym_nl_geterror;
typeof(nl_socket_alloc) *sym_nl_socket_alloc;
typeof(nl_socket_free) *sym_nl_socket_free;
typeof(rtnl_addr_add) *sym_rtnl_addr_add;
typeof(rtnl_addr_alloc) *sym_rtnl_addr_alloc;
typeof(rtnl_addr_alloc_cache) *sym_rtnl_addr_alloc_cache;
typeof(rtnl_addr_get_family) *sym_rtnl_addr_get_family;
typeof(rtnl_addr_get_ifindex) *sym_rtnl_addr_get_ifindex;
typeof(rtnl_addr_get_local) *sym_rtnl_addr_get_local;
typeof(rtnl_addr_get_scope) *sym_rtnl_addr_get_scope;
typeof(rtnl_addr_put) *sym_rtnl_addr_put;
typeof(rtnl_addr_set_ifindex) *sym_rtnl_addr_set_ifindex;
typeof(rtnl_addr_set_local) *sym_rtnl_addr_set_local;
typeof(rtnl_link_add) *sym_rtnl_link_add;
typeof(rtnl_link_alloc) *sym_rtnl_link_alloc;
typeof(rtnl_link_alloc_cache) *sym_rtnl_link_alloc_cache;
typeof(rtnl_link_change) *sym_rtnl_link_change;
typeof(rtnl_link_delete) *sym_rtnl_link_delete;
typeof(rtnl_link_enslave_ifindex) *sym_rtnl_link_enslave_ifindex;
typeof(rtnl_link_get_addr) *sym_rtnl_link_get_addr;
typeof(rtnl_link_get_flags) *sym_rtnl_link_get_flags;
typeof(rtnl_link_get_ifindex) *sym_rtnl_link_get_ifindex;
typeof(rtnl_link_get_kernel) *sym_rtnl_link_get_kernel;
typeof(rtnl_link_get_master) *sym_rtnl_link_get_master;
typeof(rtnl_link_get_mtu) *sym_rtnl_link_get_mtu;
typeof(rtnl_link_get_name) *sym_rtnl_link_get_name;
typeof(rtnl_link_get_type) *sym_rtnl_link_get_type;
typeof(rtnl_link_ipvlan_alloc) *sym_rtnl_link_ipvlan_alloc;
typeof(rtnl_link_ipvlan_set_mode) *sym_rtnl_link_ipvlan_set_mode;
typeof(rtnl_link_ipvlan_str2mode) *sym_rtnl_link_ipvlan_str2mode;
typeof(rtnl_link_macvlan_alloc) *sym_rtnl_link_macvlan_alloc;
typeof(rtnl_link_macvlan_set_mode) *sym_rtnl_link_macvlan_set_mode;
typeof(rtnl_link_macvlan_str2mode) *sym_rtnl_link_macvlan_str2mode;
typeof(rtnl_link_put) *sym_rtnl_link_put;
typeof(rtnl_link_set_addr) *sym_rtnl_link_set_addr;
typeof(rtnl_link_set_flags) *sym_rtnl_link_set_flags;
typeof(rtnl_link_set_ifindex) *sym_rtnl_link_set_ifindex;
typeof(rtnl_link_set_link) *sym_rtnl_link_set_link;
typeof(rtnl_link_set_mtu) *sym_rtnl_link_set_mtu;
typeof(rtnl_link_set_name) *sym_rtnl_link_set_name;
typeof(rtnl_link_set_ns_fd) *sym_rtnl_link_set_ns_fd;
typeof(rtnl_link_set_ns_pid) *sym_rtnl_link_set_ns_pid;
typeof(rtnl_link_set_type) *sym_rtnl_link_set_type;
typeof(rtnl_link_unset_flags) *sym_rtnl_link_unset_flags;
typeof(rtnl_link_veth_add) *sym_rtnl_link_veth_add;
typeof(rtnl_link_veth_alloc) *sym_rtnl_link_veth_alloc;
typeof(rtnl_link_veth_get_peer) *sym_rtnl_link_veth_get_peer;
typeof(rtnl_link_set_num_rx_queues) *sym_rtnl_link_set_num_rx_queues;
typeof(rtnl_link_set_num_tx_queues) *sym_rtnl_link_set_num_tx_queues;
typeof(rtnl_link_vlan_alloc) *sym_rtnl_link_vlan_alloc;
typeof(rtnl_link_vlan_set_id) *sym_rtnl_link_vlan_set_id;
typeof(rtnl_route_add) *sym_rtnl_route_add;
typeof(rtnl_route_add_nexthop) *sym_rtnl_route_add_nexthop;
typeof(rtnl_route_delete) *sym_rtnl_route_delete;
typeof(rtnl_route_alloc_cache) *sym_rtnl_route_alloc_cache;
typeof(rtnl_route_get_dst) *sym_rtnl_route_get_dst;
typeof(rtnl_route_get_table) *sym_rtnl_route_get_table;
typeof(nl_addr_cmp) *sym_nl_addr_cmp;
typeof(rtnl_route_alloc) *sym_rtnl_route_alloc;
typeof(rtnl_route_nh_alloc) *sym_rtnl_route_nh_alloc;
typeof(rtnl_route_nh_free) *sym_rtnl_route_nh_free;
typeof(rtnl_route_nh_set_flags) *sym_rtnl_route_nh_set_flags;
typeof(rtnl_route_nh_set_gateway) *sym_rtnl_route_nh_set_gateway;
typeof(rtnl_route_nh_set_ifindex) *sym_rtnl_route_nh_set_ifindex;
typeof(rtnl_route_put) *sym_rtnl_route_put;
typeof(rtnl_route_set_dst) *sym_rtnl_route_set_dst;
typeof(rtnl_route_set_family) *sym_rtnl_route_set_family;
typeof(rtnl_route_set_protocol) *sym_rtnl_route_set_protocol;
typeof(rtnl_route_set_scope) *sym_rtnl_route_set_scope;
typeof(rtnl_route_set_table) *sym_rtnl_route_set_table;

typeof(nl_send_auto) *sym_nl_send_auto;
typeof(nl_wait_for_ack) *sym_nl_wait_for_ack;
typeof(nla_nest_end) *sym_nla_nest_end;
typeof(nla_nest_start) *sym_nla_nest_start;
typeof(nla_put) *sym_nla_put;
typeof(nla_put_string) *sym_nla_put_string;
typeof(nla_put_u16) *sym_nla_put_u16;
typeof(nlmsg_alloc_simple) *sym_nlmsg_alloc_simple;
typeof(nlmsg_append) *sym_nlmsg_append;
typeof(nlmsg_free) *sym_nlmsg_free;
typeof(rtnl_neigh_add) *sym_rtnl_neigh_add;
typeof(rtnl_neigh_alloc) *sym_rtnl_neigh_alloc;
typeof(rtnl_neigh_delete) *sym_rtnl_neigh_delete;
typeof(rtnl_neigh_put) *sym_rtnl_neigh_put;
typeof(rtnl_neigh_set_dst) *sym_rtnl_neigh_set_dst;
typeof(rtnl_neigh_set_family) *sym_rtnl_neigh_set_family;
typeof(rtnl_neigh_set_flags) *sym_rtnl_neigh_set_flags;
typeof(rtnl_neigh_set_ifindex) *sym_rtnl_neigh_set_ifindex;

int dlopen_libnl(void) {
        static void *dl = NULL;
        static const DlopenLibrary lib = {
                .soname = "libnl-route-3.so.200",
                .package = "libnl-route-3-200",
                .feature = "Network interfaces (libnl)",
        };

        return dlopen_many_sym(&dl, &lib,
                               DLSYM_ARG(nl_addr2str),
                               DLSYM_ARG(nl_addr_build),
                               DLSYM_ARG(nl_addr_get_binary_addr),
                               DLSYM_ARG(nl_addr_get_len),
                               DLSYM_ARG(nl_addr_parse),
                               DLSYM_ARG(nl_addr_put),
                               DLSYM_ARG(nl_cache_free),
                               DLSYM_ARG(nl_cache_get_first),
                               DLSYM_ARG(nl_cache_get_next),
                               DLSYM_ARG(nl_connect),
                               DLSYM_ARG(nl_geterror),
                               DLSYM_ARG(nl_socket_alloc),
                               DLSYM_ARG(nl_socket_free),
                               DLSYM_ARG(rtnl_addr_add),
                               DLSYM_ARG(rtnl_addr_alloc),
                               DLSYM_ARG(rtnl_addr_alloc_cache),
                               DLSYM_ARG(rtnl_addr_get_family),
                               DLSYM_ARG(rtnl_addr_get_ifindex),
                               DLSYM_ARG(rtnl_addr_get_local),
                               DLSYM_ARG(rtnl_addr_get_scope),
                               DLSYM_ARG(rtnl_addr_put),
                               DLSYM_ARG(rtnl_addr_set_ifindex),
                               DLSYM_ARG(rtnl_addr_set_local),
                               DLSYM_ARG(rtnl_link_add),
                               DLSYM_ARG(rtnl_link_alloc),
                               DLSYM_ARG(rtnl_link_alloc_cache),
                               DLSYM_ARG(rtnl_link_change),
                               DLSYM_ARG(rtnl_link_delete),
                               DLSYM_ARG(rtnl_link_enslave_ifindex),
                               DLSYM_ARG(rtnl_link_get_addr),
                               DLSYM_ARG(rtnl_link_get_flags),
                               DLSYM_ARG(rtnl_link_get_ifindex),
                               DLSYM_ARG(rtnl_link_get_kernel),
                               DLSYM_ARG(rtnl_link_get_master),
                               DLSYM_ARG(rtnl_link_get_mtu),
                               DLSYM_ARG(rtnl_link_get_name),
                               DLSYM_ARG(rtnl_link_get_type),
                               DLSYM_ARG(rtnl_link_ipvlan_alloc),
                               DLSYM_ARG(rtnl_link_ipvlan_set_mode),
                               DLSYM_ARG(rtnl_link_ipvlan_str2mode),
                               DLSYM_ARG(rtnl_link_macvlan_alloc),
                               DLSYM_ARG(rtnl_link_macvlan_set_mode),
                               DLSYM_ARG(rtnl_link_macvlan_str2mode),
                               DLSYM_ARG(rtnl_link_put),
                               DLSYM_ARG(rtnl_link_set_addr),
                               DLSYM_ARG(rtnl_link_set_flags),
                               DLSYM_ARG(rtnl_link_set_ifindex),
                               DLSYM_ARG(rtnl_link_set_link),
                               DLSYM_ARG(rtnl_link_set_mtu),
                               DLSYM_ARG(rtnl_link_set_name),
                               DLSYM_ARG(rtnl_link_set_ns_fd),
                               DLSYM_ARG(rtnl_link_set_ns_pid),
                               DLSYM_ARG(rtnl_link_set_type),
                               DLSYM_ARG(rtnl_link_unset_flags),
                               DLSYM_ARG(rtnl_link_veth_add),
                               DLSYM_ARG(rtnl_link_veth_alloc),
                               DLSYM_ARG(rtnl_link_veth_get_peer),
                               DLSYM_ARG(rtnl_link_set_num_rx_queues),
                               DLSYM_ARG(rtnl_link_set_num_tx_queues),
                               DLSYM_ARG(rtnl_link_vlan_alloc),
                               DLSYM_ARG(rtnl_link_vlan_set_id),
                               DLSYM_ARG(rtnl_route_add),
                               DLSYM_ARG(rtnl_route_add_nexthop),
                               DLSYM_ARG(rtnl_route_delete),
                               DLSYM_ARG(rtnl_route_alloc_cache),
                               DLSYM_ARG(rtnl_route_get_dst),
                               DLSYM_ARG(rtnl_route_get_table),
                               DLSYM_ARG(nl_addr_cmp),
                               DLSYM_ARG(rtnl_route_alloc),
                               DLSYM_ARG(rtnl_route_nh_alloc),
                               DLSYM_ARG(rtnl_route_nh_free),
                               DLSYM_ARG(rtnl_route_nh_set_flags),
                               DLSYM_ARG(rtnl_route_nh_set_gateway),
                               DLSYM_ARG(rtnl_route_nh_set_ifindex),
                               DLSYM_ARG(rtnl_route_put),
                               DLSYM_ARG(rtnl_route_set_dst),
                               DLSYM_ARG(rtnl_route_set_family),
                               DLSYM_ARG(rtnl_route_set_protocol),
                               DLSYM_ARG(rtnl_route_set_scope),
                               DLSYM_ARG(rtnl_route_set_table),
                               DLSYM_ARG(nl_send_auto),
                               DLSYM_ARG(nl_wait_for_ack),
                               DLSYM_ARG(nla_nest_end),
                               DLSYM_ARG(nla_nest_start),
                               DLSYM_ARG(nla_put),
                               DLSYM_ARG(nla_put_string),
                               DLSYM_ARG(nla_put_u16),
                               DLSYM_ARG(nlmsg_alloc_simple),
                               DLSYM_ARG(nlmsg_append),
                               DLSYM_ARG(nlmsg_free),
                               DLSYM_ARG(rtnl_neigh_add),
                               DLSYM_ARG(rtnl_neigh_alloc),
                               DLSYM_ARG(rtnl_neigh_delete),
                               DLSYM_ARG(rtnl_neigh_put),
                               DLSYM_ARG(rtnl_neigh_set_dst),
                               DLSYM_ARG(rtnl_neigh_set_family),
                               DLSYM_ARG(rtnl_neigh_set_flags),
                               DLSYM_ARG(rtnl_neigh_set_ifindex),
                               NULL);
}
