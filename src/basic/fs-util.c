/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "basic/fs-util.h"
#include "basic/macro.h"

int mkdir_p_made(const char *path, mode_t mode, int (*made)(const char *dir, void *userdata), void *userdata) {
        _cleanup_free_ char *parent = NULL;
        char *slash;
        int r;

        if (mkdir(path, mode) < 0) {
                if (errno == EEXIST)
                        return 0;
                if (errno != ENOENT)
                        return -errno;
                parent = strdup(path);
                if (!parent)
                        return -ENOMEM;
                slash = strrchr(parent, '/');
                while (slash && slash > parent && slash[1] == 0) { /* "a/b/" */
                        *slash = 0;
                        slash = strrchr(parent, '/');
                }
                if (!slash || slash == parent)
                        return -ENOENT;
                *slash = 0;
                /* The parents are for everyone to pass through (0755, as systemd's mkdir_parents()):
                 * /run/nsboot made by a 0700 cache directory would lock out every guest's root from
                 * the staging directory beside it. Only path itself gets mode. */
                r = mkdir_p_made(parent, 0755, made, userdata);
                if (r < 0)
                        return r;
                if (mkdir(path, mode) < 0)
                        return errno == EEXIST ? 0 : -errno;
        }
        if (made) {
                r = made(path, userdata);
                if (r < 0)
                        return r;
        }
        return 1;
}

int mkdir_p(const char *path, mode_t mode) {
        int r = mkdir_p_made(path, mode, NULL, NULL);

        return r < 0 ? r : 0;
}

int touch_file(const char *path, mode_t mode) {
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, mode);

        if (fd < 0)
                return errno == EEXIST || errno == EISDIR ? 0 : -errno;
        safe_close(fd);
        return 0;
}

char *path_join(const char *root, const char *path) {
        char *p;

        while (*path == '/')
                path++;
        if (asprintf(&p, "%s/%s", root, path) < 0)
                return NULL;
        return p;
}

int readlinkat_malloc(int dir_fd, const char *name, char **ret) {
        char buf[PATH_MAX];
        ssize_t n = readlinkat(dir_fd, name, buf, sizeof buf - 1);

        if (n < 0)
                return -errno;
        buf[n] = '\0';
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

bool path_lexists(const char *path) {
        struct stat st;

        return lstat(path, &st) >= 0;
}

int remove_tree_at(int dir, const char *name, unsigned max_depth) {
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;
        struct stat st;
        int fd;

        if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISDIR(st.st_mode))
                return RET_NERRNO(unlinkat(dir, name, 0));
        if (max_depth == 0)
                return -ELOOP;
        fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || !(d = fdopendir(fd))) {
                safe_close(fd);
                return -errno;
        }
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
                        int r = remove_tree_at(dirfd(d), de->d_name, max_depth - 1);

                        if (r < 0)
                                return r;
                }
        return RET_NERRNO(unlinkat(dir, name, AT_REMOVEDIR));
}
