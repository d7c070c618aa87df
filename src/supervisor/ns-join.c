/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "ns-join.h"
#include "state.h"

static const struct {
        const char *option, *proc, *what;
        int flag;
} types[_JOINED_MAX] = {
        [JOINED_NET] = { "--network-namespace-path", "net", "network", CLONE_NEWNET },
        [JOINED_UTS] = { "--uts-namespace-path", "uts", "UTS", CLONE_NEWUTS },
        [JOINED_IPC] = { "--ipc-namespace-path", "ipc", "IPC", CLONE_NEWIPC },
};

const char *ns_join_spec(const Settings *s, JoinedNs type) {
        return type == JOINED_NET ? s->netns_path : type == JOINED_UTS ? s->uts_ns_path : s->ipc_ns_path;
}

bool ns_join_spec_is_pid(const char *spec) {
        return spec[strspn(spec, "0123456789")] == '\0';
}

int ns_join_flag(JoinedNs type) {
        return types[type].flag;
}

/* path, looked at through O_PATH first: only a namespace file is opened for real. Messages name the
 * option's value, and path when it is another. */
static int open_ns_file(JoinedNs type, const char *path, const char *spec, int *ret_fd) {
        _cleanup_close_ int pathfd = -EBADF, fd = -EBADF;
        char where[128], fdpath[64];
        struct statfs sfs;

        if (streq(path, spec))
                snprintf(where, sizeof where, "%s=%s", types[type].option, spec);
        else
                snprintf(where, sizeof where, "%s=%s (%s)", types[type].option, spec, path);
        pathfd = open(path, O_PATH | O_CLOEXEC);
        if (pathfd < 0 || fstatfs(pathfd, &sfs) < 0)
                return log_error_errno(errno, "%s: %m", where);
        if (sfs.f_type != NSFS_MAGIC)
                return log_error_errno(SYNTHETIC_ERRNO(ENOTTY), "%s: not a namespace file (such as /run/netns/NAME or "
                                       "/proc/PID/ns/%s)", where, types[type].proc);
        snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", pathfd);
        fd = open(fdpath, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "%s: %m", where);
        if (ioctl(fd, NS_GET_NSTYPE) != types[type].flag)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: not a %s namespace", where, types[type].what);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int open_machine_ns(JoinedNs type, const char *name, int *ret_fd) {
        _cleanup_(machine_state_done) MachineState m = {};
        char path[64];
        int r;

        r = machine_state_read(name, &m);
        if (r == -ENOENT)
                return log_error_errno(r, "%s=%s: no machine of that name runs", types[type].option, name);
        if (r < 0)
                return log_error_errno(r, "%s=%s: cannot read the machine's state: %m", types[type].option, name);
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) m.leader, types[type].proc);
        r = open_ns_file(type, path, name, ret_fd);
        if (r < 0)
                return r;
        /* Checked after the open: a PID reused in between is no longer the supervisor's child. */
        if (!machine_state_is_live(&m)) {
                *ret_fd = safe_close(*ret_fd);
                return log_error_errno(SYNTHETIC_ERRNO(ESRCH), "%s=%s: the machine has ended", types[type].option,
                                       name);
        }
        return 0;
}

int ns_join_open(JoinedNs type, const char *spec, int *ret_fd) {
        char path[64];

        *ret_fd = -EBADF;
        if (spec[0] == '/')
                return open_ns_file(type, spec, spec, ret_fd);
        if (ns_join_spec_is_pid(spec)) {
                snprintf(path, sizeof path, "/proc/%s/ns/%s", spec, types[type].proc);
                if (access(path, F_OK) < 0 && errno == ENOENT)
                        return log_error_errno(SYNTHETIC_ERRNO(ESRCH), "%s=%s: no process with that PID",
                                               types[type].option, spec);
                return open_ns_file(type, path, spec, ret_fd);
        }
        return open_machine_ns(type, spec, ret_fd);
}

bool ns_join_is_own(JoinedNs type, int fd) {
        char path[64];
        struct stat a, b;

        snprintf(path, sizeof path, "/proc/self/ns/%s", types[type].proc);
        return fstat(fd, &a) >= 0 && stat(path, &b) >= 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

int ns_join_enter(JoinedNs type, int fd, int *ret_saved) {
        _cleanup_close_ int saved = -EBADF;
        char path[64];

        snprintf(path, sizeof path, "/proc/self/ns/%s", types[type].proc);
        saved = open(path, O_RDONLY | O_CLOEXEC);
        if (saved < 0)
                return log_error_errno(errno, "Failed to open the own %s namespace: %m", types[type].what);
        if (setns(fd, types[type].flag) < 0)
                return log_error_errno(errno, "Failed to enter the %s namespace of %s: %m", types[type].what,
                                       types[type].option);
        *ret_saved = TAKE_FD(saved);
        return 0;
}

int ns_join_leave(JoinedNs type, int saved) {
        int r = 0;

        if (setns(saved, types[type].flag) < 0)
                r = log_error_errno(errno, "Failed to return to the own %s namespace: %m", types[type].what);
        safe_close(saved);
        return r;
}
