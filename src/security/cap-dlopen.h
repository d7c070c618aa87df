/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libcap, loaded at its first use: only for capability names (--capability=, --drop-capability=,
 * lxc.cap.keep, --print-config). Applying capabilities is three system calls (capget(), capset(),
 * prctl()), made directly by caps.c, so that a start maps no libcap and runs none of its
 * constructor. Only ever loaded on the host, before any setns() or chroot(): a dlopen() there
 * would load the guest's copy. */
#pragma once

#include <sys/capability.h>

#include "dlopen-util.h"

extern typeof(cap_free) *sym_cap_free;
extern typeof(cap_from_name) *sym_cap_from_name;
extern typeof(cap_to_name) *sym_cap_to_name;

/* Loads libcap.so.2 at the first call; logs and returns -EOPNOTSUPP when it is missing. */
int dlopen_libcap(void);
