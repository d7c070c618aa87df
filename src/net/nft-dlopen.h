/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libnftnl and libmnl, loaded at the first use by the nftables backend of the firewall
 * (firewall-nft.c; the supervisor): only machines with --masquerade or --port on an nftables host
 * map them. */
#pragma once

#include <stdbool.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "dlopen-util.h"

extern typeof(mnl_cb_run) *sym_mnl_cb_run;
extern typeof(mnl_nlmsg_batch_current) *sym_mnl_nlmsg_batch_current;
extern typeof(mnl_nlmsg_batch_head) *sym_mnl_nlmsg_batch_head;
extern typeof(mnl_nlmsg_batch_next) *sym_mnl_nlmsg_batch_next;
extern typeof(mnl_nlmsg_batch_size) *sym_mnl_nlmsg_batch_size;
extern typeof(mnl_nlmsg_batch_start) *sym_mnl_nlmsg_batch_start;
extern typeof(mnl_nlmsg_batch_stop) *sym_mnl_nlmsg_batch_stop;
extern typeof(mnl_socket_bind) *sym_mnl_socket_bind;
extern typeof(mnl_socket_close) *sym_mnl_socket_close;
extern typeof(mnl_socket_get_fd) *sym_mnl_socket_get_fd;
extern typeof(mnl_socket_get_portid) *sym_mnl_socket_get_portid;
extern typeof(mnl_socket_open) *sym_mnl_socket_open;
extern typeof(mnl_socket_recvfrom) *sym_mnl_socket_recvfrom;
extern typeof(mnl_socket_sendto) *sym_mnl_socket_sendto;

extern typeof(nftnl_batch_begin) *sym_nftnl_batch_begin;
extern typeof(nftnl_batch_end) *sym_nftnl_batch_end;
extern typeof(nftnl_chain_alloc) *sym_nftnl_chain_alloc;
extern typeof(nftnl_chain_free) *sym_nftnl_chain_free;
extern typeof(nftnl_chain_nlmsg_build_payload) *sym_nftnl_chain_nlmsg_build_payload;
extern typeof(nftnl_chain_set_s32) *sym_nftnl_chain_set_s32;
extern typeof(nftnl_chain_set_str) *sym_nftnl_chain_set_str;
extern typeof(nftnl_chain_set_u32) *sym_nftnl_chain_set_u32;
extern typeof(nftnl_expr_alloc) *sym_nftnl_expr_alloc;
extern typeof(nftnl_expr_set) *sym_nftnl_expr_set;
extern typeof(nftnl_expr_set_u32) *sym_nftnl_expr_set_u32;
extern typeof(nftnl_nlmsg_build_hdr) *sym_nftnl_nlmsg_build_hdr;
extern typeof(nftnl_rule_add_expr) *sym_nftnl_rule_add_expr;
extern typeof(nftnl_rule_alloc) *sym_nftnl_rule_alloc;
extern typeof(nftnl_rule_free) *sym_nftnl_rule_free;
extern typeof(nftnl_rule_nlmsg_build_payload) *sym_nftnl_rule_nlmsg_build_payload;
extern typeof(nftnl_rule_set_str) *sym_nftnl_rule_set_str;
extern typeof(nftnl_rule_set_u32) *sym_nftnl_rule_set_u32;
extern typeof(nftnl_table_alloc) *sym_nftnl_table_alloc;
extern typeof(nftnl_table_free) *sym_nftnl_table_free;
extern typeof(nftnl_table_nlmsg_build_payload) *sym_nftnl_table_nlmsg_build_payload;
extern typeof(nftnl_table_set_str) *sym_nftnl_table_set_str;
extern typeof(nftnl_table_set_u32) *sym_nftnl_table_set_u32;

/* Whether both libraries can be loaded; without logging (for --firewall=auto). */
bool libnftnl_present(void);
/* Loads libmnl.so.0 and libnftnl.so.11 at the first call; logs and returns -EOPNOTSUPP when one
 * is missing. */
int dlopen_libnftnl(void);
