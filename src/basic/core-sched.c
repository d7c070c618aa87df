/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sys/prctl.h>

#include "core-sched.h"
#include "macro.h"

#ifndef PR_SCHED_CORE
#define PR_SCHED_CORE 62
#define PR_SCHED_CORE_GET 0
#define PR_SCHED_CORE_CREATE 1
#define PR_SCHED_CORE_SHARE_FROM 3
#define PR_SCHED_CORE_SCOPE_THREAD 0
#define PR_SCHED_CORE_SCOPE_THREAD_GROUP 1
#endif

int core_sched_create(pid_t pid) {
        return RET_NERRNO(prctl(PR_SCHED_CORE, PR_SCHED_CORE_CREATE, (unsigned long) pid,
                                PR_SCHED_CORE_SCOPE_THREAD_GROUP, 0UL));
}

int core_sched_get(pid_t pid, uint64_t *ret) {
        return RET_NERRNO(prctl(PR_SCHED_CORE, PR_SCHED_CORE_GET, (unsigned long) pid,
                                PR_SCHED_CORE_SCOPE_THREAD, (unsigned long) ret));
}

int core_sched_share_from(pid_t pid) {
        return RET_NERRNO(prctl(PR_SCHED_CORE, PR_SCHED_CORE_SHARE_FROM, (unsigned long) pid,
                                PR_SCHED_CORE_SCOPE_THREAD, 0UL));
}
