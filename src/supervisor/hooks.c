/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/process-util.h"
#include "basic/strv.h"
#include "hooks.h"
#include "log.h"
#include "rootfs.h"
#include "settings.h"

static const char *const hook_type_table[_HOOK_TYPE_MAX] = {
        [HOOK_PRE_START] = "pre-start", [HOOK_PRE_MOUNT] = "pre-mount",   [HOOK_MOUNT] = "mount",
        [HOOK_AUTODEV] = "autodev",     [HOOK_START_HOST] = "start-host", [HOOK_START] = "start",
        [HOOK_STOP] = "stop",           [HOOK_POST_STOP] = "post-stop",
};

DEFINE_STRING_TABLE_LOOKUP(hook_type, HookType, hook_type_table, _HOOK_TYPE_MAX);

/* LXC's environment for hooks (start.c lxc_init(), utils.c run_script_argv()); LXC_HOOK_TYPE,
 * LXC_HOOK_SECTION and the call's own variables only with lxc.hook.version = 1, as there; for hooks
 * (not network scripts) lxc.environment.hooks too. In the forked child only. */
static int set_environment(const Settings *s, const HookCall *h) {
        char buf[32];
        int r = 0;

        /* lxc.environment.hooks first, as LXC sets it before a hook's own variables */
        if (streq(h->section, "lxc"))
                STRV_FOREACH(e, s->hook_environment)
                        r |= putenv(*e);
        r |= setenv("LXC_NAME", s->machine, 1);
        if (s->config_file)
                r |= setenv("LXC_CONFIG_FILE", s->config_file, 1);
        /* Where the guest's mount namespace has the tree before the switch to it (LXC's
         * lxc.rootfs.mount); the tree itself is LXC_ROOTFS_PATH. */
        r |= setenv("LXC_ROOTFS_MOUNT", ROOTFS_STAGING_DIR, 1);
        r |= setenv("LXC_ROOTFS_PATH", s->directory, 1);
        r |= setenv("LXC_CGNS_AWARE", "1", 1);
        r |= setenv("LXC_HOOK_VERSION", s->hook_version ? "1" : "0", 1);
        if (s->hook_version) {
                r |= setenv("LXC_HOOK_TYPE", h->name, 1);
                r |= setenv("LXC_HOOK_SECTION", h->section, 1);
                for (char *const *e = h->env; e && *e; e++)
                        r |= putenv(*e);
        }
        if (h->pid > 0) {
                snprintf(buf, sizeof buf, "%d", (int) h->pid);
                r |= setenv("LXC_PID", buf, 1);
        }
        if (h->target)
                r |= setenv("LXC_TARGET", h->target, 1);
        return r < 0 ? -errno : 0;
}

/* "exec COMMAND 'NAME' 'SECTION' 'TYPE' ARGS" (version 0) or "exec COMMAND ARGS" (version 1), LXC's
 * shell line. */
static char *hook_shell_line(const Settings *s, const HookCall *h) {
        char *line = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&line, &size);

        if (!f)
                return NULL;
        fprintf(f, "exec %s", h->command);
        if (!s->hook_version)
                fprintf(f, " '%s' '%s' '%s'", s->machine, h->section, h->name);
        for (char *const *a = h->args; a && *a; a++)
                fprintf(f, " %s", *a);
        if (fclose(f) != 0) {
                free(line);
                return NULL;
        }
        return line;
}

int hook_call(const Settings *s, const HookCall *h) {
        _cleanup_free_ char *line = hook_shell_line(s, h);
        pid_t child;
        int status, r;

        if (!line)
                return -ENOMEM;
        child = fork();
        if (child < 0)
                return -errno;
        if (child == 0) {
                int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
                sigset_t all;

                sigfillset(&all);
                sigprocmask(SIG_UNBLOCK, &all, NULL);
                if (h->stoppable) {
                        /* A group of its own, killed as one should nsboot be stopped meanwhile. Out of
                         * the terminal's foreground group: writing to it must not stop the hook. */
                        (void) setpgid(0, 0);
                        signal(SIGTTOU, SIG_IGN);
                        signal(SIGTTIN, SIG_IGN);
                }
                if (null < 0 || dup2(null, STDIN_FILENO) < 0 || set_environment(s, h) < 0)
                        _exit(126);
                execl("/bin/sh", "sh", "-c", line, (char *) NULL);
                _exit(127);
        }
        if (h->stoppable) {
                (void) setpgid(child, child);
                r = wait_child_or_stop(child, &status);
        } else
                while ((r = waitpid(child, &status, 0) < 0 ? -errno : 0) == -EINTR)
                        ;
        if (r < 0)
                return r;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int hooks_run(const Settings *s, HookType type, pid_t pid, const char *target) {
        STRV_FOREACH(command, s->hooks[type]) {
                int r;

                log_debug("Running lxc.hook.%s: %s", hook_type_to_string(type), *command);
                r = hook_call(s, &(HookCall) { .section = "lxc", .name = hook_type_to_string(type),
                                               .command = *command, .pid = pid, .target = target,
                                               .stoppable = !IN_SET(type, HOOK_STOP, HOOK_POST_STOP) });
                if (r == -EINTR)
                        return log_error_errno(r, "Stopped while lxc.hook.%s '%s' ran: it was killed",
                                               hook_type_to_string(type), *command);
                if (r < 0)
                        return log_error_errno(r, "Failed to run lxc.hook.%s '%s': %m", hook_type_to_string(type),
                                               *command);
                if (r > 0)
                        return log_error_errno(SYNTHETIC_ERRNO(EPROTO), "lxc.hook.%s '%s' failed with exit status %d",
                                               hook_type_to_string(type), *command, r);
        }
        return 0;
}
