/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "basic/fs-util.h"
#include "log.h"
#include "mount.h"
#include "tree.h"

#define MS_API (MS_NOSUID | MS_NOEXEC | MS_NODEV)

/* Order matters: a mount point must be mounted before anything below it, and /proc/sys/net is bound
 * before /proc/sys is made read-only so that it alone stays writable with a private network. Sizes
 * and modes follow systemd-nspawn so guests see the same limits. */
const MountEntry mount_table[] = {
        { MOUNT_PHASE_EARLY, "/dev", "tmpfs", "mode=0755,size=4m,nr_inodes=64k", MS_NOSUID | MS_STRICTATIME,
          MOUNT_MKDIR | MOUNT_DEV_SIZE },
        { MOUNT_PHASE_EARLY, "/dev/shm", "tmpfs", "mode=01777,size=10%,nr_inodes=400k",
          MS_NOSUID | MS_NODEV | MS_STRICTATIME, MOUNT_MKDIR },
        { MOUNT_PHASE_EARLY, "/dev/mqueue", "mqueue", NULL, MS_API, MOUNT_MKDIR | MOUNT_OWN_IPC },
        { MOUNT_PHASE_EARLY, "/dev/pts", "devpts", "newinstance,ptmxmode=0666,mode=620,gid=5", MS_NOSUID | MS_NOEXEC,
          MOUNT_MKDIR | MOUNT_PTY_MAX },
        { MOUNT_PHASE_EARLY, "/run", "tmpfs", "mode=0755,size=20%,nr_inodes=800k",
          MS_NOSUID | MS_NODEV | MS_STRICTATIME, MOUNT_MKDIR },
        { MOUNT_PHASE_EARLY, "/tmp", "tmpfs", "mode=01777,size=10%,nr_inodes=400k",
          MS_NOSUID | MS_NODEV | MS_STRICTATIME, MOUNT_MKDIR },

        { MOUNT_PHASE_API, "/proc", "proc", NULL, MS_API, MOUNT_MKDIR },
        { MOUNT_PHASE_API, "/proc/sys", NULL, NULL, 0, MOUNT_BIND_SELF },
        { MOUNT_PHASE_API, "/proc/sys/net", NULL, NULL, 0, MOUNT_BIND_SELF | MOUNT_PRIVATE_NET | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/proc/sys", NULL, NULL, MS_API, MOUNT_REMOUNT_ONLY | MOUNT_READ_ONLY },
        { MOUNT_PHASE_API, "/proc/kallsyms", NULL, NULL, MS_API, MOUNT_MASK | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/proc/kcore", NULL, NULL, MS_API, MOUNT_MASK | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/proc/keys", NULL, NULL, MS_API, MOUNT_MASK | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/proc/sysrq-trigger", NULL, NULL, MS_API, MOUNT_MASK | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/proc/timer_list", NULL, NULL, MS_API, MOUNT_MASK | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/proc/acpi", NULL, NULL, MS_API, MOUNT_BIND_SELF | MOUNT_READ_ONLY | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/proc/apm", NULL, NULL, MS_API, MOUNT_BIND_SELF | MOUNT_READ_ONLY | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/proc/asound", NULL, NULL, MS_API, MOUNT_BIND_SELF | MOUNT_READ_ONLY | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/proc/bus", NULL, NULL, MS_API, MOUNT_BIND_SELF | MOUNT_READ_ONLY | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/proc/fs", NULL, NULL, MS_API, MOUNT_BIND_SELF | MOUNT_READ_ONLY | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/proc/irq", NULL, NULL, MS_API, MOUNT_BIND_SELF | MOUNT_READ_ONLY | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/proc/scsi", NULL, NULL, MS_API, MOUNT_BIND_SELF | MOUNT_READ_ONLY | MOUNT_OPTIONAL },
        { MOUNT_PHASE_API, "/sys", "sysfs", NULL, MS_API | MS_RDONLY, MOUNT_MKDIR },
        /* Inside our cgroup namespace, so its root is the machine's own cgroup: writable by the guest's
         * init, nothing above it visible. */
        { MOUNT_PHASE_API, "/sys/fs/cgroup", "cgroup2", NULL, MS_API, 0 },
        { MOUNT_PHASE_API, "/run/host", NULL, NULL, MS_API, MOUNT_BIND_SELF | MOUNT_READ_ONLY },
};

const unsigned mount_table_size = ELEMENTSOF(mount_table);

int mount_verbose(const char *what, const char *where, const char *type, unsigned long flags, const char *options) {
        if (mount(what, where, type, flags, options) < 0)
                return log_error_errno(errno, "Failed to mount %s (type %s, options '%s') on %s: %m", strna(what),
                                       strna(type), strempty(options), where);
        return 0;
}

/* The mount point 'where' of the tree at root, created as a directory when asked, with every symlink
 * resolved inside the tree: a tree cannot send one of our mounts, or a mkdir, to the host. The
 * /proc/self/fd path of the O_PATH fd goes to mount(2). Non-logging. */
static int open_target(const char *root, const char *where, bool mkdir, int *ret_fd, char ret_path[static 32]) {
        int fd = tree_open_at_path(root, where, mkdir ? TREE_CREATE_DIR : TREE_CREATE_NONE, 0);

        if (fd < 0)
                return fd;
        snprintf(ret_path, 32, "/proc/self/fd/%d", fd);
        *ret_fd = fd;
        return 0;
}

static int mount_entry(const MountEntry *m, const char *what, const char *path, const char *type, unsigned long flags,
                       const char *options) {
        if (mount(what, path, type, flags, options) < 0)
                return log_error_errno(errno, "Failed to mount %s (type %s, options '%s') on %s: %m", strna(what),
                                       strna(type), strempty(options), m->where);
        return 0;
}

static int mask_path(const char *root, const MountEntry *m, int fd, const char *path) {
        _cleanup_free_ char *node = NULL;
        struct stat st;

        if (fstat(fd, &st) < 0)
                return log_error_errno(errno, "Failed to stat %s: %m", m->where);
        /* INACCESSIBLE_DIR is on the /run tmpfs we made: no symlink of the tree's there. */
        node = path_join(root, S_ISDIR(st.st_mode) ? INACCESSIBLE_DIR "/dir" : INACCESSIBLE_DIR "/chr");
        if (!node)
                return log_oom();
        return mount_entry(m, node, path, NULL, MS_BIND, NULL);
}

/* A bind takes read-only and the like only from a remount of the new mount itself: look the path up
 * again, to find the mount now on top. */
static int remount_read_only(const char *root, const MountEntry *m) {
        _cleanup_close_ int fd = -EBADF;
        char path[32];
        int r;

        r = open_target(root, m->where, false, &fd, path);
        if (r < 0)
                return log_error_errno(r, "Failed to open %s: %m", m->where);
        return mount_entry(m, NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | m->ms_flags, NULL);
}

int mount_mask_path(const char *root, const char *where) {
        MountEntry m = { .where = where, .ms_flags = MS_NOSUID | MS_NODEV | MS_NOEXEC };
        _cleanup_close_ int fd = -EBADF;
        char path[32];
        int r;

        r = open_target(root, where, false, &fd, path);
        if (r < 0)
                return log_error_errno(r, "Failed to open %s: %m", where);
        r = mask_path(root, &m, fd, path);
        if (r < 0)
                return r;
        return remount_read_only(root, &m);
}

static int apply_entry(const char *root, const MountEntry *m, const MountContext *ctx) {
        _cleanup_free_ char *options = NULL;
        _cleanup_close_ int fd = -EBADF;
        char path[32];
        int r;

        r = open_target(root, m->where, m->flags & MOUNT_MKDIR, &fd, path);
        if (r == -ENOENT && m->flags & MOUNT_OPTIONAL)
                return 0;
        if (r < 0)
                return log_error_errno(r, "Failed to create or open the mount point %s: %m", m->where);
        if (m->type && streq(m->type, "sysfs") && ctx->sysfs_fd >= 0)
                return mount_attach_at(ctx->sysfs_fd, fd, m->where); /* read-only already */
        if (m->flags & MOUNT_MASK)
                r = mask_path(root, m, fd, path);
        else if (m->flags & MOUNT_BIND_SELF)
                r = mount_entry(m, path, path, NULL, MS_BIND | MS_REC, NULL);
        else if (m->flags & MOUNT_REMOUNT_ONLY)
                r = 0;
        else {
                if (m->flags & MOUNT_PTY_MAX && ctx->pty_max > 0 &&
                    asprintf(&options, "%s,max=%u", m->options, ctx->pty_max) < 0)
                        return log_oom();
                /* a later size= wins over the table's */
                if (m->flags & MOUNT_DEV_SIZE && ctx->dev_size > 0 &&
                    asprintf(&options, "%s,size=%" PRIu64, m->options, ctx->dev_size) < 0)
                        return log_oom();
                r = mount_entry(m, m->type, path, m->type, m->ms_flags, options ?: m->options);
        }
        if (r < 0)
                return r;
        if (m->flags & (MOUNT_READ_ONLY | MOUNT_MASK))
                return remount_read_only(root, m);
        return 0;
}

int mount_apply_phase(const char *root, MountPhase phase, const MountContext *ctx) {
        for (unsigned i = 0; i < mount_table_size; i++) {
                const MountEntry *m = &mount_table[i];
                int r;

                if (m->phase != phase || (m->flags & MOUNT_PRIVATE_NET && !ctx->private_network) ||
                    (m->flags & MOUNT_OWN_IPC && ctx->foreign_ipc))
                        continue;
                r = apply_entry(root, m, ctx);
                if (r < 0)
                        return r;
        }
        return 0;
}

int mount_make_inaccessible(const char *root) {
        _cleanup_free_ char *dir = path_join(root, INACCESSIBLE_DIR), *reg = NULL, *d = NULL, *chr = NULL;
        int r;

        if (!dir || asprintf(&reg, "%s/reg", dir) < 0 || asprintf(&d, "%s/dir", dir) < 0 ||
            asprintf(&chr, "%s/chr", dir) < 0)
                return log_oom();
        r = mkdir_p(dir, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", dir);
        if (touch_file(reg, 0000) < 0 || chmod(reg, 0000) < 0)
                return log_error_errno(errno, "Failed to create %s: %m", reg);
        if (mkdir(d, 0000) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create %s: %m", d);
        /* A character device 0:0 cannot be opened by anyone, root included (ENXIO, or EACCES on this
         * nodev mount); an empty mode-0000 file would still be readable with CAP_DAC_OVERRIDE. */
        if (mknod(chr, S_IFCHR | 0000, makedev(0, 0)) < 0 && errno != EEXIST) {
                log_debug_errno(errno, "Cannot create %s, masking with a regular file: %m", chr);
                if (link(reg, chr) < 0)
                        return log_error_errno(errno, "Failed to create %s: %m", chr);
        }
        return 0;
}

int mount_attach(int fd, const char *where) {
        if (move_mount(fd, "", AT_FDCWD, where, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return log_error_errno(errno, "Failed to attach a mount at %s: %m", where);
        return 0;
}

int mount_attach_at(int fd, int target_fd, const char *name) {
        if (move_mount(fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return log_error_errno(errno, "Failed to attach a mount at %s: %m", name);
        return 0;
}

int mount_prepare_root(const char *root, int rootfs_fd) {
        int r;

        /* Slave: host mounts still reach us, ours never reach the host. */
        r = mount_verbose(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL);
        if (r < 0)
                return r;
        r = mount_attach(rootfs_fd, root);
        if (r < 0)
                return r;
        return mount_verbose(NULL, root, NULL, MS_PRIVATE | MS_REC, NULL);
}

int mount_pivot_subdir(const char *root, const char *new_root, const char *old_root) {
        _cleanup_close_ int sub = -EBADF, new_tree = -EBADF, old_tree = -EBADF, old_target = -EBADF;

        /* Resolved inside the tree, as every path of it: a symlink there cannot pick a host directory. */
        sub = tree_open_at_path(root, new_root, TREE_CREATE_NONE, O_DIRECTORY);
        if (sub < 0)
                return log_error_errno(sub, "--pivot-root: '%s' is no directory of the tree: %m", new_root);
        new_tree = open_tree(sub, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
        if (new_tree < 0)
                return log_error_errno(errno, "--pivot-root: cannot take '%s' of the tree: %m", new_root);
        if (old_root) {
                old_tree = open_tree(AT_FDCWD, root, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
                if (old_tree < 0)
                        return log_error_errno(errno, "--pivot-root: cannot take the tree's top: %m");
        }
        sub = safe_close(sub);
        if (umount2(root, MNT_DETACH) < 0)
                return log_error_errno(errno, "--pivot-root: cannot detach the tree's top: %m");
        if (mount_attach(new_tree, root) < 0)
                return -EIO;
        if (!old_root)
                return 0;
        old_target = tree_open_at_path(root, old_root, TREE_CREATE_NONE, O_DIRECTORY);
        if (old_target < 0)
                return log_error_errno(old_target, "--pivot-root: '%s' is no directory of '%s' in the tree: %m",
                                       old_root, new_root);
        return mount_attach_at(old_tree, old_target, old_root);
}

int mount_switch_root(const char *root) {
        if (chdir(root) < 0)
                return log_error_errno(errno, "Failed to enter %s: %m", root);
        /* pivot_root(".", ".") stacks the old root on top of the new one; detaching "." then leaves
         * only the new root, without needing a directory for the old one inside the tree. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return log_error_errno(errno, "Failed to pivot_root into %s: %m", root);
        if (umount2(".", MNT_DETACH) < 0)
                return log_error_errno(errno, "Failed to detach the old root: %m");
        if (chdir("/") < 0)
                return log_error_errno(errno, "Failed to enter the new root: %m");
        /* Shared again, so mount namespaces made inside the guest (nested containers, services with
         * their own namespaces) see later mounts. */
        return mount_verbose(NULL, "/", NULL, MS_SHARED | MS_REC, NULL);
}
