/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capabilities the guest keeps: systemd-nspawn's default set, plus CAP_NET_ADMIN when the
 * network is private. Applied by stage-init just before execve(). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Bit mask (1 << CAP_X) of what PID 1 keeps. */
uint64_t caps_default_keep(bool private_network);
/* Drops everything else from the bounding set, and sets permitted, effective and inheritable to
 * keep; clears the ambient set. Logs. */
int caps_apply(uint64_t keep);
