/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

/* A process that exists only to hold new namespaces (CLONE_NEW* in flags) until the caller has
 * written their maps or joined them. It shares the caller's memory and file table (CLONE_VM,
 * CLONE_FILES): nothing is copied, where a fork() copies the page tables of the whole process
 * (~1.8 ms on a paravirtualized host, twice per start). It only sleeps, and dies with its parent.
 * Returns its PID or -errno. */
pid_t ns_holder_start(unsigned long flags);

/* Kills and reaps it. */
void ns_holder_stop(pid_t pid);
