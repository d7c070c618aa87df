/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Attributes of the guest's init that nsboot sets from the host before init runs, and that its
 * processes inherit: the OOM killer's adjustment (--oom-score-adjust, lxc.proc.oom_score_adj), the
 * CPU affinity (--cpu-affinity) and a core-scheduling cookie (--core-scheduling, lxc.sched.core).
 * Parent stage. */
#pragma once

#include <sys/types.h>

#include "settings.h"

/* On pid, the guest's init-to-be. Logs. */
int process_attrs_apply(pid_t pid, const Settings *s);
