/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl enter (attach): a shell or command inside a running machine, as the guest's own
 * processes run: in all of its namespaces and its root, in its cgroup, with its PID 1's bounding set
 * of capabilities and environment, nsboot's system call filter and core-scheduling cookie, as root of
 * the guest's user namespace. Exit status passed on. */
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "basic/core-sched.h"
#include "basic/fileio.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "caps.h"
#include "cgroup.h"
#include "ctl.h"
#include "guest-user.h"
#include "log.h"
#include "seccomp-filter.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define GUEST_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The user namespace comes first: it owns the others, and once in it we hold the capabilities to
 * join them. Joining it last would leave us without rights there. The mount namespace resets root
 * and working directory, which the child sets again from the guest's root. */
static const struct {
        const char *name;
        int flag;
} namespaces[] = {
        { "user",   CLONE_NEWUSER   },
        { "cgroup", CLONE_NEWCGROUP },
        { "ipc",    CLONE_NEWIPC    },
        { "uts",    CLONE_NEWUTS    },
        { "net",    CLONE_NEWNET    },
        { "pid",    CLONE_NEWPID    },
        { "mnt",    CLONE_NEWNS     },
        { "time",   CLONE_NEWTIME   },
};

typedef struct Guest {
        int ns[ELEMENTSOF(namespaces)];        /* -EBADF where the guest shares ours */
        int root;
        int cgroup_procs;       /* opened as host root: a write later is checked against that */
        int v1_procs[_CGROUP_V1_MAX];   /* a hybrid host's v1 hierarchies, where the limits are; -EBADF */
        uint64_t bounding;
        bool in_userns;         /* the guest has a user namespace of its own */
        SeccompPrepared *seccomp;       /* the filter nsboot gives the guest, NULL if it has none */
        char **env;
} Guest;

static void guest_done(Guest *g) {
        for (size_t i = 0; i < ELEMENTSOF(namespaces); i++)
                safe_close(g->ns[i]);
        safe_close(g->root);
        safe_close(g->cgroup_procs);
        for (size_t i = 0; i < ELEMENTSOF(g->v1_procs); i++)
                safe_close(g->v1_procs[i]);
        seccomp_prepared_free(g->seccomp);
        strv_free(g->env);
}

static int open_namespaces(pid_t leader, Guest *g) {
        for (size_t i = 0; i < ELEMENTSOF(namespaces); i++) {
                char path[64], own[64];
                struct stat a, b;

                snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) leader, namespaces[i].name);
                snprintf(own, sizeof own, "/proc/self/ns/%s", namespaces[i].name);
                if (stat(path, &a) < 0) {
                        if (errno == ENOENT) /* no such namespace type in this kernel */
                                continue;
                        return log_error_errno(errno, "Failed to look at %s: %m", path);
                }
                if (stat(own, &b) >= 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
                        continue;
                if (namespaces[i].flag == CLONE_NEWUSER)
                        g->in_userns = true;
                g->ns[i] = open(path, O_RDONLY | O_CLOEXEC);
                if (g->ns[i] < 0)
                        return log_error_errno(errno, "Failed to open %s: %m", path);
        }
        return 0;
}

