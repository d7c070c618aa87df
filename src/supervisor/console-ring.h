/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lxc.console.buffer.size: the last output of the guest's console, kept in the supervisor's memory
 * (a fixed-size ring, never growing) and read through the control socket (nsbootctl console-log).
 * Parent stage. */
#pragma once

#include <stddef.h>

#include "basic/macro.h"

typedef struct ConsoleRing ConsoleRing;

/* A ring of size bytes. NULL on OOM. */
ConsoleRing *console_ring_new(size_t size);
ConsoleRing *console_ring_free(ConsoleRing *r);
DEFINE_TRIVIAL_CLEANUP_FUNC(ConsoleRing *, console_ring_free);
/* Appends n bytes; the oldest go when it is full. Never fails, never blocks. */
void console_ring_write(ConsoleRing *r, const void *buf, size_t n);
/* What it holds, oldest first, in at most two pieces (the second may be empty). */
void console_ring_peek(const ConsoleRing *r, const char **ret_a, size_t *ret_a_len, const char **ret_b,
                       size_t *ret_b_len);
void console_ring_clear(ConsoleRing *r);
