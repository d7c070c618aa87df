/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "basic/macro.h"
#include "tree.h"

const char *const tree_init_candidates[] = {
        "/usr/lib/systemd/systemd",
        "/lib/systemd/systemd",
        "/sbin/init",
        NULL,
};

int tree_open(int root_fd, const char *path, int flags) {
        /* RESOLVE_IN_ROOT (Linux 5.6) treats absolute symlinks such as /sbin/init -> /lib/systemd/systemd
         * as relative to the tree, so a tree can never make us look at the host. */
        struct open_how how = { .flags = (uint64_t) flags | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
        int fd;

        while (*path == '/')
                path++;
        fd = (int) syscall(SYS_openat2, root_fd, *path ? path : ".", &how, sizeof how);
        return fd < 0 ? -errno : fd;
}

/* Opening a FIFO for reading blocks until a writer comes, and opening a device node has the
 * driver's side effects (a watchdog starts ticking): so look at what path is with O_PATH first,
 * and open only a regular file, through /proc/self/fd, which reopens exactly that inode. */
int tree_open_regular(int root_fd, const char *path, int *ret) {
        _cleanup_close_ int fd = tree_open(root_fd, path, O_PATH);
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
        r = open(proc, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (r < 0)
                return -errno;
        *ret = r;
        return 0;
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

int tree_read_machine_id(int root_fd, sd_id128_t *ret) {
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
        if (sd_id128_from_string(buf, ret) < 0 || sd_id128_is_null(*ret))
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

/* With depth counting the symlinks followed, so a loop of links ends in -ELOOP. */
static int mkdir_p_depth(int root_fd, const char *path, mode_t mode, unsigned depth) {
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
        r = mkdir_p_depth(root_fd, parent, mode, depth);
        if (r < 0)
                return r;
        pfd = tree_open(root_fd, parent, O_PATH | O_DIRECTORY);
        if (pfd < 0)
                return pfd;
        if (mkdirat(pfd, name, mode) >= 0)
                return 0;
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
        return mkdir_p_depth(root_fd, target, mode, depth + 1);
}

int tree_mkdir_p(int root_fd, const char *path, mode_t mode) {
        return mkdir_p_depth(root_fd, path, mode, 0);
}

int tree_touch(int root_fd, const char *path, mode_t mode) {
        _cleanup_free_ char *parent = NULL;
        _cleanup_close_ int pfd = -EBADF, fd = -EBADF;
        const char *name;
        int r;

        r = split_last(path, &parent, &name);
        if (r < 0)
                return r;
        r = tree_mkdir_p(root_fd, parent, 0755);
        if (r < 0)
                return r;
        pfd = tree_open(root_fd, parent, O_PATH | O_DIRECTORY);
        if (pfd < 0)
                return pfd;
        /* O_NOFOLLOW: an existing symlink by that name is an error, never followed. */
        fd = openat(pfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
        if (fd < 0 && errno == EISDIR)
                return 0;
        return fd < 0 ? -errno : 0;
}

static bool same_file(int root_fd, int fd, const char *other) {
        _cleanup_close_ int o = tree_open(root_fd, other, O_PATH);
        struct stat a, b;

        return o >= 0 && fstat(fd, &a) >= 0 && fstat(o, &b) >= 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

TreeInitKind tree_init_kind(int root_fd, const char *init) {
        static const char *const systemd[] = { "/usr/lib/systemd/systemd", "/lib/systemd/systemd" };
        static const char *const busybox[] = { "/bin/busybox", "/usr/bin/busybox", "/sbin/busybox" };
        _cleanup_close_ int fd = tree_open(root_fd, init, O_PATH);

        if (fd < 0)
                return TREE_INIT_OTHER;
        for (size_t i = 0; i < ELEMENTSOF(systemd); i++)
                if (same_file(root_fd, fd, systemd[i]))
                        return TREE_INIT_SYSTEMD;
        for (size_t i = 0; i < ELEMENTSOF(busybox); i++)
                if (same_file(root_fd, fd, busybox[i]))
                        return TREE_INIT_BUSYBOX;
        return TREE_INIT_OTHER;
}
