/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The supervisor's side of nsbootctl freeze and thaw (the "freeze" and "thaw" control requests):
 * the guest's processes frozen in place through its cgroup (freeze.h), and thawed again before
 * anything that needs them to run: a stop, a reboot, a signal. Parent stage. */
#pragma once

#include <stdbool.h>

#include "cgroup.h"

/* Freezes or thaws the guest of cg; refuses to freeze one that is stopping (-EBUSY). Returns 1 when
 * it changed, 0 when it was so already. Logs what it did, not failures (the client reports them). */
int machine_freeze(const CGroup *cg, bool stopping, bool freeze);
/* Thaws a frozen guest before what (a verb: "stop", "signal") reaches it, and marks machine (when
 * not NULL) running again in its state file. Logs. */
void machine_thaw_for(const CGroup *cg, const char *machine, const char *what);
