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

#include "fs-util.h"
#include "log.h"
#include "macro.h"
#include "netns-join.h"
#include "settings.h"
#include "state.h"

#define OPTION "--network-namespace-path"

/* path, looked at through O_PATH first: only a namespace file is opened for real. Messages name the
 * option's value, and path when it is another. */
static int open_netns_file(const char *path, const char *spec, int *ret_fd) {
        _cleanup_close_ int pathfd = -EBADF, fd = -EBADF;
        char where[128], fdpath[64];
        struct statfs sfs;

        if (streq(path, spec))
                snprintf(where, sizeof where, OPTION "=%s", spec);
        else
                snprintf(where, sizeof where, OPTION "=%s (%s)", spec, path);
        pathfd = open(path, O_PATH | O_CLOEXEC);
        if (pathfd < 0 || fstatfs(pathfd, &sfs) < 0)
                return log_error_errno(errno, "%s: %m", where);
        if (sfs.f_type != NSFS_MAGIC)
                return log_error_errno(SYNTHETIC_ERRNO(ENOTTY), "%s: not a namespace file (such as /run/netns/NAME or "
                                       "/proc/PID/ns/net)", where);
        snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", pathfd);
        fd = open(fdpath, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "%s: %m", where);
        if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s: not a network namespace", where);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int open_machine_netns(const char *name, int *ret_fd) {
        _cleanup_(machine_state_done) MachineState m = {};
        char path[64];
        int r;

        r = machine_state_read(name, &m);
        if (r == -ENOENT)
                return log_error_errno(r, OPTION "=%s: no machine of that name runs", name);
        if (r < 0)
                return log_error_errno(r, OPTION "=%s: cannot read the machine's state: %m", name);
        snprintf(path, sizeof path, "/proc/%d/ns/net", (int) m.leader);
        r = open_netns_file(path, name, ret_fd);
        if (r < 0)
                return r;
        /* Checked after the open: a PID reused in between is no longer the supervisor's child. */
        if (!machine_state_is_live(&m)) {
                *ret_fd = safe_close(*ret_fd);
                return log_error_errno(SYNTHETIC_ERRNO(ESRCH), OPTION "=%s: the machine has ended", name);
        }
        return 0;
}

int netns_join_open(const char *spec, int *ret_fd) {
        char path[64];

        *ret_fd = -EBADF;
        if (spec[0] == '/')
                return open_netns_file(spec, spec, ret_fd);
        if (spec[strspn(spec, "0123456789")] == '\0') {
                snprintf(path, sizeof path, "/proc/%s/ns/net", spec);
                if (access(path, F_OK) < 0 && errno == ENOENT)
                        return log_error_errno(SYNTHETIC_ERRNO(ESRCH), OPTION "=%s: no process with that PID", spec);
                return open_netns_file(path, spec, ret_fd);
        }
        return open_machine_netns(spec, ret_fd);
}

int netns_join_enter(int fd, int *ret_saved) {
        _cleanup_close_ int saved = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

        if (saved < 0)
                return log_error_errno(errno, "Failed to open the own network namespace: %m");
        if (setns(fd, CLONE_NEWNET) < 0)
                return log_error_errno(errno, "Failed to enter the network namespace of " OPTION ": %m");
        *ret_saved = TAKE_FD(saved);
        return 0;
}

int netns_join_leave(int saved) {
        int r = 0;

        if (setns(saved, CLONE_NEWNET) < 0)
                r = log_error_errno(errno, "Failed to return to the own network namespace: %m");
        safe_close(saved);
        return r;
}
