/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Freezing a machine's processes in place and letting them go on (nsbootctl freeze and thaw): the
 * machine's cgroup on cgroup2, above the guest's own (cgroup.freeze, waiting for "frozen 1" in
 * cgroup.events), or, where cgroup2 has no cgroup.freeze (Linux < 5.2), the machine's cgroup in a
 * v1 freezer hierarchy (freezer.state). Never the supervisor's cgroup. Parent stage (control
 * requests) and nsboot --cleanup. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"

/* How long a freeze may take before it is given up (and undone). */
#define FREEZE_TIMEOUT_USEC (5 * UINT64_C(1000000))

/* Freezes (freeze) or thaws every process of the machine, waiting at most timeout_usec until all
 * of them are. A freeze that does not complete in time is undone: -ETIMEDOUT. -EOPNOTSUPP when the
 * host can freeze neither way. Non-logging. */
int cgroup_freeze(const CGroup *cg, bool freeze, uint64_t timeout_usec);
/* > 0 when the machine was frozen (or is freezing), 0 when not, -errno when it cannot tell.
 * Non-logging. */
int cgroup_is_frozen(const CGroup *cg);

/* The cgroup directories of a machine whose nsboot is gone (cleanup.h's record: the cgroup2 one
 * first, then v1 ones): when they are frozen, every process left in them is killed (cgroup.kill;
 * frozen v2 tasks die of SIGKILL, v1 ones are thawed for it) and they are thawed, so that they can
 * be removed. Returns > 0 when they were frozen. Logs. */
int cgroup_freeze_repair(char *const *dirs);
