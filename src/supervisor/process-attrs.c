/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "basic/core-sched.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "log.h"
#include "process-attrs.h"

/* Written by nsboot, which holds CAP_SYS_RESOURCE on the host: the kernel then also makes the value
 * the process's minimum, so the guest's root (in its user namespace, without that capability on
 * the host) may raise it but never go below it, as with systemd-nspawn --oom-score-adjust. */
static int apply_oom_score_adjust(pid_t pid, const OomScoreAdjust *o) {
        char path[64], value[16];
        int r;

        if (!o->set)
                return 0;
        snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int) pid);
        snprintf(value, sizeof value, "%d", o->value);
        r = write_string_file(path, value);
        if (r == -EACCES)
                return log_error_errno(r, "--oom-score-adjust=%d: %m: a value below the current one needs "
                                       "CAP_SYS_RESOURCE, which nsboot lacks here", o->value);
        if (r < 0)
                return log_error_errno(r, "--oom-score-adjust=%d: cannot set it for the guest's init: %m", o->value);
        return 0;
}

/* A default, not a limit: the guest may move its processes to any CPU of its cpuset (which
 * nsboot.cpuset.cpus limits). */
static int apply_cpu_affinity(pid_t pid, const CpuAffinity *a) {
        _cleanup_free_ char *list = NULL;
        cpu_set_t set;
        int e;

        if (!a->set)
                return 0;
        CPU_ZERO(&set);
        for (unsigned c = 0; c < CPU_LIST_MAX; c++)
                if (a->cpus[c])
                        CPU_SET(c, &set);
        if (sched_setaffinity(pid, sizeof set, &set) >= 0)
                return 0;
        e = errno;
        (void) cpu_list_format(a->cpus, &list);
        if (e == EINVAL)
                return log_error_errno(e, "--cpu-affinity=%s: none of these CPUs is online and in the machine's cpuset",
                                       strna(list));
        return log_error_errno(e, "--cpu-affinity=%s: cannot set it for the guest's init: %m", strna(list));
}

/* As LXC's lxc.sched.core: a new cookie for the guest's init, still a single thread that runs nsboot's
 * code; every process the guest starts inherits it at fork(). A kernel without core scheduling fails
 * the start, as in LXC: the guest asked for a protection it would not have. Without SMT (none in the
 * CPUs, or turned off) no two tasks share a core and the kernel gives no cookie: the guest runs
 * without one, as in LXC. */
static int apply_core_scheduling(pid_t pid, bool enable) {
        int r;

        if (!enable)
                return 0;
        r = core_sched_create(pid);
        if (r == -ENODEV)
                log_info("--core-scheduling: no SMT is active here, no task shares a core with another");
        else if (r == -EINVAL)
                return log_error_errno(r,
                                       "--core-scheduling: this kernel has no core scheduling (CONFIG_SCHED_CORE)");
        else if (r < 0)
                return log_error_errno(r, "--core-scheduling: cannot give the guest's init a cookie: %m");
        return 0;
}

int process_attrs_apply(pid_t pid, const Settings *s) {
        int r = apply_oom_score_adjust(pid, &s->oom_score_adjust);

        if (r >= 0)
                r = apply_cpu_affinity(pid, &s->cpu_affinity);
        return r < 0 ? r : apply_core_scheduling(pid, s->core_scheduling);
}
