/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/dqblk_xfs.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/quota.h>

#include "basic/macro.h"
#include "limit.h"
#include "log.h"
#include "quota.h"

/* Each level of the walk holds its directory open: a deeper tree is refused, not half done. */
#define WALK_DEPTH_MAX 256
/* IDs tried after the one derived from the name, before giving up. */
#define PROJID_ATTEMPTS 64

typedef struct Walk {
        uint32_t id;
        dev_t dev;
        uint64_t mnt_id;        /* 0: the kernel gave none (before 5.8), st_dev alone decides */
        unsigned linked;        /* regular files with other names, perhaps in other trees: left alone */
} Walk;

/* glibc has no wrapper; quotactl_fd() is Linux 5.14. */
static int quotactl_on(int fd, unsigned cmd, uint32_t id, void *addr) {
        return RET_NERRNO(syscall(SYS_quotactl_fd, fd, cmd, id, addr));
}

static int parse_limit(const char *s, uint64_t unit, uint64_t *ret) {
        uint64_t v;

        if (isempty(s)) {
                *ret = QUOTA_UNSET;
                return 0;
        }
        if (limit_parse_size(s, &v) < 0 || v == 0)
                return -EINVAL;
        if (v == UINT64_MAX) {
                *ret = QUOTA_INFINITY;
                return 0;
        }
        if (v > UINT64_MAX / 2)
                return -EINVAL;
        *ret = (v + unit - 1) / unit * unit;
        return 0;
}

int quota_parse_size(const char *s, uint64_t *ret) {
        return parse_limit(s, QIF_DQBLKSIZE, ret);
}

int quota_parse_inodes(const char *s, uint64_t *ret) {
        return parse_limit(s, 1, ret);
}

uint32_t quota_projid_for_name(const char *machine, unsigned attempt) {
        uint32_t h = UINT32_C(2166136261); /* FNV-1a */

        for (const char *p = machine; *p; p++)
                h = (h ^ (uint8_t) *p) * UINT32_C(16777619);
        return QUOTA_PROJID_MIN + (uint32_t) (((uint64_t) h + attempt) % QUOTA_PROJID_SPAN);
}

bool quota_wanted(const Settings *s) {
        return s->disk_quota != QUOTA_UNSET || s->disk_inodes != QUOTA_UNSET;
}

/* The option (and the key, with the file that set it) for messages: "--disk-quota= (nsboot.disk-quota
 * in /etc/nsboot/web.conf)". */
static const char *origin(const Settings *s, char *buf, size_t size) {
        bool bytes = s->disk_quota != QUOTA_UNSET;
        size_t offset = bytes ? offsetof(Settings, disk_quota) : offsetof(Settings, disk_inodes);
        bool file = settings_file_set(s, offset);

        (void) snprintf(buf, size, "--%s= (nsboot.%s%s%s)", bytes ? "disk-quota" : "disk-inodes",
                        bytes ? "disk-quota" : "disk-inodes", file && s->config_file ? " in " : "",
                        file && s->config_file ? s->config_file : "");
        return buf;
}

static const char *fs_name(int fd) {
        struct statfs sfs;

        if (fstatfs(fd, &sfs) < 0)
                return "unknown";
        switch ((unsigned long) sfs.f_type) {
        case EXT4_SUPER_MAGIC:
                return "ext4";
        case XFS_SUPER_MAGIC:
                return "xfs";
        case BTRFS_SUPER_MAGIC:
                return "btrfs, which has qgroups instead";
        case TMPFS_MAGIC:
                return "tmpfs";
        case OVERLAYFS_SUPER_MAGIC:
                return "overlayfs";
        default:
                return "another type";
        }
}

/* Refuses unless the file system of top enforces project quotas: accounting alone (ext4 with the
 * feature but mounted without prjquota, xfs with pqnoenforce) would take the limit and never apply
 * it. Q_XGETQSTATV needs no privilege, so --check can ask too. */
