/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "basic/strv.h"
#include "log.h"
#include "overlay.h"
#include "tree.h"

#define OVERLAY_LAYERS_MAX 32

/* The upper layer: upper and work directories on one mount, which must stay attached (its fd open)
 * until the overlay exists. */
typedef struct UpperLayer {
        int mnt, upper, work;
} UpperLayer;

static const char *const volatile_mode_table[_VOLATILE_MODE_MAX] = {
        [VOLATILE_NO] = "no",
        [VOLATILE_YES] = "yes",
        [VOLATILE_STATE] = "state",
        [VOLATILE_OVERLAY] = "overlay",
};

DEFINE_STRING_TABLE_LOOKUP(volatile_mode, VolatileMode, volatile_mode_table, _VOLATILE_MODE_MAX);

/* A layer for overlayfs: a detached clone of path below fd, idmapped if asked. A clone, because
 * overlayfs takes private clones of its layers, which works only while the mount they are on is
 * still attached, and a detached mount is dissolved when its last mount fd is closed. */
static int layer_open(int fd, const char *path, int userns_fd, int *ret) {
        _cleanup_close_ int clone = -EBADF;
        int r;

        r = detached_clone(fd, path, &clone);
        if (r >= 0 && userns_fd >= 0)
                r = detached_idmap(clone, userns_fd);
        if (r < 0)
                return r;
        *ret = TAKE_FD(clone);
        return 0;
}

static int overlay_set_layer(int fsfd, const char *key, int fd) {
        char path[64];

        /* Layers by fd need Linux 6.13 (or 6.8 for lowerdir+ by path); /proc/self/fd names them
         * otherwise. */
        if (fsconfig(fsfd, FSCONFIG_SET_FD, key, NULL, fd) >= 0)
                return 0;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        return RET_NERRNO(fsconfig(fsfd, FSCONFIG_SET_STRING, key, path, 0));
}

/* An overlay of lowers (bottom first) and u (NULL: a read-only overlay). */
static int overlay_mount(const int *lowers, size_t n, const UpperLayer *u, const char *what, int *ret) {
        _cleanup_close_ int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
        int r = 0;

        if (fsfd < 0)
                return log_error_errno(errno, "%s: the kernel has no overlay file system: %m", what);
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = overlay_set_layer(fsfd, "lowerdir+", lowers[i]);
        if (r >= 0 && u)
                r = overlay_set_layer(fsfd, "upperdir", u->upper);
        if (r >= 0 && u)
                r = overlay_set_layer(fsfd, "workdir", u->work);
        if (r < 0)
                return log_error_errno(r, "%s: cannot configure the overlay's layers: %m", what);
        return detached_fs_finish(fsfd, "overlay", !u, what, ret);
}

static void upper_layer_done(UpperLayer *u) {
        u->mnt = safe_close(u->mnt);
        u->upper = safe_close(u->upper);
        u->work = safe_close(u->work);
}

/* Takes mnt and opens upper and work on it. The upper layer is never idmapped, unlike the lower
 * ones: overlayfs writes to it with the credentials of its mounter, host root, whose uid 0 an
 * idmapping would not map; so the upper layer stores host uids (the guest's range), as the
 * overlay shows them. */
static int upper_layer_open(int mnt, const char *upper, const char *work, UpperLayer *ret) {
        UpperLayer u = { .mnt = mnt, .upper = -EBADF, .work = -EBADF };
        int r;

        u.upper = openat(mnt, upper, O_PATH | O_DIRECTORY | O_CLOEXEC);
        u.work = openat(mnt, work, O_PATH | O_DIRECTORY | O_CLOEXEC);
        r = u.upper < 0 || u.work < 0 ? -errno : 0;
        if (r < 0) {
                upper_layer_done(&u);
                return r;
        }
        *ret = u;
        return 0;
}

