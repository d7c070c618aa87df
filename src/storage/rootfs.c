/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "basic/fs-util.h"
#include "basic/macro.h"
#include "log.h"
#include "rootfs.h"
#include "storage.h"

int rootfs_open(const Settings *s, int userns_fd, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns_fd };
        const char *directory = s->directory;

        if (storage_wanted(s))
                return storage_open_root(s, userns_fd, ret_fd);

        fd = open_tree(AT_FDCWD, directory, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (fd < 0)
                return log_error_errno(errno, "Failed to clone the mount of '%s': %m", directory);
        /* Owners on disk stay as they are; the guest's ids are translated on the fly (Linux 5.12,
         * per file system: ext4, xfs, btrfs, tmpfs 6.3, overlayfs 5.19, ...). */
        if (userns_fd >= 0 && mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0) {
                if (IN_SET(errno, EINVAL, EPERM, EOPNOTSUPP))
                        return log_error_errno(errno, "The file system of '%s' cannot be mounted idmapped (%m): "
                                               "use --private-users-ownership=chown to shift its owners on disk, "
                                               "or --private-users=no to run the guest as the host's root",
                                               directory);
                return log_error_errno(errno, "Failed to idmap the mount of '%s': %m", directory);
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int rootfs_open_sysfs(int *ret_fd) {
        _cleanup_close_ int fs = -EBADF;
        int fd;

        fs = fsopen("sysfs", FSOPEN_CLOEXEC);
        if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return log_error_errno(errno, "Failed to create a sysfs instance: %m");
        fd = fsmount(fs, FSMOUNT_CLOEXEC,
                     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to mount sysfs: %m");
        *ret_fd = fd;
        return 0;
}

int rootfs_staging_prepare(void) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        int r;

        r = mkdir_p(ROOTFS_STAGING_DIR, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", ROOTFS_STAGING_DIR);
        /* Followed, as mkdir_p() followed it: an admin may have made /run/nsboot a symlink. */
        fd = open("/run/nsboot", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to open /run/nsboot: %m");
        if (fstat(fd, &st) < 0)
                return log_error_errno(errno, "Failed to stat /run/nsboot: %m");
        if (st.st_uid == 0 && (st.st_mode & 0111) != 0111 && fchmod(fd, 0755) < 0)
                return log_error_errno(errno, "Failed to make /run/nsboot 0755: %m");
        return 0;
}