static int check_enforced(int top, const Settings *s, const char *where) {
        struct fs_quota_statv st = { .qs_version = FS_QSTATV_VERSION1 };
        int r;

        r = quotactl_on(top, QCMD(Q_XGETQSTATV, PRJQUOTA), 0, &st);
        if (r < 0 && !IN_SET(r, -ENOSYS, -EINVAL, -ESRCH, -ENOTTY, -EOPNOTSUPP))
                return log_error_errno(r, "%s: cannot query the quotas of the file system of '%s': %m", where,
                                       s->directory);
        if (r < 0 || !(st.qs_flags & FS_QUOTA_PDQ_ENFD))
                return log_error_errno(SYNTHETIC_ERRNO(EOPNOTSUPP),
                                       "%s: the file system of '%s' (%s) does not enforce project quotas. On ext4 run 'tune2fs -O project,quota DEVICE' on it unmounted and mount it with -o prjquota (or add prjquota to its fstab line); on xfs mount it with -o pquota",
                                       where, s->directory, fs_name(top));
        return 0;
}

static int open_top(const Settings *s, const char *where) {
        int fd = open(s->directory, O_RDONLY | O_DIRECTORY | O_NOCTTY | O_CLOEXEC);

        if (fd < 0)
                return log_error_errno(errno, "%s: cannot open '%s': %m", where, s->directory);
        return fd;
}

int quota_check(const Settings *s) {
        _cleanup_close_ int top = -EBADF;
        char where[PATH_MAX + 64];
        struct fsxattr fa;

        origin(s, where, sizeof where);
        top = open_top(s, where);
        if (top < 0)
                return top;
        if (ioctl(top, FS_IOC_FSGETXATTR, &fa) < 0)
                return log_error_errno(errno, "%s: cannot read the project ID of '%s': %m", where, s->directory);
        return check_enforced(top, s, where);
}

/* An ID no project of the file system uses: no usage and no limits (xfs: no record at all). */
static int projid_is_free(int fd, uint32_t id) {
        struct if_dqblk dq = {};
        int r = quotactl_on(fd, QCMD(Q_GETQUOTA, PRJQUOTA), id, &dq);

        if (r == -ENOENT)
                return true;
        if (r < 0)
                return r;
        return dq.dqb_curspace == 0 && dq.dqb_curinodes == 0 && dq.dqb_bhardlimit == 0 &&
               dq.dqb_bsoftlimit == 0 && dq.dqb_ihardlimit == 0 && dq.dqb_isoftlimit == 0;
}

/* A tree without a project ID gets one derived from the machine name, so that a machine keeps
 * finding the same one in repquota's list; if that one is in use (another tree, a name hashing
 * alike, an administrator's project), the next ones. */
static int pick_projid(int top, const Settings *s, const char *where, uint32_t *ret) {
        for (unsigned i = 0; i < PROJID_ATTEMPTS; i++) {
                uint32_t id = quota_projid_for_name(s->machine, i);
                int r = projid_is_free(top, id);

                if (r < 0)
                        return log_error_errno(r, "%s: cannot read the quota of project %u: %m", where, id);
                if (r > 0) {
                        *ret = id;
                        return 0;
                }
                log_debug("Project ID %u is in use, trying the next", id);
        }
        return log_error_errno(SYNTHETIC_ERRNO(EBUSY), "%s: no free project ID among %u tried from %u", where,
                               PROJID_ATTEMPTS, quota_projid_for_name(s->machine, 0));
}

/* Gives the open directory or regular file fd the project ID; directories also the inherit flag,
 * so that whatever is made in them later is charged to the project. Non-logging. */