/* upper/ and work/ on a fresh tmpfs; upper gets the owner and mode top of the tree's top directory. */
static int tmpfs_upper(const struct stat *top, UpperLayer *ret) {
        int t, r;

        r = detached_tmpfs(NULL, &t);
        if (r < 0)
                return r;
        if (mkdirat(t, "upper", top->st_mode & 07777) < 0 || fchownat(t, "upper", top->st_uid, top->st_gid, 0) < 0 ||
            fchmodat(t, "upper", top->st_mode & 07777, 0) < 0 || mkdirat(t, "work", 0700) < 0) {
                safe_close(t);
                return log_error_errno(errno, "Cannot create the overlay's upper directory on tmpfs: %m");
        }
        r = upper_layer_open(t, "upper", "work", ret);
        if (r < 0)
                return log_error_errno(r, "Cannot open the overlay's upper directory on tmpfs: %m");
        return 0;
}

/* Replaces the mount m with an overlay of it and a tmpfs: writes go to memory only. */
static int overlay_on_tmpfs(DetachedMount *m, int userns_fd) {
        _cleanup_(upper_layer_done) UpperLayer u = { .mnt = -EBADF, .upper = -EBADF, .work = -EBADF };
        _cleanup_close_ int lower = -EBADF;
        struct stat st;
        int fd, r;

        r = layer_open(m->fd, "", m->idmapped ? -EBADF : userns_fd, &lower);
        if (r < 0)
                return log_error_errno(r, "Cannot use the tree at %s as the overlay's lower layer: %m", m->target);
        /* Through the idmapped lower layer: the owner as the overlay shows it. */
        if (fstat(lower, &st) < 0)
                return log_error_errno(errno, "Cannot stat the tree at %s: %m", m->target);
        r = tmpfs_upper(&st, &u);
        if (r < 0)
                return r;
        r = overlay_mount(&lower, 1, &u, m->target, &fd);
        if (r < 0)
                return r;
        safe_close(m->fd);
        m->fd = fd;
        m->idmapped = true;
        return 0;
}

/* --volatile=yes: a tmpfs root with the tree's /usr, read-only, and the tree's top-level symlinks
 * into /usr (/bin -> usr/bin on a merged-/usr system), so commands are found before the guest's
 * init makes them. An image's own /usr partition is kept as it is. */
static int volatile_yes(DetachedMounts *l) {
        static const char *const links[] = { "bin", "sbin", "lib", "lib64", "lib32", "libx32" };
        _cleanup_close_ int root = -EBADF, usr = -EBADF;
        int r;

        r = detached_tmpfs(NULL, &root);
        if (r < 0)
                return r;
        if (mkdirat(root, "usr", 0755) < 0)
                return log_error_errno(errno, "Cannot create /usr on the volatile root: %m");
        for (size_t i = 0; i < ELEMENTSOF(links); i++) {
                char target[256];
                ssize_t n = readlinkat(l->items[0].fd, links[i], target, sizeof target - 1);

                if (n <= 0)
                        continue;
                target[n] = 0;
                if ((startswith(target, "usr/") || startswith(target, "/usr/")) && symlinkat(target, root, links[i]) < 0)
                        return log_error_errno(errno, "Cannot create /%s on the volatile root: %m", links[i]);
        }
        if (l->n < 2 || !streq(l->items[1].target, "/usr")) {
                r = detached_clone(l->items[0].fd, "usr", &usr);
                if (r < 0)
                        return log_error_errno(r, "The tree has no /usr for --volatile=yes: %m");
                r = detached_set_read_only(usr, true);
                if (r < 0)
                        return log_error_errno(r, "Cannot make /usr read-only: %m");
                free(l->items[0].target);
                l->items[0].target = strdup("/usr");
                if (!l->items[0].target)
                        return log_oom();
                safe_close(l->items[0].fd);
                l->items[0].fd = TAKE_FD(usr);
                /* A clone keeps the idmapping of what it was cloned from. */
        } else {
                /* Drop the image's root partition; its /usr partition stays. */
                free(l->items[0].target);
                safe_close(l->items[0].fd);
                memmove(l->items, l->items + 1, --l->n * sizeof *l->items);
        }
        r = detached_mounts_add(l, "/", TAKE_FD(root));
        if (r < 0)
                return log_oom();
        /* The root goes first. */
        DetachedMount m = l->items[l->n - 1];
        memmove(l->items + 1, l->items, (l->n - 1) * sizeof *l->items);
        l->items[0] = m;
        return 0;
}

