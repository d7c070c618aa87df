/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "basic/macro.h"
#include "basic/strv.h"
#include "tree.h"

const char *const tree_init_candidates[] = {
        "/usr/lib/systemd/systemd",
        "/lib/systemd/systemd",
        "/sbin/init",
        NULL,
};

int tree_open_mode(int root_fd, const char *path, int flags, mode_t mode) {
        /* RESOLVE_IN_ROOT (Linux 5.6) treats absolute symlinks such as /sbin/init -> /lib/systemd/systemd
         * as relative to the tree, so a tree can never make us look at the host; no /proc magic links
         * either, for a tree that is a running guest's root. */
        struct open_how how = { .flags = (uint64_t) flags | O_CLOEXEC, .mode = flags & O_CREAT ? mode : 0,
                                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
        int fd;

        while (*path == '/')
                path++;
        fd = (int) syscall(SYS_openat2, root_fd, *path ? path : ".", &how, sizeof how);
        return fd < 0 ? -errno : fd;
}

int tree_open(int root_fd, const char *path, int flags) {
        return tree_open_mode(root_fd, path, flags, 0);
}

/* Opening a FIFO for reading blocks until a writer comes, and opening a device node has the
 * driver's side effects (a watchdog starts ticking): so look at what path is with O_PATH first,
 * and open only a regular file, through /proc/self/fd, which reopens exactly that inode. */
int tree_open_regular_flags(int root_fd, const char *path, int flags, int *ret) {
        _cleanup_close_ int fd = tree_open(root_fd, path, O_PATH | (flags & O_NOFOLLOW));
        char proc[64];
        struct stat st;
        int r;

        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return S_ISDIR(st.st_mode) ? -EISDIR : -EBADFD;
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        r = open(proc, (flags & ~O_NOFOLLOW) | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (r < 0)
                return -errno;
        *ret = r;
        return 0;
}

int tree_open_regular(int root_fd, const char *path, int *ret) {
        return tree_open_regular_flags(root_fd, path, O_RDONLY, ret);
}

bool tree_has_os_release(int root_fd) {
        static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };

        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                _cleanup_close_ int fd = tree_open(root_fd, paths[i], O_PATH);
                struct stat st;

                if (fd >= 0 && fstat(fd, &st) >= 0 && S_ISREG(st.st_mode))
                        return true;
        }
        return false;
}

