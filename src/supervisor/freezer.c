/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "freeze.h"
#include "freezer.h"
#include "log.h"
#include "state.h"

int machine_freeze(const CGroup *cg, bool stopping, bool freeze) {
        int r;

        if (freeze && stopping)
                return -EBUSY;
        r = cgroup_is_frozen(cg);
        if (r < 0)
                return r;
        if ((r > 0) == freeze)
                return 0;
        r = cgroup_freeze(cg, freeze, FREEZE_TIMEOUT_USEC);
        if (r < 0)
                return r;
        log_info("%s the guest (nsbootctl %s)", freeze ? "Froze" : "Thawed", freeze ? "freeze" : "thaw");
        return 1;
}

void machine_thaw_for(const CGroup *cg, const char *machine, const char *what) {
        int r;

        if (cgroup_is_frozen(cg) <= 0)
                return;
        log_info("Thawing the frozen guest to %s it", what);
        r = cgroup_freeze(cg, false, FREEZE_TIMEOUT_USEC);
        if (r < 0)
                log_warning_errno(r, "Failed to thaw the guest, ignoring: %m");
        else if (machine)
                (void) machine_state_set_state(machine, "running");
}
