/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
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

bool tree_has_os_release(int root_fd) {
        static const char *const paths[] = { "/etc/os-release", "/usr/lib/os-release" };

        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                _cleanup_close_ int fd = tree_open(root_fd, paths[i], O_RDONLY | O_NOCTTY);

                if (fd >= 0)
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

        fd = tree_open(root_fd, "/etc/machine-id", O_RDONLY | O_NOCTTY);
        if (fd < 0)
                return fd == -ENOENT ? -ENOMEDIUM : fd;
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
