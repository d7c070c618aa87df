/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/macro.h"
#include "credentials.h"
#include "log.h"
#include "mount.h"

int credentials_setup(const char *root, const CredentialList *l) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int dfd = -EBADF;
        int r;

        if (l->n == 0)
                return 0;
        dir = path_join(root, CREDENTIALS_DIR);
        if (!dir)
                return log_oom();
        /* In nsboot's own /run/host (a fresh tmpfs below it), nothing of the tree's. */
        if (mkdir(dir, 0700) < 0)
                return log_error_errno(errno, "Failed to create %s: %m", dir);
        r = mount_verbose("ramfs", dir, "ramfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700");
        if (r < 0)
                return r;
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (dfd < 0)
                return log_error_errno(errno, "Failed to open %s: %m", dir);
        for (size_t i = 0; i < l->n; i++) {
                _cleanup_close_ int fd = openat(dfd, l->items[i].id, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                                                0400);

                r = fd < 0 ? -errno : loop_write(fd, l->items[i].data, l->items[i].size);
                if (r < 0)
                        return log_error_errno(r, "Failed to write credential '%s': %m", l->items[i].id);
        }
        if (fchmod(dfd, 0500) < 0)
                return log_error_errno(errno, "Failed to make %s read-only: %m", dir);
        return mount_verbose(NULL, dir, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}
