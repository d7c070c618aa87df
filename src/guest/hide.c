/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <unistd.h>

#include "basic/strv.h"
#include "hide.h"
#include "log.h"
#include "mount.h"
#include "tree.h"

int hide_paths(char *const *paths, const char *root) {
        _cleanup_close_ int root_fd = -EBADF;

        if (!paths)
                return 0;
        root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return log_error_errno(errno, "Failed to open %s: %m", root);
        STRV_FOREACH(p, paths) {
                /* resolved inside the tree, here and by the mask: a symlink cannot lead out of it */
                _cleanup_close_ int fd = tree_open(root_fd, *p, O_PATH);
                int r;

                if (fd < 0)
                        return log_error_errno(fd, "--inaccessible=%s: not in the guest: %m", *p);
                r = mount_mask_path(root, *p);
                if (r < 0)
                        return log_error_errno(r, "--inaccessible=%s: cannot hide it: %m", *p);
        }
        return 0;
}
