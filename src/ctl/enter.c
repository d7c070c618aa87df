/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl enter (attach): a shell or command inside a running machine, as the guest's own
 * processes run: in all of its namespaces and its root, in its cgroup, with its PID 1's bounding set
 * of capabilities and environment, nsboot's system call filter and core-scheduling cookie, as root of
 * the guest's user namespace. Exit status passed on. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "basic/core-sched.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "ctl.h"
#include "guest.h"
#include "guest-user.h"
#include "log.h"

#define GUEST_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* As lxc-attach: into the core-scheduling domain of the guest's PID 1 (--core-scheduling), or the
 * command would share a core with any task of the host. Before setns(), as the host's root, which
 * may trace PID 1; the child inherits the cookie at fork(). */
static int join_core_scheduling(pid_t leader) {
        uint64_t cookie = 0;
        int r;

        r = core_sched_get(leader, &cookie);
        if (IN_SET(r, -EINVAL, -ENODEV) || (r >= 0 && cookie == 0))
                return 0; /* no core scheduling in this kernel, no SMT, or no cookie */
        if (r >= 0)
                r = core_sched_share_from(leader);
        if (r < 0)
                return log_error_errno(r, "Failed to join the core-scheduling domain of PID %d: %m",
                                       (int) leader);
        return 0;
}

/* The user of -u (else root) in the guest's /etc/passwd (we are chrooted there); a UID it does not
 * list is taken as it is, with the same GID. A tree without /etc/passwd, or without root in it,
 * still has root. Logs. */
static int enter_user(const char *spec, GuestUser *ret) {
        int r = guest_user_lookup(spec ?: "root", ret);
        unsigned id;

        /* a number /etc/passwd does not know (a user of --bind-user, say) as lxc-attach -u takes it */
        if (r == -ESRCH && spec && safe_atou(spec, &id) >= 0) {
                *ret = (GuestUser) { .uid = id, .gid = id, .name = strdup(spec), .home = strdup("/"),
                                     .shell = strdup("") };
                if (!ret->name || !ret->home || !ret->shell)
                        return log_oom();
                guest_user_groups(ret);
                return 0;
        }
        if (r == -ESRCH && spec)
                return log_error_errno(r, "-u/--user=%s: no such user in the machine's /etc/passwd", spec);
        if (r <= 0) {
                *ret = (GuestUser) { .name = strdup("root"), .home = strdup("/root"), .shell = strdup("") };
                if (!ret->name || !ret->home || !ret->shell)
                        return log_oom();
        }
        guest_user_groups(ret);
        return 0;
}

/* The user's login shell if it can run, else /bin/sh. */
static const char *login_shell(const GuestUser *u) {
        return u->shell && u->shell[0] == '/' && access(u->shell, X_OK) >= 0 ? u->shell : "/bin/sh";
}

static int build_env(Guest *g, const GuestUser *u, const char *shell) {
        const char *term = getenv("TERM");
        char *assignment;
        int r = 0;

        if (!strv_env_get(g->env, "PATH"))
                r = strv_env_set(&g->env, "PATH=" GUEST_DEFAULT_PATH);
        if (r >= 0 && asprintf(&assignment, "HOME=%s", u->home) >= 0) {
                r = strv_env_set(&g->env, assignment);
                free(assignment);
        }
        if (r >= 0 && asprintf(&assignment, "USER=%s", u->name) >= 0) {
                r = strv_env_set(&g->env, assignment);
                free(assignment);
        }
        if (r >= 0 && asprintf(&assignment, "LOGNAME=%s", u->name) >= 0) {
                r = strv_env_set(&g->env, assignment);
                free(assignment);
        }
        if (r >= 0 && term && asprintf(&assignment, "TERM=%s", term) >= 0) {
                r = strv_env_set(&g->env, assignment);
                free(assignment);
        }
        if (r >= 0 && shell && asprintf(&assignment, "SHELL=%s", shell) >= 0) {
                r = strv_env_set(&g->env, assignment);
                free(assignment);
        }
        return r;
}

/* Runs cmd, or the user's login shell without one, as root of the guest or the user of -u (whose
 * capabilities the change of ids takes, as su's). */
_noreturn_ static void run_child(Guest *g, char **cmd, const char *user) {
        _cleanup_(guest_user_done) GuestUser u = {};
        _cleanup_free_ char *login = NULL;
        const char *shell = NULL;
        char *argv_shell[2] = {};
        extern char **environ;

        if (guest_become_root(g) < 0 || enter_user(user, &u) < 0)
                _exit(126);
        if (u.uid != 0 && guest_user_become(&u) < 0)
                _exit(126);
        if (u.uid != 0 && chdir(u.home) < 0)
                (void) chdir("/");
        if (!cmd || !cmd[0]) {
                shell = login_shell(&u);
                if (asprintf(&login, "-%s", strrchr(shell, '/') + 1) < 0)
                        _exit(126);
                argv_shell[0] = login;
                cmd = argv_shell;
        }
        if (build_env(g, &u, shell) < 0)
                _exit(126);
        environ = g->env;
        if (shell)
                execv(shell, cmd);
        else
                execvp(cmd[0], cmd);
        log_error_errno(errno, "Failed to execute '%s' in the machine: %m", shell ?: cmd[0]);
        _exit(errno == ENOENT ? 127 : 126);
}

static int wait_child(pid_t pid) {
        siginfo_t si = {};

        while (waitid(P_PID, pid, &si, WEXITED) < 0)
                if (errno != EINTR)
                        return log_error_errno(errno, "Failed to wait for the command: %m");
        return si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
}

int verb_enter(const CtlArgs *a) {
        _cleanup_(machine_state_done) MachineState m = {};
        Guest g = GUEST_INIT;
        pid_t pid;
        int r;

        r = ctl_machine_get(a->args[1], &m);
        if (r >= 0)
                r = ctl_refuse_frozen(&m, "a command in it");
        if (r >= 0)
                r = guest_open(&m, &g);
        if (r >= 0)
                r = join_core_scheduling(m.leader);
        if (r >= 0)
                r = guest_join(&g);
        if (r < 0) {
                guest_done(&g);
                return r;
        }
        /* Like a shell waiting for its job: the command gets the terminal's signals, we do not. */
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        pid = fork();
        if (pid < 0)
                r = log_error_errno(errno, "Failed to fork: %m");
        else if (pid == 0) {
                signal(SIGINT, SIG_DFL);
                signal(SIGQUIT, SIG_DFL);
                run_child(&g, a->args + 2, a->user);
        } else
                r = wait_child(pid);
        guest_done(&g);
        return r;
}

/* machinectl shell [USER@]NAME [COMMAND...]: enter, as the user before the '@' (root when there is
 * none or it is empty); a machine name has no '@'. */
int verb_shell(const CtlArgs *a) {
        _cleanup_free_ char *user = NULL;
        _cleanup_free_ char **args = NULL;
        const char *at = strchr(a->args[1], '@');
        CtlArgs s = *a;
        size_t n = strv_length(a->args);

        if (!at)
                return verb_enter(a);
        if (a->user)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' names a user, and so does -u/--user=%s: give one",
                                       a->args[1], a->user);
        args = calloc(n + 1, sizeof *args);
        user = strndup(a->args[1], (size_t) (at - a->args[1]));
        if (!args || !user)
                return log_oom();
        memcpy(args, a->args, n * sizeof *args);
        args[1] = (char *) at + 1;
        s.args = args;
        s.user = *user ? user : NULL;
        return verb_enter(&s);
}
