/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "basic/fileio.h"
#include "detached.h"
#include "log.h"
#include "tree.h"

int detached_mounts_add(DetachedMounts *l, const char *target, int fd) {
        _cleanup_close_ int owned = fd;
        DetachedMount *n;
        char *t;

        if (l->n >= DETACHED_MOUNTS_MAX)
                return -E2BIG;
        t = strdup(target);
        if (!t)
                return -ENOMEM;
        n = reallocarray(l->items, l->n + 1, sizeof *n);
        if (!n) {
                free(t);
                return -ENOMEM;
        }
        l->items = n;
        l->items[l->n++] = (DetachedMount) { .target = t, .fd = TAKE_FD(owned) };
        return 0;
}

void detached_mounts_done(DetachedMounts *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->items[i].target);
                safe_close(l->items[i].fd);
        }
        free(l->items);
        *l = (DetachedMounts) {};
}

int detached_clone(int dir_fd, const char *path, int *ret) {
        /* A clone of a shared mount is a peer of it: whatever is mounted on the clone later would
         * appear on the host. As a slave it still gets the host's mounts, and gives back none. */
        struct mount_attr attr = { .propagation = MS_SLAVE };
        _cleanup_close_ int fd = open_tree(dir_fd, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
                                           (path[0] ? 0 : AT_EMPTY_PATH));

        if (fd < 0)
                return -errno;
        if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
                return -errno;
        *ret = TAKE_FD(fd);
        return 0;
}

/* The kernel explains a failed fsconfig() in messages read from the fs context ("e ext4: ..."). */
static void log_fs_messages(int fsfd, const char *what) {
        char buf[512];
        ssize_t n;

        while ((n = read(fsfd, buf, sizeof buf - 1)) > 0) {
                buf[n] = 0;
                buf[strcspn(buf, "\n")] = 0;
                log_error("%s: %s", what, buf[0] && buf[1] == ' ' ? buf + 2 : buf);
        }
}

static int fs_set_options(int fsfd, const char *options) {
        _cleanup_free_ char *copy = options ? strdup(options) : NULL;
        char *save = NULL;

        if (options && !copy)
                return -ENOMEM;
        for (char *o = copy ? strtok_r(copy, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(o, '=');
                int r;

                if (eq)
                        *eq = 0;
                r = fsconfig(fsfd, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, o, eq ? eq + 1 : NULL, 0);
                if (r < 0)
                        return -errno;
        }
        return 0;
}

int detached_fs_finish(int fsfd, const char *fstype, bool read_only, const char *what, int *ret) {
        int fd;

        if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
                int r = -errno;

                log_fs_messages(fsfd, what);
                return log_error_errno(r, "%s: cannot mount the %s file system: %m", what, fstype);
        }
        fd = fsmount(fsfd, FSMOUNT_CLOEXEC, read_only ? MOUNT_ATTR_RDONLY : 0);
        if (fd < 0)
                return log_error_errno(errno, "%s: cannot create a mount of the %s file system: %m", what, fstype);
        *ret = fd;
        return 0;
}

int detached_fs_open(const char *fstype, const char *source, const char *options, bool read_only,
                     const char *what, int *ret) {
        _cleanup_close_ int fsfd = -EBADF;
        int r = 0;

        fsfd = fsopen(fstype, FSOPEN_CLOEXEC);
        if (fsfd < 0)
                return log_error_errno(errno, "%s: the kernel cannot mount %s: %m", what, fstype);
        if (source && fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
                r = -errno;
        else if (read_only && fsconfig(fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0)
                r = -errno;
        else
                r = fs_set_options(fsfd, options);
        if (r < 0) {
                log_fs_messages(fsfd, what);
                return log_error_errno(r, "%s: cannot configure the %s file system: %m", what, fstype);
        }
        return detached_fs_finish(fsfd, fstype, read_only, what, ret);
}

int detached_tmpfs(const char *options, int *ret) {
        _cleanup_free_ char *o = NULL;

        if (asprintf(&o, "mode=0755%s%s", options ? "," : "", options ?: "") < 0)
                return log_oom();
        return detached_fs_open("tmpfs", "tmpfs", o, /* read_only= */ false, "tmpfs", ret);
}

int detached_set_read_only(int fd, bool read_only) {
        struct mount_attr attr = {
                .attr_set = read_only ? MOUNT_ATTR_RDONLY : 0,
                .attr_clr = read_only ? 0 : MOUNT_ATTR_RDONLY,
        };

        return RET_NERRNO(mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr));
}

int detached_idmap(int fd, int userns_fd) {
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns_fd };

        return RET_NERRNO(mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr));
}

int detached_mounts_idmap(DetachedMounts *l, int userns_fd) {
        for (size_t i = 0; i < l->n; i++) {
                int r;

                if (l->items[i].idmapped)
                        continue;
                r = detached_idmap(l->items[i].fd, userns_fd);
                if (r < 0)
                        return log_error_errno(r, "Cannot idmap the mount for %s with the user namespace: %m",
                                               l->items[i].target);
                l->items[i].idmapped = true;
        }
        return 0;
}

int detached_mounts_assemble(DetachedMounts *l) {
        size_t done = 1;

        for (; done < l->n; done++) {
                DetachedMount *m = &l->items[done];
                _cleanup_close_ int at = tree_open(l->items[0].fd, m->target, O_PATH | O_DIRECTORY);

                if (at < 0)
                        return log_error_errno(at, "Cannot find the mount point %s in the guest's root: %m", m->target);
                /* Mounting a detached mount on another needs Linux 6.15. */
                if (move_mount(m->fd, "", at, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
                        if (errno != EINVAL)
                                return log_error_errno(errno, "Cannot mount %s in the guest's root: %m", m->target);
                        log_debug_errno(errno, "Cannot mount %s on the detached root: %m", m->target);
                        break;
                }
                free(m->target);
                safe_close(m->fd);
        }
        memmove(l->items + 1, l->items + done, (l->n - done) * sizeof *l->items);
        l->n -= done - 1;
        return 0;
}

int detached_mounts_assemble_root(DetachedMounts *l, int *ret_fd) {
        int r;

        r = detached_mounts_assemble(l);
        if (r < 0)
                return r;
        if (l->n > 1)
                return log_error_errno(SYNTHETIC_ERRNO(EOPNOTSUPP),
                                       "This kernel cannot mount %s on the detached root (Linux 6.15 can)",
                                       l->items[1].target);
        *ret_fd = TAKE_FD(l->items[0].fd);
        return 0;
}

bool detached_fs_known(const char *fstype) {
        _cleanup_free_ char *all = NULL;

        if (read_full_file("/proc/filesystems", &all, NULL) < 0)
                return false;
        for (char *line = all; line && *line;) {
                char *end = strchr(line, '\n'), *name;

                if (end)
                        *end = 0;
                name = strchr(line, '\t');
                if (name && streq(name + 1, fstype))
                        return true;
                line = end ? end + 1 : NULL;
        }
        return false;
}
