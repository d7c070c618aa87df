/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl stop, reboot and kill: requests to the running nsboot through its control socket, which
 * knows how the guest's init wants to be asked. */
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "basic/parse-util.h"
#include "control.h"
#include "ctl.h"
#include "log.h"

/* Waits until the nsboot of m exits; false after timeout_sec. */
static bool wait_supervisor_exit(const MachineState *m, unsigned timeout_sec) {
        for (unsigned i = 0; i < timeout_sec * 10; i++) {
                MachineState now;
                bool same;

                if (kill(m->supervisor, 0) < 0 && errno == ESRCH)
                        return true;
                /* Or it is the same PID reused by someone else: its state file is gone. */
                if (machine_state_read(m->name, &now) < 0)
                        return true;
                same = now.supervisor == m->supervisor;
                machine_state_done(&now);
                if (!same)
                        return true;
                (void) nanosleep(&(struct timespec) { .tv_nsec = 100 * 1000 * 1000 }, NULL);
        }
        return false;
}

static int request_each(const CtlArgs *a, const char *request, const char *what, bool wait) {
        int ret = 0;

        for (char **name = a->args + 1; *name; name++) {
                MachineState m;
                int r;

                r = ctl_machine_get(*name, &m);
                if (r < 0) {
                        ret = r;
                        continue;
                }
                r = control_request(m.control, request);
                if (r < 0)
                        ret = log_error_errno(r, "Failed to %s machine '%s' (control socket %s): %m", what, *name,
                                              m.control);
                else if (wait && !wait_supervisor_exit(&m, a->timeout_sec))
                        ret = log_error_errno(SYNTHETIC_ERRNO(ETIMEDOUT),
                                              "Machine '%s' did not stop within %u s; 'nsbootctl kill -s KILL %s' ends it",
                                              *name, a->timeout_sec, *name);
                machine_state_done(&m);
        }
        return ret;
}

int verb_stop(const CtlArgs *a) {
        return request_each(a, "stop", "stop", !a->no_wait);
}

int verb_reboot(const CtlArgs *a) {
        return request_each(a, "reboot", "reboot", false);
}

int verb_kill(const CtlArgs *a) {
        char request[32];

        snprintf(request, sizeof request, "kill %d", a->signal ?: SIGTERM);
        return request_each(a, request, "signal", false);
}
