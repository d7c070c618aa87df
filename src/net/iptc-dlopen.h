/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libip4tc and libip6tc, loaded at the first use by the iptables backend of the firewall
 * (firewall-iptc.c; the supervisor, in the host's mount namespace): only machines with
 * --masquerade or --port on an iptables host map them, and libip6tc only for IPv6 rules. */
#pragma once

/* In this order: libip6tc.h after libiptc.h (their interface headers clash the other way). */
#include <libiptc/libiptc.h>
#include <libiptc/libip6tc.h>

#include "dlopen-util.h"

extern typeof(iptc_append_entry) *sym_iptc_append_entry;
extern typeof(iptc_commit) *sym_iptc_commit;
extern typeof(iptc_delete_num_entry) *sym_iptc_delete_num_entry;
extern typeof(iptc_first_rule) *sym_iptc_first_rule;
extern typeof(iptc_free) *sym_iptc_free;
extern typeof(iptc_init) *sym_iptc_init;
extern typeof(iptc_next_rule) *sym_iptc_next_rule;
extern typeof(iptc_strerror) *sym_iptc_strerror;

extern typeof(ip6tc_append_entry) *sym_ip6tc_append_entry;
extern typeof(ip6tc_commit) *sym_ip6tc_commit;
extern typeof(ip6tc_delete_num_entry) *sym_ip6tc_delete_num_entry;
extern typeof(ip6tc_first_rule) *sym_ip6tc_first_rule;
extern typeof(ip6tc_free) *sym_ip6tc_free;
extern typeof(ip6tc_init) *sym_ip6tc_init;
extern typeof(ip6tc_next_rule) *sym_ip6tc_next_rule;
extern typeof(ip6tc_strerror) *sym_ip6tc_strerror;

/* Loads libip4tc.so.2 at the first call; logs and returns -EOPNOTSUPP when it is missing. */
int dlopen_libiptc(void);
/* The same for libip6tc.so.2. */
int dlopen_libip6tc(void);
