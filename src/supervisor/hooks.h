/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* LXC's hooks (lxc.hook.*, nsboot.hook.*): shell command lines run at the moments LXC runs them, in
 * the namespaces LXC runs them in, with LXC's environment. pre-start, start-host, stop and
 * post-stop run in the parent (host namespaces); pre-mount, mount, autodev and start in the child
 * (the guest's namespaces; start after the switch to the guest's root, so it runs the guest's sh). */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>

typedef enum HookType {
        HOOK_PRE_START,
        HOOK_PRE_MOUNT,
        HOOK_MOUNT,
        HOOK_AUTODEV,
        HOOK_START_HOST,
        HOOK_START,
        HOOK_STOP,
        HOOK_POST_STOP,
        _HOOK_TYPE_MAX,
        _HOOK_TYPE_INVALID = -EINVAL,
} HookType;

const char *hook_type_to_string(HookType t);
HookType hook_type_from_string(const char *s);

typedef struct Settings Settings;

/* Runs the hooks of type in order, each as "sh -c 'exec COMMAND'" (LXC's run_script_argv), with
 * LXC_PID = pid when pid > 0 and LXC_TARGET = target when not NULL. Stops at the first that fails.
 * Logs "lxc.hook.TYPE 'COMMAND' failed with exit status N" and returns -EPROTO then. */
int hooks_run(const Settings *s, HookType type, pid_t pid, const char *target);

/* One script run the way LXC runs hooks and network scripts (run_script_argv()). */
typedef struct HookCall {
        const char *section;    /* "lxc" for hooks, "net" for network scripts */
        const char *name;       /* the hook type: "pre-start", ..., "up", "down" */
        const char *command;
        char *const *args;      /* appended to the command line (network scripts: TYPE LINK [PEER]) */
        char *const *env;       /* "KEY=VALUE" for the script, with lxc.hook.version = 1 only */
        pid_t pid;              /* LXC_PID when > 0 */
        const char *target;     /* LXC_TARGET when not NULL */
        bool stoppable;         /* setup: a stop request (SIGTERM, SIGINT) kills it; teardown runs to its end */
} HookCall;

/* Runs h in a forked child, stdin from /dev/null. Returns its exit status (0-255), 128+N for
 * signal N, or -errno. Non-logging. */
int hook_call(const Settings *s, const HookCall *h);