/* --volatile=state: the tree read-only, a tmpfs on /var. */
static int volatile_state(DetachedMounts *l) {
        _cleanup_close_ int fd = tree_open(l->items[0].fd, "/var", O_PATH | O_DIRECTORY);
        int tmp, r;

        if (fd < 0)
                return log_error_errno(fd, "The tree has no /var directory for --volatile=state: %m");
        r = detached_tmpfs(NULL, &tmp);
        if (r < 0)
                return r;
        r = detached_mounts_add(l, "/var", tmp);
        if (r < 0)
                return log_oom();
        /* Only the tree, not the new /var. */
        for (size_t i = 0; i < l->n - 1; i++) {
                r = detached_set_read_only(l->items[i].fd, true);
                if (r < 0)
                        return log_error_errno(r, "Cannot make %s read-only: %m", l->items[i].target);
        }
        return 0;
}

/* Opens one path of an --overlay= value: a host directory, or with '+' one inside the tree. */
static int overlay_path_open(const char *p, int root_fd, int *ret) {
        int fd = p[0] == '+' ? tree_open(root_fd, p + 1, O_PATH | O_DIRECTORY)
                             : open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return fd == -1 ? -errno : fd;
        *ret = fd;
        return 0;
}

int overlay_spec_check(const char *spec) {
        _cleanup_strv_free_ char **paths = strv_split_keep_empty(spec, ':');
        size_t n = strv_length(paths);

        if (!paths)
                return -ENOMEM;
        if (n < 2 || n > OVERLAY_LAYERS_MAX || paths[n - 1][0] != '/')
                return -EINVAL;
        for (size_t i = 0; i + 1 < n; i++) {
                const char *p = paths[i][0] == '+' ? paths[i] + 1 : paths[i];

                /* An empty upper means a tmpfs; every other path is absolute. */
                if (!(i == n - 2 && n > 2 && !*p) && p[0] != '/')
                        return -EINVAL;
        }
        return 0;
}

/* upper and its work directory ".#nsboot-work.NAME" beside it, which must be on the same mount. */
static int host_upper(const char *upper, int root_fd, UpperLayer *ret) {
        _cleanup_free_ char *parent = strdup(upper), *work = NULL;
        _cleanup_close_ int pfd = -EBADF;
        char *slash = parent ? strrchr(parent, '/') : NULL;
        int mnt, r;

        if (!parent)
                return log_oom();
        if (!slash || !slash[1])
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--overlay=: '%s' cannot be an upper directory", upper);
        *slash = 0;
        if (asprintf(&work, ".#nsboot-work.%s", slash + 1) < 0)
                return log_oom();
        r = overlay_path_open(slash == parent || streq(parent, "+") ? (parent[0] == '+' ? "+/" : "/") : parent,
                              root_fd, &pfd);
        if (r < 0)
                return log_error_errno(r, "--overlay=: cannot open the directory of '%s': %m", upper);
        if (mkdirat(pfd, work, 0700) < 0 && errno != EEXIST)
                return log_error_errno(errno, "--overlay=: cannot create the work directory '%s' next to '%s': %m",
                                       work, upper);
        r = detached_clone(pfd, "", &mnt);
        if (r >= 0)
                r = upper_layer_open(mnt, slash + 1, work, ret);
        if (r < 0)
                return log_error_errno(r, "--overlay=: cannot use '%s' as the upper directory: %m", upper);
        return 0;
}

static void close_all(int *fds, size_t n) {
        for (size_t i = 0; i < n; i++)
                safe_close(fds[i]);
}