/* The guest's PID 1's bounding set and environment (minus its notify socket). */
static int read_leader(pid_t leader, Guest *g) {
        _cleanup_free_ char *status = NULL, *environ_text = NULL;
        unsigned seccomp_mode = 0;
        char path[64];
        const char *p;
        size_t n;

        snprintf(path, sizeof path, "/proc/%d/status", (int) leader);
        if (read_full_file(path, &status, NULL) < 0 || !(p = strstr(status, "\nCapBnd:")) ||
            sscanf(p + strlen("\nCapBnd:"), "%" SCNx64, &g->bounding) != 1)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Failed to read the capabilities of PID %d", (int) leader);
        if ((p = strstr(status, "\nSeccomp:")) && sscanf(p + strlen("\nSeccomp:"), "%u", &seccomp_mode) == 1 &&
            seccomp_mode == 2 && !(g->seccomp = seccomp_prepared_new()))
                return log_oom();
        snprintf(path, sizeof path, "/proc/%d/environ", (int) leader);
        if (read_full_file(path, &environ_text, &n) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Failed to read the environment of PID %d", (int) leader);
        for (size_t i = 0; i < n; i += strlen(environ_text + i) + 1)
                if (strchr(environ_text + i, '=') && !startswith(environ_text + i, "NOTIFY_SOCKET=") &&
                    strv_extend(&g->env, environ_text + i) < 0)
                        return log_oom();
        return 0;
}

/* The leader's cgroup in each v1 hierarchy of a hybrid host ("ID:CONTROLLERS:PATH" lines of text),
 * where the machine's memory, pids and CPU limits are: a command that joined only the cgroup2
 * one would be outside them, and so would every service the guest's init starts for it. */
static int open_cgroups_v1(const char *text, Guest *g) {
        size_t n = 0;

        for (const char *line = text; *line && n < ELEMENTSOF(g->v1_procs);) {
                const char *end = strchrnul(line, '\n');
                char buf[4096], *ctrl, *path, dir[4200];

                snprintf(buf, sizeof buf, "%.*s", (int) (end - line), line);
                line = *end ? end + 1 : end;
                if (!(ctrl = strchr(buf, ':')) || !(path = strchr(++ctrl, ':')) || ctrl == path)
                        continue; /* "0::/..." is cgroup2's */
                *path++ = 0;
                ctrl[strcspn(ctrl, ",")] = 0;
                if (startswith(ctrl, "name="))
                        ctrl += strlen("name=");
                if (!cgroup_v1_available(ctrl))
                        continue;
                snprintf(dir, sizeof dir, "/sys/fs/cgroup/%s%s/cgroup.procs", ctrl, path);
                g->v1_procs[n] = open(dir, O_WRONLY | O_CLOEXEC);
                if (g->v1_procs[n] < 0)
                        return log_error_errno(errno, "Failed to open %s: %m", dir);
                n++;
        }
        return 0;
}

static int open_cgroup(pid_t leader, Guest *g) {
        _cleanup_free_ char *text = NULL, *root = NULL, *path = NULL;
        char proc[64];
        const char *line;

        snprintf(proc, sizeof proc, "/proc/%d/cgroup", (int) leader);
        if (read_full_file(proc, &text, NULL) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Failed to read %s", proc);
        line = startswith(text, "0::") ? text + 3 : strstr(text, "\n0::");
        if (!line || cgroup_find_v2_root(&root) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(ENOMEDIUM), "PID %d is in no cgroup2 cgroup", (int) leader);
        if (line != text + 3)
                line += 4;
        if (asprintf(&path, "%s%.*s/cgroup.procs", root, (int) strcspn(line, "\n"), line) < 0)
                return log_oom();
        g->cgroup_procs = open(path, O_WRONLY | O_CLOEXEC);
        if (g->cgroup_procs < 0)
                return log_error_errno(errno, "Failed to open %s: %m", path);
        return open_cgroups_v1(text, g);
}

static int guest_open(const MachineState *m, Guest *g) {
        char path[64];
        int r;

        snprintf(path, sizeof path, "/proc/%d/root", (int) m->leader);
        g->root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (g->root < 0)
                return log_error_errno(errno, "Failed to open %s: %m", path);
        r = read_leader(m->leader, g);
        if (r >= 0)
                r = open_cgroup(m->leader, g);
        if (r >= 0)
                r = open_namespaces(m->leader, g);
        /* nsboot's own filter for a guest with these capabilities: its deny list, argument checks
         * and the ceiling (a machine's --system-call-filter or lxc.seccomp.profile is not known
         * here). */
        if (r >= 0 && g->seccomp)
                r = seccomp_prepare(g->seccomp, &(SeccompPolicy) { .caps = g->bounding,
                                                                   .host_superblocks = !g->in_userns }, NULL);
        return r;
}

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

/* In the new PID namespace: into the cgroup and the root, become the guest's root. Logs. */
static int child_setup(Guest *g) {
        if (write(g->cgroup_procs, "0", 1) < 0)
                log_warning_errno(errno, "Failed to join the machine's cgroup, ignoring: %m");
        /* Not joining them would leave the command outside the machine's limits: refused. */
        for (size_t i = 0; i < ELEMENTSOF(g->v1_procs) && g->v1_procs[i] >= 0; i++)
                if (write(g->v1_procs[i], "0", 1) < 0)
                        return log_error_errno(errno, "Failed to join the machine's cgroup v1 hierarchies: %m");
        if (fchdir(g->root) < 0 || chroot(".") < 0 || chdir("/") < 0)
                return log_error_errno(errno, "Failed to change to the guest's root: %m");
        if (setgroups(0, NULL) < 0 && errno != EPERM)
                return log_error_errno(errno, "Failed to drop supplementary groups: %m");
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                return log_error_errno(errno, "Failed to become root of the guest: %m");
        /* Loaded while we may (CAP_SYS_ADMIN), as stage-init does for the guest's PID 1. */
        if (g->seccomp) {
                int r = seccomp_load_prepared(g->seccomp);

                if (r < 0)
                        return r;
        }
        return caps_apply(g->bounding, true);
}

/* Runs cmd, or the user's login shell without one, as root of the guest or the user of -u (whose
 * capabilities the change of ids takes, as su's). */
_noreturn_ static void run_child(Guest *g, char **cmd, const char *user) {
        _cleanup_(guest_user_done) GuestUser u = {};
        _cleanup_free_ char *login = NULL;
        const char *shell = NULL;
        char *argv_shell[2] = {};
        extern char **environ;

        if (child_setup(g) < 0 || enter_user(user, &u) < 0)
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
        Guest g = { .root = -EBADF, .cgroup_procs = -EBADF };
        pid_t pid;
        int r;

        for (size_t i = 0; i < ELEMENTSOF(namespaces); i++)
                g.ns[i] = -EBADF;
        for (size_t i = 0; i < ELEMENTSOF(g.v1_procs); i++)
                g.v1_procs[i] = -EBADF;
        r = ctl_machine_get(a->args[1], &m);
        if (r >= 0)
                r = ctl_refuse_frozen(&m, "a command in it");
        if (r >= 0)
                r = guest_open(&m, &g);
        if (r >= 0)
                r = join_core_scheduling(m.leader);
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(namespaces); i++)
                if (g.ns[i] >= 0 && setns(g.ns[i], namespaces[i].flag) < 0)
                        r = log_error_errno(errno, "Failed to join the machine's %s namespace: %m", namespaces[i].name);
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
