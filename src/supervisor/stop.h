/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Asking the guest's init to power off or reboot cleanly, the way that init understands (a signal,
 * sysvinit's /run/initctl request, runit's stopit and reboot files), resending it while the init is
 * not ready to take it yet, and killing the guest when it has not stopped within the stop timeout.
 * Parent stage: the plan is made once from the tree, a Stop lives for one boot of the guest. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include "event-loop.h"

#include "settings.h"
#include "tree.h"

#define STOP_TIMEOUT_DEFAULT_SEC 60

typedef enum StopKind {
        STOP_POWEROFF,
        STOP_REBOOT,
        _STOP_KIND_MAX,
        _STOP_KIND_INVALID = -EINVAL,
} StopKind;

typedef struct StopPlan {
        TreeInitKind init;              /* whose protocol to speak */
        bool clean;                     /* false: a plain command, a stop request kills it at once */
        bool stub;                      /* --as-pid2: nsboot's stub init forwards to the command */
        int signals[_STOP_KIND_MAX];    /* lxc.signal.halt/reboot or the init's own; 0: not a signal */
        int force_signal;               /* lxc.signal.stop, else SIGKILL */
        unsigned timeout_sec;           /* 0: wait for ever */
} StopPlan;

/* From the settings and, with --boot, the init of the tree (root_fd, guest path init). Non-logging. */
void stop_plan_init(StopPlan *ret, const Settings *s, int root_fd, const char *init);
/* "systemd", "sysvinit", ... or "the command" / "the stub init". */
const char *stop_plan_name(const StopPlan *p);

typedef struct Stop Stop;

/* For the guest whose PID 1 is pid, in event loop e. Logs. */
int stop_new(Event *e, const StopPlan *plan, pid_t pid, Stop **ret);
Stop *stop_free(Stop *st);
DEFINE_TRIVIAL_CLEANUP_FUNC(Stop *, stop_free);

/* Asks the guest's init for a clean poweroff or reboot and starts the stop timeout; the request is
 * repeated until the init takes it. -EOPNOTSUPP when the guest has no clean way (a plain command),
 * -EALREADY when a request is under way. Logs. */
int stop_request(Stop *st, StopKind k);
/* Kills the guest with the force signal at once. Logs. */
void stop_force(Stop *st);
/* True once stop_request() or stop_force() was called for this boot. */
bool stop_requested(const Stop *st);

/* The signal bit of sig in a "SigCgt:" mask of /proc/PID/status; for tests. */
bool stop_mask_has_signal(const char *hex_mask, int sig);
