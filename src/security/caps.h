/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capabilities the guest keeps: systemd-nspawn's default set, plus CAP_NET_ADMIN when the
 * network is private. Applied by stage-init just before execve(). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Bit mask (1 << CAP_X) of what PID 1 keeps. */
uint64_t caps_default_keep(bool private_network);
/* Marks a keep mask as set, so that "keep nothing" differs from "not given". */
#define CAPS_KEEP_SET (UINT64_C(1) << 63)

/* What PID 1 keeps: keep if set, else the default set plus add; minus drop. */
uint64_t caps_effective(bool private_network, uint64_t add, uint64_t drop, uint64_t keep);
/* "CAP_SYS_ADMIN,net_admin sys_time" or "all" -> mask. Non-logging. */
int caps_from_string(const char *s, uint64_t *ret);
/* mask -> "cap_chown cap_kill ..." */
int caps_to_string(uint64_t mask, char **ret);

/* Drops everything else from the bounding set, sets permitted and effective to keep, and the
 * inheritable set to keep or, for a process about to become an unprivileged user, to nothing:
 * else that user's execve() of a file with inheritable file capabilities would get them back.
 * Clears the ambient set. Logs. */
int caps_apply(uint64_t keep, bool inheritable);
/* Puts mask (permitted, after caps_apply()) into the effective, inheritable and ambient sets, so
 * that the program executed next keeps it, also as an unprivileged user (--ambient-capability).
 * Logs. */
int caps_raise_ambient(uint64_t mask);