/* One --overlay=/--overlay-ro= value, mounted and appended to l. */
static int overlay_spec_mount(const char *spec, bool read_only, int userns_fd, DetachedMounts *l) {
        int root_fd = l->items[0].fd;
        bool root_idmapped = l->items[0].idmapped;
        _cleanup_strv_free_ char **paths = strv_split_keep_empty(spec, ':');
        _cleanup_(upper_layer_done) UpperLayer u = { .mnt = -EBADF, .upper = -EBADF, .work = -EBADF };
        int lowers[OVERLAY_LAYERS_MAX] = {};
        size_t n = strv_length(paths), n_layers, n_lowers = 0;
        const char *dest;
        int fd, r = 0;

        if (!paths)
                return log_oom();
        dest = paths[n - 1];
        /* With two paths the second is both the top layer and the destination (systemd-nspawn's rule). */
        n_layers = n == 2 ? 2 : n - 1;
        for (size_t i = 0; r >= 0 && i < n_layers - !read_only; i++) {
                _cleanup_close_ int pfd = -EBADF;

                r = overlay_path_open(paths[i], root_fd, &pfd);
                /* A '+' path on a root that is idmapped already is idmapped with it. */
                if (r >= 0)
                        r = layer_open(pfd, "", paths[i][0] == '+' && root_idmapped ? -EBADF : userns_fd,
                                       &lowers[n_lowers]);
                if (r >= 0)
                        n_lowers++;
                else
                        log_error_errno(r, "--overlay=%s: cannot use '%s' as a layer: %m", spec, paths[i]);
        }
        if (r >= 0 && !read_only) {
                const char *up = paths[n_layers - 1];

                if (*up) {
                        r = host_upper(up, root_fd, &u);
                } else {
                        struct stat st;

                        r = fstat(lowers[n_lowers - 1], &st) < 0 ? -errno : tmpfs_upper(&st, &u);
                }
        }
        if (r >= 0)
                r = overlay_mount(lowers, n_lowers, read_only ? NULL : &u, spec, &fd);
        close_all(lowers, n_lowers);
        if (r < 0)
                return r;
        r = detached_mounts_add(l, dest, fd);
        if (r < 0)
                return log_oom();
        l->items[l->n - 1].idmapped = true;
        return 0;
}

static int overlay_specs_mount(const RootOptions *o, DetachedMounts *l) {
        int r;

        STRV_FOREACH(s, o->overlays) {
                r = overlay_spec_mount(*s, false, o->userns_fd, l);
                if (r < 0)
                        return r;
        }
        STRV_FOREACH(s, o->overlays_ro) {
                r = overlay_spec_mount(*s, true, o->userns_fd, l);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Mount points of the mounts from index first on, in the final root (existing ones are fine). */
static int make_mount_points(DetachedMounts *l, size_t first) {
        for (size_t i = first; i < l->n; i++) {
                int r = tree_mkdir_p(l->items[0].fd, l->items[i].target, 0755);

                if (r < 0)
                        return log_error_errno(r, "Cannot create the mount point %s in the root: %m", l->items[i].target);
        }
        return 0;
}

int overlay_setup_root(DetachedMounts *l, const RootOptions *o) {
        size_t n_tree = l->n;
        int r;

        assert(l->n > 0);
        /* Before the root changes: '+' paths are inside the tree. */
        r = overlay_specs_mount(o, l);
        if (r < 0)
                return r;
        if (o->ephemeral || o->volatile_mode == VOLATILE_OVERLAY)
                for (size_t i = 0; r >= 0 && i < n_tree; i++)
                        r = overlay_on_tmpfs(&l->items[i], o->userns_fd);
        else if (o->volatile_mode == VOLATILE_YES)
                r = volatile_yes(l);
        else if (o->volatile_mode == VOLATILE_STATE)
                r = volatile_state(l);
        if (r < 0)
                return r;
        r = make_mount_points(l, 1);
        if (r < 0)
                return r;
        if (o->read_only) {
                r = detached_set_read_only(l->items[0].fd, true);
                if (r < 0)
                        return log_error_errno(r, "Cannot make the root read-only: %m");
        }
        return o->userns_fd >= 0 ? detached_mounts_idmap(l, o->userns_fd) : 0;
}
