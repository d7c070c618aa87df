/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/strv.h"
#include "caps.h"
#include "cgroup-proc.h"
#include "cgroup-v1.h"
#include "cgroup.h"
#include "guest.h"
#include "log.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

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

_Static_assert(ELEMENTSOF(namespaces) == GUEST_NS_MAX, "GUEST_NS_MAX");

void guest_done(Guest *g) {
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

/* Opens the cgroup.procs of one of the leader's v1 cgroups (a line of /proc/PID/cgroup). */
static int open_cgroup_v1(unsigned id _unused_, const char *controllers, const char *path, void *userdata) {
        Guest *g = userdata;
        char ctrl[256], dir[4400];
        size_t n;

        for (n = 0; n < ELEMENTSOF(g->v1_procs) && g->v1_procs[n] >= 0; n++)
                ;
        if (n == ELEMENTSOF(g->v1_procs))
                return 1;
        snprintf(ctrl, sizeof ctrl, "%.*s", (int) strcspn(controllers, ","), controllers);
        if (!cgroup_v1_available(startswith(ctrl, "name=") ?: ctrl))
                return 0;
        snprintf(dir, sizeof dir, "/sys/fs/cgroup/%s%s/cgroup.procs", startswith(ctrl, "name=") ?: ctrl, path);
        g->v1_procs[n] = open(dir, O_WRONLY | O_CLOEXEC);
        if (g->v1_procs[n] < 0)
                return log_error_errno(errno, "Failed to open %s: %m", dir);
        return 0;
}

/* The leader's cgroup2 cgroup, and its cgroup in each v1 hierarchy of a hybrid host, where the
 * machine's memory, pids and CPU limits are: a command that joined only the cgroup2 one would be
 * outside them, and so would every service the guest's init starts for it. */
static int open_cgroup(pid_t leader, Guest *g) {
        _cleanup_free_ char *text = NULL, *root = NULL, *own = NULL, *path = NULL;
        int r;

        if (cgroup_proc_read(leader, &text) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Failed to read /proc/%d/cgroup", (int) leader);
        r = cgroup_proc_v2_path(text, &own);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0 || cgroup_find_v2_root(&root) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(ENOMEDIUM), "PID %d is in no cgroup2 cgroup", (int) leader);
        if (asprintf(&path, "%s%s/cgroup.procs", root, own) < 0)
                return log_oom();
        g->cgroup_procs = open(path, O_WRONLY | O_CLOEXEC);
        if (g->cgroup_procs < 0)
                return log_error_errno(errno, "Failed to open %s: %m", path);
        r = cgroup_proc_v1_foreach(text, open_cgroup_v1, g);
        return r < 0 ? r : 0;
}

int guest_open(const MachineState *m, Guest *g) {
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

int guest_become_root(Guest *g) {
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

int guest_join(const Guest *g) {
        for (size_t i = 0; i < ELEMENTSOF(namespaces); i++)
                if (g->ns[i] >= 0 && setns(g->ns[i], namespaces[i].flag) < 0)
                        return log_error_errno(errno, "Failed to join the machine's %s namespace: %m",
                                               namespaces[i].name);
        return 0;
}

bool guest_owns_fd(const Guest *g, int fd) {
        for (size_t i = 0; i < ELEMENTSOF(namespaces); i++)
                if (g->ns[i] == fd)
                        return true;
        for (size_t i = 0; i < ELEMENTSOF(g->v1_procs); i++)
                if (g->v1_procs[i] == fd)
                        return true;
        return fd == g->root || fd == g->cgroup_procs;
}
