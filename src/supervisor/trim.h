/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The supervisor gives back memory it used only to set the guest up (parent stage, once the guest
 * has run for a second): the heap's free pages (malloc_trim), and the pages of its executable's
 * and libraries' code that the kernel mapped during setup, many of them by fault-around (64 KiB
 * around each fault). Those are clean page-cache pages, shared with every other process using
 * them: unmapping them from the supervisor frees nothing in the page cache and costs a minor fault
 * when one is used again, but the supervisor's RSS then counts the code it really runs while it
 * waits (issue 14: <= 2 MiB). The code mappings are also marked MADV_RANDOM, so that a later fault
 * maps one page and not 64 KiB around it. Only mappings that are file-backed, not writable and hold
 * no private copy (smaps "Anonymous: 0 kB", so never RELRO data) are touched. */
#pragma once

#include "event-loop.h"

#define MEMORY_TRIM_DELAY_USEC (1000U * 1000U)
/* Then, every MEMORY_TRIM_INTERVAL_USEC, again if what later work mapped again (serving the
 * guest's /proc, the control socket, a stop request) has grown past MEMORY_TRIM_SLACK_KIB. A
 * cheap check (/proc/self/statm); a trim reads /proc/self/smaps (well under a millisecond). */
#define MEMORY_TRIM_INTERVAL_USEC (10U * 1000U * 1000U)
#define MEMORY_TRIM_SLACK_KIB 256

/* Non-logging (but for a debug line): returns the number of mappings trimmed, or -errno. */
int memory_trim(void);
/* Runs memory_trim() MEMORY_TRIM_DELAY_USEC from now (a guest that ends sooner, such as a one-shot
 * command, never pays for it), then as said above; the timer belongs to e. */
int memory_trim_schedule(Event *e);
