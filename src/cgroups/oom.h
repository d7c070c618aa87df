/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Telling the admin when the kernel's OOM killer kills a process of the guest because the machine
 * hit its memory limit: the guest lives on, nsboot logs it as it happens. Parent stage: watched
 * from the event loop while the guest runs (cgroup2 memory.events, or the v1 memory controller's
 * OOM notification through cgroup.event_control). */
#pragma once

#include <stdint.h>
#include "event-loop.h"

#include "cgroup.h"

typedef struct OomWatch OomWatch;

/* How many processes the OOM killer killed in the machine's cgroup so far. Non-logging; -ENOENT
 * when the machine has no memory controller. */
int oom_kill_count(const CGroup *cg, uint64_t *ret);

/* Starts watching; *ret stays NULL when there is nothing to watch. Logs. */
int oom_watch_new(Event *e, const CGroup *cg, const char *machine, OomWatch **ret);
OomWatch *oom_watch_free(OomWatch *w);
