/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl freeze and thaw (unfreeze), as lxc-freeze and lxc-unfreeze: the machine's nsboot freezes
 * or thaws its guest's processes in place (it knows the guest's cgroup, and keeps the state that
 * list and status show). Freezing a frozen machine or thawing a running one changes nothing. */
#include "control.h"
#include "ctl.h"
#include "freeze.h"
#include "log.h"

static int freeze_one(const char *name, bool freeze) {
        const char *verb = freeze ? "freeze" : "thaw";
        MachineState m;
        int r;

        r = ctl_machine_get(name, &m);
        if (r < 0)
                return r;
        r = control_request(m.control, verb);
        if (r == -EBUSY)
                r = log_error_errno(r, "Machine '%s' is stopping, not freezing it", name);
        else if (r == -EOPNOTSUPP)
                r = log_error_errno(r, "Cannot %s machine '%s': its cgroup has no cgroup.freeze (Linux 5.2) "
                                    "and it has no cgroup in a v1 freezer hierarchy, or its nsboot is older "
                                    "than freeze", verb, name);
        else if (r == -ETIMEDOUT)
                r = log_error_errno(r, "Machine '%s' did not freeze within %llu s (a process in an "
                                    "uninterruptible sleep?): it was thawed again", name,
                                    (unsigned long long) (FREEZE_TIMEOUT_USEC / 1000000));
        else if (r < 0)
                r = log_error_errno(r, "Failed to %s machine '%s' (control socket %s): %m", verb, name,
                                    m.control);
        machine_state_done(&m);
        return r;
}

static int freeze_all(const CtlArgs *a, bool freeze) {
        int ret = 0;

        for (char **name = a->args + 1; *name; name++) {
                int r = freeze_one(*name, freeze);

                if (r < 0)
                        ret = r;
        }
        return ret;
}

int verb_freeze(const CtlArgs *a) {
        return freeze_all(a, true);
}

int verb_thaw(const CtlArgs *a) {
        return freeze_all(a, false);
}

int ctl_refuse_frozen(const MachineState *m, const char *what) {
        if (!streq_ptr(m->state, "frozen"))
                return 0;
        return log_error_errno(SYNTHETIC_ERRNO(EBUSY),
                               "Machine '%s' is frozen, %s would wait for ever: 'nsbootctl thaw %s' first",
                               m->name, what, m->name);
}

int ctl_thaw_first(const MachineState *m) {
        int r;

        if (!streq_ptr(m->state, "frozen"))
                return 0;
        r = control_request(m->control, "thaw");
        if (r < 0)
                return log_error_errno(r, "Failed to thaw machine '%s' first (control socket %s): %m",
                                       m->name, m->control);
        return 0;
}
