/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "basic/fs-util.h"
#include "basic/macro.h"

int mkdir_p(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = 0;
                if (mkdir(p, mode) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
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