static int set_projid(int fd, uint32_t id, bool dir) {
        struct fsxattr fa;

        if (ioctl(fd, FS_IOC_FSGETXATTR, &fa) < 0)
                return -errno;
        if (fa.fsx_projid == id && (!dir || (fa.fsx_xflags & FS_XFLAG_PROJINHERIT)))
                return 0;
        fa.fsx_projid = id;
        if (dir)
                fa.fsx_xflags |= FS_XFLAG_PROJINHERIT;
        return RET_NERRNO(ioctl(fd, FS_IOC_FSSETXATTR, &fa));
}

static int walk_dir(Walk *w, int dfd, const char *path, unsigned depth);

/* One entry of a directory of a tree that may be hostile: a symlink is never followed, and nothing
 * but a directory or regular file of the tree's own mount is opened (a FIFO would block, a device
 * could act on open; they, sockets and symlinks take an inode and no blocks, and are left as they
 * are). What is opened is checked to be what was looked at. */
static int walk_entry(Walk *w, int dfd, const char *name, const char *path, unsigned depth) {
        _cleanup_free_ char *sub = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct statx sx;
        struct stat st;
        bool dir;
        int r;

        if (statx(dfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
                  STATX_TYPE | STATX_INO | STATX_NLINK | STATX_MNT_ID, &sx) < 0)
                return log_error_errno(errno, "Failed to look at '%s/%s': %m", path, name);
        if (!S_ISDIR(sx.stx_mode) && !S_ISREG(sx.stx_mode))
                return 0;
        /* A mount point below the tree: not the tree's file system. */
        if (makedev(sx.stx_dev_major, sx.stx_dev_minor) != w->dev ||
            (w->mnt_id && (sx.stx_mask & STATX_MNT_ID) && sx.stx_mnt_id != w->mnt_id))
                return 0;
        dir = S_ISDIR(sx.stx_mode);
        /* A file shared with another tree (VServer's unification, cp -al of a template) would move
         * into this tree's project and out of the other's. */
        if (!dir && sx.stx_nlink > 1) {
                w->linked++;
                return 0;
        }
        fd = openat(dfd, name,
                    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | (dir ? O_DIRECTORY : 0));
        if (fd < 0)
                return log_error_errno(errno, "Failed to open '%s/%s': %m", path, name);
        if (fstat(fd, &st) < 0)
                return log_error_errno(errno, "Failed to look at '%s/%s': %m", path, name);
        if (st.st_ino != sx.stx_ino || st.st_dev != w->dev || (st.st_mode & S_IFMT) != (sx.stx_mode & S_IFMT))
                return log_error_errno(SYNTHETIC_ERRNO(EBUSY), "'%s/%s' changed while nsboot set its project ID", path,
                                       name);
        r = set_projid(fd, w->id, dir);
        if (r < 0)
                return log_error_errno(r, "Failed to set the project ID of '%s/%s': %m", path, name);
        if (!dir)
                return 0;
        if (depth >= WALK_DEPTH_MAX)
                return log_error_errno(SYNTHETIC_ERRNO(ELOOP), "'%s/%s' is more than %u directories deep, refusing to walk it",
                                       path, name, WALK_DEPTH_MAX);
        if (asprintf(&sub, "%s/%s", path, name) < 0)
                return log_oom();
        return walk_dir(w, fd, sub, depth + 1);
}

static int walk_dir(Walk *w, int dfd, const char *path, unsigned depth) {
        _cleanup_(closedirp) DIR *d = NULL;
        int fd, r;

        fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to open '%s': %m", path);
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return log_oom();
        }
        for (;;) {
                struct dirent *de;

                errno = 0;
                de = readdir(d);
                if (!de)
                        break;
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                r = walk_entry(w, dirfd(d), de->d_name, path, depth);
                if (r < 0)
                        return r;
        }
        if (errno != 0)
                return log_error_errno(errno, "Failed to read the directory '%s': %m", path);
        return 0;
}

/* The whole tree, its top last: the top carrying the ID and the inherit flag marks a finished walk,
 * so a walk cut short is done again at the next start, and a finished one never. */
