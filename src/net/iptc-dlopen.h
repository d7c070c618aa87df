/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libip4tc, loaded at the first use by firewall.c (the supervisor, in the host's mount namespace):
 * only machines with --masquerade or --port map it. */
#pragma once

#include <libiptc/libiptc.h>

#include "dlopen-util.h"

extern typeof(iptc_append_entry) *sym_iptc_append_entry;
extern typeof(iptc_commit) *sym_iptc_commit;
extern typeof(iptc_delete_num_entry) *sym_iptc_delete_num_entry;
extern typeof(iptc_first_rule) *sym_iptc_first_rule;
extern typeof(iptc_free) *sym_iptc_free;
extern typeof(iptc_init) *sym_iptc_init;
extern typeof(iptc_next_rule) *sym_iptc_next_rule;
extern typeof(iptc_strerror) *sym_iptc_strerror;

/* Loads libip4tc.so.2 at the first call; logs and returns -EOPNOTSUPP when it is missing. */
int dlopen_libiptc(void);
