/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <ftw.h>
#include <linux/btrfs.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "clone.h"
#include "log.h"

/* The root directory of a btrfs subvolume has this inode number (BTRFS_FIRST_FREE_OBJECTID). */
#define BTRFS_SUBVOLUME_ROOT_INO 256

int clone_check_mounts(const char *path) {
        _cleanup_(fclosep) FILE *f = fopen("/proc/self/mountinfo", "re");
        char line[4096], mnt[4096];
        size_t l = strlen(path);

        if (!f)
                return log_error_errno(errno, "Failed to open /proc/self/mountinfo: %m");
        while (fgets(line, sizeof line, f))
                if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && strncmp(mnt, path, l) == 0 && mnt[l] == '/')
                        return log_error_errno(SYNTHETIC_ERRNO(EBUSY), "%s is mounted in the machine's %s: unmount it "
                                               "first", mnt, path);
        return 0;
}

static bool fd_is_btrfs(int fd) {
        struct statfs sfs;

        return fstatfs(fd, &sfs) >= 0 && sfs.f_type == BTRFS_SUPER_MAGIC;
}

/* nftw() passes no user data: a subvolume root below the top is all it looks for. */
static int find_subvolume(const char *path _unused_, const struct stat *st, int type, struct FTW *ftw) {
        return type == FTW_D && ftw->level > 0 && st->st_ino == BTRFS_SUBVOLUME_ROOT_INO;
}

/* Whether src is a btrfs subvolume that one snapshot copies whole (a snapshot leaves the
 * subvolumes below it empty) to the directory parent_fd, on the same btrfs file system. */
static bool can_snapshot(int src_fd, const char *src, int parent_fd) {
        struct btrfs_ioctl_fs_info_args a = {}, b = {};
        struct stat st;

        if (fstat(src_fd, &st) < 0 || st.st_ino != BTRFS_SUBVOLUME_ROOT_INO || !fd_is_btrfs(src_fd) ||
            !fd_is_btrfs(parent_fd))
                return false;
        if (ioctl(src_fd, BTRFS_IOC_FS_INFO, &a) < 0 || ioctl(parent_fd, BTRFS_IOC_FS_INFO, &b) < 0 ||
            memcmp(a.fsid, b.fsid, sizeof a.fsid) != 0)
                return false;
        return nftw(src, find_subvolume, 64, FTW_PHYS) == 0;
}

/* A writable snapshot of src_fd named as dest's last component in parent_fd; 1 when made, 0 when
 * src cannot be snapshotted there. */
static int try_snapshot(const char *src, const char *dest, Progress *p) {
        _cleanup_free_ char *parent = strndup(dest, (size_t) (strrchr(dest, '/') - dest));
        _cleanup_close_ int src_fd = -EBADF, parent_fd = -EBADF;
        struct btrfs_ioctl_vol_args_v2 args = {};

        if (!parent)
                return log_oom();
        src_fd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        parent_fd = open(*parent ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (src_fd < 0 || parent_fd < 0 || !can_snapshot(src_fd, src, parent_fd))
                return 0;
        if (strlen(strrchr(dest, '/') + 1) >= sizeof args.name)
                return 0;
        progress_step(p, "Snapshotting the btrfs subvolume %s", src);
        args.fd = src_fd;
        strcpy(args.name, strrchr(dest, '/') + 1);
        if (ioctl(parent_fd, BTRFS_IOC_SNAP_CREATE_V2, &args) < 0)
                return log_error_errno(errno, "Failed to snapshot %s as %s: %m", src, dest);
        return 1;
}

int clone_copy(const char *src, const char *dest, bool image, Progress *p) {
        /* Not -a: with --preserve=all cp succeeds when it cannot copy extended attributes. */
        const char *argv[] = { "cp", "--recursive", "--no-dereference",
                               "--preserve=mode,ownership,timestamps,links,xattr", "--reflink=auto",
                               "--sparse=auto", "--no-target-directory", "--", src, dest, NULL };
        int r;

        if (!image) {
                r = try_snapshot(src, dest, p);
                if (r != 0)
                        return r < 0 ? r : 0;
        }
        progress_step(p, "Copying %s", src);
        r = progress_run(p, argv);
        if (r < 0)
                return log_error_errno(r, "Failed to copy %s to %s", src, dest);
        return 0;
}