static int assign_tree(int top, const Settings *s, uint32_t id) {
        Walk w = { .id = id };
        struct statx sx;
        int r;

        if (statx(top, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0)
                return log_error_errno(errno, "Failed to look at '%s': %m", s->directory);
        w.dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
        w.mnt_id = sx.stx_mask & STATX_MNT_ID ? sx.stx_mnt_id : 0;
        log_info("Giving the files of '%s' project ID %u for its disk quota", s->directory, id);
        r = walk_dir(&w, top, s->directory, 0);
        if (r < 0)
                return r;
        if (w.linked > 0)
                log_warning("%u files of '%s' have more than one name (hard links, perhaps shared with other "
                            "trees): they keep their project and do not count against the quota", w.linked,
                            s->directory);
        r = set_projid(top, id, true);
        if (r < 0)
                return log_error_errno(r, "Failed to set the project ID of '%s': %m", s->directory);
        return 0;
}

/* Only the limits the settings name change; infinity is 0, the kernel's "no limit". */
static int set_limits(int top, const Settings *s, uint32_t id, const char *where) {
        struct if_dqblk dq = {};
        int r;

        if (s->disk_quota != QUOTA_UNSET) {
                dq.dqb_valid |= QIF_BLIMITS;
                dq.dqb_bhardlimit = s->disk_quota == QUOTA_INFINITY ? 0 : s->disk_quota / QIF_DQBLKSIZE;
        }
        if (s->disk_inodes != QUOTA_UNSET) {
                dq.dqb_valid |= QIF_ILIMITS;
                dq.dqb_ihardlimit = s->disk_inodes == QUOTA_INFINITY ? 0 : s->disk_inodes;
        }
        r = quotactl_on(top, QCMD(Q_SETQUOTA, PRJQUOTA), id, &dq);
        if (r < 0)
                return log_error_errno(r, "%s: cannot set the quota of project %u on the file system of '%s': %m", where,
                                       id, s->directory);
        log_debug("Project %u of '%s': block limit %llu KiB, inode limit %llu", id, s->directory,
                  (unsigned long long) dq.dqb_bhardlimit, (unsigned long long) dq.dqb_ihardlimit);
        return 0;
}

static bool inherited_from_parent(int top, uint32_t id) {
        _cleanup_close_ int parent = openat(top, "..", O_RDONLY | O_DIRECTORY | O_NOCTTY | O_CLOEXEC);
        struct fsxattr fa;

        return parent >= 0 && ioctl(parent, FS_IOC_FSGETXATTR, &fa) >= 0 && fa.fsx_projid == id &&
               (fa.fsx_xflags & FS_XFLAG_PROJINHERIT);
}

int quota_apply(const Settings *s) {
        _cleanup_close_ int top = -EBADF;
        char where[PATH_MAX + 64];
        struct fsxattr fa;
        uint32_t id = 0;
        int r;

        origin(s, where, sizeof where);
        top = open_top(s, where);
        if (top < 0)
                return top;
        r = check_enforced(top, s, where);
        if (r < 0)
                return r;
        if (ioctl(top, FS_IOC_FSGETXATTR, &fa) < 0)
                return log_error_errno(errno, "%s: cannot read the project ID of '%s': %m", where, s->directory);
        /* The top's ID, also without the inherit flag (a walk cut short), is the tree's; unless the
         * top inherited it from its parent (chattr +P -p on /var/lib/machines), whose other trees share
         * it. */
        if (fa.fsx_projid != 0 && !inherited_from_parent(top, fa.fsx_projid))
                id = fa.fsx_projid;
        else {
                r = pick_projid(top, s, where, &id);
                if (r < 0)
                        return r;
        }
        if (fa.fsx_projid != id || !(fa.fsx_xflags & FS_XFLAG_PROJINHERIT)) {
                r = assign_tree(top, s, id);
                if (r < 0)
                        return r;
        }
        return set_limits(top, s, id, where);
}
