/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/strv.h"
#include "live-mount.h"
#include "log.h"
#include "mount.h"
#include "mount-lock.h"
#include "tree.h"

/* How a mount gets locked: the kernel locks a mount's flags (MNT_LOCK_READONLY, _NOSUID, _NODEV,
 * ...) only when it reaches a mount namespace from one of another user namespace, copied
 * (copy_mnt_ns()) or propagated; a mount moved straight into the guest's namespace could be made
 * writable again by the guest's root. So the mount is attached in a private copy of our own mount
 * namespace, copied once more for a nested user namespace (mount_lock_clone()), cloned there with
 * its locks, and that clone is what moves into the guest. The private copy and the holder's go with
 * this process: nothing is ever mounted in the host's namespace. */
#define SCRATCH_DIR "/run"
#define SCRATCH_PATH "/run/nsboot-live-mount"

typedef struct Guest {
        int mnt, user, root;    /* user: -EBADF when the guest shares our user namespace */
} Guest;

static void guest_done(Guest *g) {
        safe_close(g->mnt);
        safe_close(g->user);
        safe_close(g->root);
}

static int open_ns(pid_t leader, const char *name, bool skip_own, int *ret) {
        char path[64], own[64];
        struct stat a, b;

        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int) leader, name);
        snprintf(own, sizeof own, "/proc/self/ns/%s", name);
        if (skip_own && stat(path, &a) >= 0 && stat(own, &b) >= 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
                *ret = -EBADF;
                return 0;
        }
        *ret = open(path, O_RDONLY | O_CLOEXEC);
        if (*ret < 0)
                return log_error_errno(errno, "Failed to open %s: %m", path);
        return 0;
}

static int guest_open(pid_t leader, Guest *g) {
        char path[64];
        int r;

        r = open_ns(leader, "mnt", false, &g->mnt);
        if (r >= 0)
                r = open_ns(leader, "user", true, &g->user);
        if (r < 0)
                return r;
        /* Its root as the guest sees it (after pivot_root), the base of every lookup of its paths. */
        snprintf(path, sizeof path, "/proc/%d/root", (int) leader);
        g->root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (g->root < 0)
                return log_error_errno(errno, "Failed to open %s: %m", path);
        return 0;
}