static bool is_executable_file(int fd) {
        struct stat st;

        return fstat(fd, &st) >= 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

int tree_find_init(int root_fd, const char **ret) {
        for (size_t i = 0; tree_init_candidates[i]; i++) {
                _cleanup_close_ int fd = tree_open(root_fd, tree_init_candidates[i], O_PATH);

                if (fd >= 0 && is_executable_file(fd)) {
                        *ret = tree_init_candidates[i];
                        return 0;
                }
        }
        return -ENOENT;
}

int tree_read_machine_id(int root_fd, Id128 *ret) {
        _cleanup_close_ int fd = -EBADF;
        char buf[64] = {};
        ssize_t n;
        int r;

        r = tree_open_regular(root_fd, "/etc/machine-id", &fd);
        if (r < 0)
                return r == -ENOENT ? -ENOMEDIUM : -EBADMSG;
        n = read(fd, buf, sizeof buf - 1);
        if (n < 0)
                return -errno;
        buf[strcspn(buf, "\n")] = 0;
        if (!*buf || streq(buf, "uninitialized"))
                return -ENOMEDIUM;
        if (id128_from_string(buf, ret) < 0 || id128_is_null(*ret))
                return -EBADMSG;
        return 0;
}

/* Splits off the last component: "/a/b/c" -> parent "/a/b", name "c". */
static int split_last(const char *path, char **ret_parent, const char **ret_name) {
        const char *slash = strrchr(path, '/');

        if (!slash || !slash[1] || streq(slash + 1, ".") || streq(slash + 1, ".."))
                return -EINVAL;
        *ret_parent = strndup(path, (size_t) (slash - path));
        *ret_name = slash + 1;
        return *ret_parent ? 0 : -ENOMEM;
}

/* With depth counting the symlinks followed, so a loop of links ends in -ELOOP; each directory made
 * appended to *made (when made is not NULL). */
static int mkdir_p_depth(int root_fd, const char *path, mode_t mode, unsigned depth, char ***made) {
        _cleanup_free_ char *parent = NULL, *target = NULL;
        _cleanup_close_ int fd = -EBADF, pfd = -EBADF;
        const char *name;
        char link[4096];
        ssize_t n;
        int r;

        if (depth > 40)
                return -ELOOP;
        fd = tree_open(root_fd, path, O_PATH | O_DIRECTORY);
        if (fd >= 0 || fd != -ENOENT)
                return fd >= 0 ? 0 : fd;
        r = split_last(path, &parent, &name);
        if (r < 0)
                return r;
        r = mkdir_p_depth(root_fd, parent, mode, depth, made);
        if (r < 0)
                return r;
        pfd = tree_open(root_fd, parent, O_PATH | O_DIRECTORY);
        if (pfd < 0)
                return pfd;
        if (mkdirat(pfd, name, mode) >= 0)
                return made && strv_extend(made, path) < 0 ? -ENOMEM : 0;
        if (errno != EEXIST)
                return -errno;
        /* A dangling symlink: make what it points to, inside the tree as the guest would see it. */
        n = readlinkat(pfd, name, link, sizeof link - 1);
        if (n < 0)
                return errno == EINVAL ? 0 : -errno; /* not a link: made in between */
        link[n] = 0;
        if (link[0] == '/')
                target = strdup(link);
        else if (asprintf(&target, "%s/%s", parent, link) < 0)
                target = NULL;
        if (!target)
                return -ENOMEM;
        return mkdir_p_depth(root_fd, target, mode, depth + 1, made);
}

int tree_mkdir_p_made(int root_fd, const char *path, mode_t mode, char ***made) {
        return mkdir_p_depth(root_fd, path, mode, 0, made);
}

int tree_mkdir_p(int root_fd, const char *path, mode_t mode) {
        return tree_mkdir_p_made(root_fd, path, mode, NULL);
}

int tree_touch_made(int root_fd, const char *path, mode_t mode, char ***made) {
        _cleanup_free_ char *parent = NULL;
        _cleanup_close_ int pfd = -EBADF, fd = -EBADF;
        const char *name;
        int r;

        r = split_last(path, &parent, &name);
        if (r < 0)
                return r;
        r = tree_mkdir_p_made(root_fd, parent, 0755, made);
        if (r < 0)
                return r;
        pfd = tree_open(root_fd, parent, O_PATH | O_DIRECTORY);
        if (pfd < 0)
                return pfd;
        /* Whatever is there already serves as it is, never opened: a FIFO would block us, a device
         * node's driver would see an open() (a watchdog starts counting). An existing symlink is an
         * error, never followed (tree_open() takes it as the mount point). Else a new empty file. */
        fd = openat(pfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0)
                return 0;
        if (errno != ENOENT)
                return -errno;
        fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
        if (fd < 0)
                return -errno;
        return made && strv_extend(made, path) < 0 ? -ENOMEM : 0;
}

int tree_touch(int root_fd, const char *path, mode_t mode) {
        return tree_touch_made(root_fd, path, mode, NULL);
}

void tree_unmake(int root_fd, char **made) {
        for (size_t i = strv_length(made); i > 0; i--) {
                _cleanup_free_ char *parent = NULL;
                _cleanup_close_ int pfd = -EBADF;
                const char *name;
                struct stat st;

                if (split_last(made[i - 1], &parent, &name) < 0 ||
                    (pfd = tree_open(root_fd, parent, O_PATH | O_DIRECTORY)) < 0 ||
                    fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (S_ISDIR(st.st_mode))
                        (void) unlinkat(pfd, name, AT_REMOVEDIR);
                else if (S_ISREG(st.st_mode) && st.st_size == 0)
                        (void) unlinkat(pfd, name, 0);
        }
}

static bool same_file(int root_fd, int fd, const char *other) {
        _cleanup_close_ int o = tree_open(root_fd, other, O_PATH);
        struct stat a, b;

        return o >= 0 && fstat(fd, &a) >= 0 && fstat(o, &b) >= 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Whether the file at fd contains one of the needles (for a binary: one of its strings). Reads at
 * most 16 MiB. */
static bool file_contains(int fd, const char *const *needles) {
        size_t keep = 0, have = 0;
        char buf[65536];
        off_t off = 0;

        for (size_t i = 0; needles[i]; i++)
                keep = MAX(keep, strlen(needles[i]) - 1);
        while (off < 16 * 1024 * 1024) {
                ssize_t k = pread(fd, buf + have, sizeof buf - have, off);

                if (k <= 0)
                        return false;
                off += k;
                have += (size_t) k;
                for (size_t i = 0; needles[i]; i++)
                        if (memmem(buf, have, needles[i], strlen(needles[i])))
                                return true;
                /* Keep the tail: a needle may straddle two reads. */
                if (have > keep) {
                        memmove(buf, buf + have - keep, keep);
                        have = keep;
                }
        }
        return false;
}

static bool same_as_any(int root_fd, int fd, const char *const *paths) {
        for (size_t i = 0; paths[i]; i++)
                if (same_file(root_fd, fd, paths[i]))
                        return true;
        return false;
}

/* Each init by its binary; sysvinit by its FIFO's name in the binary (systemd and busybox, which
 * know the name too, are recognised first). OpenRC on sysvinit-core is sysvinit here: it is what
 * runs as PID 1 and what is asked to stop. */
TreeInitKind tree_init_kind(int root_fd, const char *init) {
        static const char *const systemd[] = { "/usr/lib/systemd/systemd", "/lib/systemd/systemd", NULL };
        static const char *const busybox[] = { "/bin/busybox", "/usr/bin/busybox", "/sbin/busybox", NULL };
        static const char *const runit[] = { "/sbin/runit-init", "/usr/sbin/runit-init", "/lib/runit/runit-init",
                                             "/sbin/runit", "/usr/sbin/runit", NULL };
        static const char *const openrc[] = { "/sbin/openrc-init", "/usr/sbin/openrc-init", NULL };
        _cleanup_close_ int fd = -EBADF;

        /* Only a regular file is read: a FIFO there would block us. */
        if (tree_open_regular(root_fd, init, &fd) < 0)
                return TREE_INIT_OTHER;
        if (same_as_any(root_fd, fd, systemd))
                return TREE_INIT_SYSTEMD;
        if (same_as_any(root_fd, fd, busybox))
                return TREE_INIT_BUSYBOX;
        if (same_as_any(root_fd, fd, runit))
                return TREE_INIT_RUNIT;
        if (same_as_any(root_fd, fd, openrc))
                return TREE_INIT_OPENRC;
        if (is_executable_file(fd) && file_contains(fd, (const char *const[]) { "/run/initctl", "/dev/initctl", NULL }))
                return TREE_INIT_SYSVINIT;
        return TREE_INIT_OTHER;
}

const char *tree_init_kind_to_string(TreeInitKind k) {
        static const char *const names[_TREE_INIT_KIND_MAX] = {
                [TREE_INIT_SYSTEMD] = "systemd", [TREE_INIT_SYSVINIT] = "sysvinit", [TREE_INIT_OPENRC] = "openrc-init",
                [TREE_INIT_RUNIT] = "runit",     [TREE_INIT_BUSYBOX] = "busybox init", [TREE_INIT_OTHER] = "init",
        };

        return k >= 0 && k < _TREE_INIT_KIND_MAX ? names[k] : NULL;
}

int tree_open_at_path(const char *root, const char *path, TreeCreate create, int flags) {
        _cleanup_close_ int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        int r = 0;

        if (root_fd < 0)
                return -errno;
        if (create == TREE_CREATE_DIR)
                r = tree_mkdir_p(root_fd, path, 0755);
        else if (create == TREE_CREATE_FILE)
                r = tree_touch(root_fd, path, 0644);
        if (r < 0)
                return r;
        return tree_open(root_fd, path, O_PATH | flags);
}

/* Unmounts what a build tool left mounted below path (deepest first); true when nothing is left. */
static bool unmount_below(const char *path) {
        for (int pass = 0; pass < 64; pass++) {
                _cleanup_(fclosep) FILE *f = fopen("/proc/self/mountinfo", "re");
                char line[4096], mnt[4096], deepest[4096] = "";
                size_t l = strlen(path);

                while (f && fgets(line, sizeof line, f))
                        if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && strncmp(mnt, path, l) == 0 &&
                            (mnt[l] == 0 || mnt[l] == '/') && strlen(mnt) > strlen(deepest))
                                strcpy(deepest, mnt);
                if (!deepest[0])
                        return true;
                if (streq(deepest, path) || umount2(deepest, UMOUNT_NOFOLLOW) < 0)
                        return false;
        }
        return false;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int tree_remove(const char *path) {
        if (access(path, F_OK) < 0 && errno == ENOENT)
                return 0;
        if (!unmount_below(path))
                return -EBUSY;
        if (nftw(path, remove_entry, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
                return errno ? -errno : -EIO;
        return 0;
}
