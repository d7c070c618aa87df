/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl bind: a host directory or file mounted into a running machine, as machinectl bind does
 * it but without systemd-machined: always nosuid and nodev, read-only with --read-only, idmapped
 * with --options=idmap as --bind at start, and locked against the guest's root (live-mount.h). There
 * is no unbind: the bind is the guest's mount, which its root unmounts (nsbootctl enter NAME umount
 * PATH); unmounting reveals only the guest's own mount point. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "basic/macro.h"
#include "ctl.h"
#include "custom-mount.h"
#include "live-mount.h"
#include "log.h"

static int check_path(const char *what, const char *path) {
        if (path[0] != '/')
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s '%s' is not an absolute path", what, path);
        return 0;
}

/* The host path as a detached mount, idmapped if asked (and the guest has a user namespace of its
 * own), nosuid and nodev always: a host directory never gives the guest setuid files or devices. */
static int open_source(const CtlArgs *a, const MachineState *m, const char *host, int *ret_fd) {
        CustomMount cm = { .source = (char *) host, .flags = MS_BIND | MS_REC | MS_NOSUID | MS_NODEV };
        _cleanup_close_ int userns_fd = -EBADF, fd = -EBADF;
        char path[64];
        struct stat st;
        int r;

        if (custom_mount_parse_bind_options(&cm, a->bind_options) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "--options=%s: expected a comma-separated list of rbind, norbind, idmap, noidmap",
                                       a->bind_options);
        if (stat(host, &st) < 0)
                return log_error_errno(errno, "Host path '%s': %m", host);
        if (a->read_only)
                cm.flags |= MS_RDONLY;
        if (cm.idmap && m->uid_base > 0) {
                snprintf(path, sizeof path, "/proc/%d/ns/user", (int) m->leader);
                userns_fd = open(path, O_RDONLY | O_CLOEXEC);
                if (userns_fd < 0)
                        return log_error_errno(errno, "Failed to open %s: %m", path);
        }
        r = custom_mount_open_source(&cm, userns_fd, &fd);
        if (r < 0)
                return r;
        r = custom_mount_set_attr(fd, cm.flags);
        if (r < 0)
                return log_error_errno(r, "Failed to set the flags of the mount of '%s': %m", host);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int verb_bind(const CtlArgs *a) {
        _cleanup_(machine_state_done) MachineState m = {};
        _cleanup_close_ int fd = -EBADF;
        const char *host = a->args[2], *guest = a->args[3] ?: a->args[2];
        int r;

        r = check_path("Host path", host);
        if (r >= 0)
                r = check_path("Machine path", guest);
        if (r >= 0)
                r = ctl_machine_get(a->args[1], &m);
        if (r >= 0)
                r = open_source(a, &m, host, &fd);
        if (r < 0)
                return r;
        return live_mount(fd, &(LiveMount) { .leader = m.leader, .path = guest, .mkdir = a->mkdir,
                                             .timeout_sec = a->timeout_sec });
}