/* In a private copy of our mount namespace, attaches fd at SCRATCH_PATH, on a tmpfs of its own. */
static int scratch_attach(int fd, bool is_dir) {
        if (unshare(CLONE_NEWNS) < 0)
                return log_error_errno(errno, "Failed to make a mount namespace: %m");
        /* Nothing mounted here may propagate to the host's namespace. */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return log_error_errno(errno, "Failed to make our mounts private: %m");
        if (mount("tmpfs", SCRATCH_DIR, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700,size=64k") < 0)
                return log_error_errno(errno, "Failed to mount a tmpfs on %s: %m", SCRATCH_DIR);
        if ((is_dir ? mkdir(SCRATCH_PATH, 0700) : mknod(SCRATCH_PATH, S_IFREG | 0600, 0)) < 0)
                return log_error_errno(errno, "Failed to create %s: %m", SCRATCH_PATH);
        return mount_attach(fd, SCRATCH_PATH);
}

/* Into the guest's mount namespace and, with its own user namespace, as its root: what we create
 * there is the guest root's, with the rights of the guest's root and no more. */
static int guest_enter(const Guest *g) {
        if (setns(g->mnt, CLONE_NEWNS) < 0)
                return log_error_errno(errno, "Failed to join the machine's mount namespace: %m");
        if (g->user < 0)
                return 0;
        if (setns(g->user, CLONE_NEWUSER) < 0)
                return log_error_errno(errno, "Failed to join the machine's user namespace: %m");
        if (setgroups(0, NULL) < 0 && errno != EPERM)
                return log_error_errno(errno, "Failed to drop supplementary groups: %m");
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                return log_error_errno(errno, "Failed to become root of the machine: %m");
        return 0;
}

/* The mount point, resolved in the guest's root (its symlinks, absolute ones included, stay inside
 * it) and made first with mkdir (what it made into *made); of the same kind as the source. */
static int open_mount_point(const Guest *g, const LiveMount *m, bool is_dir, char ***made, int *ret) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        int r = 0;

        if (m->mkdir)
                r = is_dir ? tree_mkdir_p_made(g->root, m->path, 0755, made)
                           : tree_touch_made(g->root, m->path, 0644, made);
        if (r < 0)
                return log_error_errno(r, "Failed to create '%s' in the machine: %m", m->path);
        fd = tree_open(g->root, m->path, O_PATH);
        if (fd == -ENOENT && !m->mkdir)
                return log_error_errno(fd, "'%s' does not exist in the machine (--mkdir creates it)", m->path);
        if (fd < 0)
                return log_error_errno(fd, "Failed to open '%s' in the machine: %m", m->path);
        if (fstat(fd, &st) < 0)
                return log_error_errno(errno, "Failed to look at '%s' in the machine: %m", m->path);
        if (is_dir && !S_ISDIR(st.st_mode))
                return log_error_errno(SYNTHETIC_ERRNO(ENOTDIR),
                                       "'%s' in the machine is not a directory, but the host path is one", m->path);
        if (!is_dir && S_ISDIR(st.st_mode))
                return log_error_errno(SYNTHETIC_ERRNO(EISDIR),
                                       "'%s' in the machine is a directory, but the host path is not", m->path);
        *ret = TAKE_FD(fd);
        return 0;
}

/* A bind that fails takes back the directories (or file) its --mkdir made. */
static int child_run(int fd, const LiveMount *m, const Guest *g, bool is_dir) {
        _cleanup_close_ int locked = -EBADF, target = -EBADF;
        _cleanup_strv_free_ char **made = NULL;
        int r;

        r = scratch_attach(fd, is_dir);
        if (r >= 0)
                r = mount_lock_clone(SCRATCH_PATH, &locked);
        if (r >= 0)
                r = guest_enter(g);
        if (r >= 0)
                r = open_mount_point(g, m, is_dir, &made, &target);
        if (r >= 0 && move_mount(locked, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                r = log_error_errno(errno, "Failed to mount on '%s' in the machine: %m", m->path);
        if (r < 0) {
                target = safe_close(target);
                tree_unmake(g->root, made);
        }
        return r;
}

/* Waits for pid, at most timeout_sec; kills it after that. 0 if it exited with 0. */
static int wait_bounded(pid_t pid, unsigned timeout_sec) {
        _cleanup_close_ int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        struct pollfd p = { .fd = pidfd, .events = POLLIN };
        int status = 0, r = 0;

        if (pidfd >= 0) {
                while ((r = poll(&p, 1, (int) timeout_sec * 1000)) < 0 && errno == EINTR)
                        ;
                if (r == 0) {
                        (void) kill(pid, SIGKILL);
                        r = log_error_errno(SYNTHETIC_ERRNO(ETIMEDOUT),
                                            "Timed out after %u s waiting for a lookup in the machine", timeout_sec);
                }
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_error_errno(errno, "Failed to wait for our child: %m");
        if (r < 0)
                return r;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO; /* the child logged why */
}

int live_mount(int fd, const LiveMount *m) {
        Guest g = { .mnt = -EBADF, .user = -EBADF, .root = -EBADF };
        struct stat st;
        pid_t pid;
        int r;

        if (fstat(fd, &st) < 0)
                return log_error_errno(errno, "Failed to look at the mount: %m");
        r = guest_open(m->leader, &g);
        if (r < 0) {
                guest_done(&g);
                return r;
        }
        /* A process of its own: it leaves our namespaces and credentials for good. */
        pid = fork();
        if (pid == 0)
                _exit(child_run(fd, m, &g, S_ISDIR(st.st_mode)) < 0 ? 1 : 0);
        guest_done(&g);
        if (pid < 0)
                return log_error_errno(errno, "Failed to fork: %m");
        return wait_bounded(pid, m->timeout_sec ?: 30);
}
