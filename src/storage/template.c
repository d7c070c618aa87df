/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "basic/fs-util.h"
#include "basic/macro.h"
#include "log.h"
#include "template.h"

#define TEMPLATE_DEPTH_MAX 256

static int copy_xattrs(int from, int to) {
        char names[16384], value[65536];
        ssize_t n = flistxattr(from, names, sizeof names);

        if (n < 0)
                return IN_SET(errno, ENOTSUP, ENODATA) ? 0 : -errno;
        for (char *name = names; name < names + n; name += strlen(name) + 1) {
                ssize_t v = fgetxattr(from, name, value, sizeof value);

                if (v < 0 || fsetxattr(to, name, value, (size_t) v, 0) < 0)
                        return -errno;
        }
        return 0;
}

/* Owner first: chown() clears the set-user-ID and set-group-ID bits that the mode then sets. */
static int copy_attrs(int fd, const struct stat *st, int xattr_from) {
        struct timespec times[2] = { st->st_atim, st->st_mtim };

        if (fchown(fd, st->st_uid, st->st_gid) < 0 || fchmod(fd, st->st_mode & 07777) < 0)
                return -errno;
        if (xattr_from >= 0) {
                int r = copy_xattrs(xattr_from, fd);

                if (r < 0)
                        return r;
        }
        return RET_NERRNO(futimens(fd, times));
}

static int copy_regular(int sdir, int ddir, const char *name, const struct stat *st) {
        _cleanup_close_ int from = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
        _cleanup_close_ int to = -EBADF;

        if (from < 0)
                return -errno;
        to = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (to < 0)
                return -errno;
        /* A reflink shares the blocks (btrfs, xfs); else copy_file_range, which the kernel may
         * still do without reading the data through user space. */
        if (ioctl(to, FICLONE, from) < 0)
                for (;;) {
                        ssize_t n = copy_file_range(from, NULL, to, NULL, 1U << 30, 0);

                        if (n < 0)
                                return -errno;
                        if (n == 0)
                                break;
                }
        return copy_attrs(to, st, from);
}

static int copy_dir(int sdir, int ddir, dev_t dev, unsigned depth);

static int copy_entry(int sdir, int ddir, const char *name, dev_t dev, unsigned depth) {
        struct stat st;
        char target[4096];
        ssize_t n;

        if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (S_ISREG(st.st_mode))
                return copy_regular(sdir, ddir, name, &st);
        if (S_ISDIR(st.st_mode)) {
                _cleanup_close_ int s = -EBADF, d = -EBADF;
                int r;

                if (st.st_dev != dev) /* another file system mounted in the template: left empty */
                        return RET_NERRNO(mkdirat(ddir, name, st.st_mode & 07777));
                if (mkdirat(ddir, name, 0700) < 0)
                        return -errno;
                s = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                d = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (s < 0 || d < 0)
                        return -errno;
                r = copy_dir(s, d, dev, depth + 1);
                return r < 0 ? r : copy_attrs(d, &st, s);
        }
        if (S_ISLNK(st.st_mode)) {
                n = readlinkat(sdir, name, target, sizeof target - 1);
                if (n < 0)
                        return -errno;
                target[n] = 0;
                if (symlinkat(target, ddir, name) < 0 || fchownat(ddir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                        return -errno;
        } else if (mknodat(ddir, name, st.st_mode, st.st_rdev) < 0 || /* devices, FIFOs, sockets: never opened */
                   fchownat(ddir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
                   fchmodat(ddir, name, st.st_mode & 07777, 0) < 0)
                return -errno;
        return RET_NERRNO(utimensat(ddir, name, (struct timespec[2]) { st.st_atim, st.st_mtim }, AT_SYMLINK_NOFOLLOW));
}

static int copy_dir(int sdir, int ddir, dev_t dev, unsigned depth) {
        _cleanup_(closedirp) DIR *d = NULL;
        int fd = fcntl(sdir, F_DUPFD_CLOEXEC, 3);
        struct dirent *de;

        if (depth > TEMPLATE_DEPTH_MAX)
                return -ELOOP;
        if (fd < 0 || !(d = fdopendir(fd))) {
                safe_close(fd);
                return -errno;
        }
        while ((errno = 0, de = readdir(d))) {
                int r;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                r = copy_entry(sdir, ddir, de->d_name, dev, depth);
                if (r < 0)
                        return log_error_errno(r, "--template: cannot copy '%s': %m", de->d_name);
        }
        return -errno;
}

int template_populate(const char *template, const char *directory) {
        _cleanup_free_ char *tmp = NULL;
        _cleanup_close_ int s = -EBADF, d = -EBADF;
        struct stat st;
        int r;

        if (lstat(directory, &st) >= 0 || errno != ENOENT)
                return 0;
        s = open(template, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (s < 0 || fstat(s, &st) < 0)
                return log_error_errno(errno, "--template=%s: %m", template);
        if (asprintf(&tmp, "%s.#nsboot-template", directory) < 0)
                return log_oom();
        /* A copy a killed nsboot left is never used: start it again. */
        (void) remove_tree_at(AT_FDCWD, tmp, TEMPLATE_DEPTH_MAX);
        if (mkdir(tmp, 0700) < 0 || (d = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
                return log_error_errno(errno, "--template: cannot create '%s': %m", tmp);
        log_info("Copying the template '%s' to '%s'", template, directory);
        r = copy_dir(s, d, st.st_dev, 0);
        if (r >= 0)
                r = copy_attrs(d, &st, s);
        if (r >= 0 && rename(tmp, directory) < 0)
                r = -errno;
        if (r < 0) {
                (void) remove_tree_at(AT_FDCWD, tmp, TEMPLATE_DEPTH_MAX);
                return log_error_errno(r, "--template: cannot copy '%s' to '%s': %m", template, directory);
        }
        return 0;
}
