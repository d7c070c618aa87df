/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Core scheduling (prctl PR_SCHED_CORE, Linux 5.14 with CONFIG_SCHED_CORE): tasks with a cookie
 * share an SMT core only with tasks of the same cookie; a child inherits its parent's cookie at
 * fork, and execve() keeps it. Used by the supervisor (--core-scheduling) and by nsbootctl enter.
 * Non-logging: -EINVAL where the kernel has no core scheduling, -ENODEV where no SMT is active. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

/* A new cookie for every thread of pid's thread group (as LXC's lxc.sched.core). */
int core_sched_create(pid_t pid);
/* The cookie of thread pid (0 for none), as an opaque number. */
int core_sched_get(pid_t pid, uint64_t *ret);
/* The calling thread takes the cookie of thread pid. */
int core_sched_share_from(pid_t pid);
