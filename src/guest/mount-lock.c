/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "basic/ns-holder.h"
#include "log.h"
#include "mount.h"
#include "macro.h"
#include "mount-lock.h"
#include "tunnel.h"

/* The kernel locks every mount of a mount namespace that is copied for a less privileged user
 * namespace (copy_mnt_ns(), lock_mnt_tree() in fs/namespace.c): MNT_LOCKED refuses umount and
 * move to everyone, MNT_LOCK_READONLY/NODEV/NOSUID/NOEXEC/ATIME refuse clearing those flags, also
 * through mount_setattr(). A holder process is cloned into such a copy (CLONE_NEWUSER |
 * CLONE_NEWNS); PID 1 joins it with setns(), which its root may do as the owner of the holder's
 * user namespace, a child of its own, and then copies it once more into a mount namespace of its
 * own user namespace (unshare()): the locks stay, and the mount namespace's owner is the guest's
 * user namespace again, as with systemd-nspawn -U. Otherwise every mount namespace the guest made
 * later (systemd-machine-id-commit, a unit's PrivateTmp=, unshare -m) would be a copy for another
 * user namespace, with the guest's own mounts locked too: the first boot of a tree whose
 * /etc/machine-id says "uninitialized" could not commit its ID ("Failed to unmount
 * /etc/machine-id: Invalid argument"). PID 1 keeps its credentials, user namespace, capabilities
 * and every other namespace, and /proc/PID/ns/user stays what nsbootctl enter, nsenter and
 * machined join. The nested user namespace needs no maps: nothing runs in it once the holder is
 * gone. */

/* Joins the mount namespace of process PID. */
static int join_mount_namespace_of(pid_t pid) {
        _cleanup_close_ int fd = -EBADF;
        char path[64];

        /* A pidfd (Linux 5.8) needs no /proc; the path is for older kernels. */
        fd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (fd >= 0 && setns(fd, CLONE_NEWNS) >= 0)
                return 0;
        if (fd >= 0 && errno != EINVAL)
                return -errno;
        fd = safe_close(fd);
        snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return RET_NERRNO(setns(fd, CLONE_NEWNS));
}

static bool user_namespace_refused(int err) {
        /* EPERM: a policy (kernel.unprivileged_userns_clone=0, an LSM); ENOSPC, EUSERS: a limit
         * such as user.max_user_namespaces; EINVAL: no user namespaces in this kernel. */
        return IN_SET(err, EPERM, EACCES, ENOSPC, EUSERS, EINVAL);
}

/* Clones the holder, joins its mount namespace and copies that for our user namespace. 1 if done,
 * 0 if the kernel refused the user namespace (warned), -errno on other failures (logged). */
static int join_locked_copy(void) {
        pid_t pid;
        int r;

        pid = ns_holder_start(CLONE_NEWUSER | CLONE_NEWNS);
        if (pid < 0 && user_namespace_refused(-pid)) {
                log_warning_errno(pid,
                                  "Cannot make a user namespace to lock the guest's mounts, its root can unmount or remount them: %m");
                return 0;
        }
        if (pid < 0)
                return log_error_errno(pid, "Failed to make a user namespace to lock the guest's mounts: %m");
        r = join_mount_namespace_of(pid);
        if (r >= 0 && unshare(CLONE_NEWNS) < 0)
                r = log_error_errno(errno,
                                    "Failed to copy the locked mount namespace for the guest's user namespace: %m");
        else if (r < 0)
                r = log_error_errno(r, "Failed to join the locked mount namespace: %m");
        /* The holder's copy goes with the holder, after ours is made. */
        ns_holder_stop(pid);
        return r < 0 ? r : 1;
}

int mount_lock_clone(const char *path, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        pid_t pid;
        int r;

        pid = ns_holder_start(CLONE_NEWUSER | CLONE_NEWNS);
        if (pid < 0)
                return log_error_errno(pid, "Failed to make a user namespace to lock the mount: %m");
        r = join_mount_namespace_of(pid);
        if (r < 0)
                r = log_error_errno(r, "Failed to join the locked mount namespace: %m");
        /* A clone keeps the lock of every flag; recursive, as the mounts below it are locked in place. */
        else if ((fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE)) < 0)
                r = log_error_errno(errno, "Failed to clone the locked mount of %s: %m", path);
        ns_holder_stop(pid);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* Whether /tmp is a writable tmpfs of its own with nothing mounted below it. Not when the tree's
 * /tmp is a symbolic link: the mount is elsewhere in the tree, and stays locked. */
static bool tmp_is_plain_tmpfs(void) {
        _cleanup_(fclosep) FILE *f = NULL;
        struct statfs sfs;
        struct stat tmp, root;
        char line[4096];

        if (lstat("/tmp", &tmp) < 0 || !S_ISDIR(tmp.st_mode) || statfs("/tmp", &sfs) < 0 ||
            sfs.f_type != TMPFS_MAGIC || (sfs.f_flags & ST_RDONLY) || stat("/", &root) < 0 ||
            tmp.st_dev == root.st_dev)
                return false;
        f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return false;
        while (fgets(line, sizeof line, f)) {
                char mp[256];

                if (sscanf(line, "%*s %*s %*s %*s %255s", mp) == 1 && startswith(mp, "/tmp/"))
                        return false;
        }
        return true;
}

/* /tmp protects nothing, and a booted systemd unmounts it at shutdown (tmp.mount): it is taken
 * out of the table before the copy is made, and put back after, unlocked. */
static int tmp_take_out(int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;

        *ret_fd = -EBADF;
        if (!tmp_is_plain_tmpfs())
                return 0;
        fd = open_tree(AT_FDCWD, "/tmp", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to clone the mount of /tmp: %m");
        if (umount2("/tmp", MNT_DETACH) < 0)
                return log_error_errno(errno, "Failed to detach /tmp: %m");
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int mount_lock_all(void) {
        _cleanup_close_ int tmp_fd = -EBADF;
        int locked, r;

        r = tmp_take_out(&tmp_fd);
        if (r < 0)
                return r;
        locked = join_locked_copy();
        if (tmp_fd >= 0 && (r = mount_attach(tmp_fd, "/tmp")) < 0)
                return r;
        if (locked < 0)
                return locked;
        /* The copy made every shared mount a slave of the one it copied: shared again, so that
         * mount namespaces made inside the guest see later mounts, and the mount tunnel a slave
         * alone, as mount_switch_root() and tunnel_finish() left them (and /tmp, put back, too). */
        if (mount(NULL, "/", NULL, MS_SHARED | MS_REC, NULL) < 0)
                return log_error_errno(errno, "Failed to make the locked mounts shared: %m");
        return tunnel_finish();
}
