/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/mount.h>

#include "basic/fs-util.h"
#include "basic/macro.h"
#include "custom-mount.h"
#include "log.h"
#include "mount.h"
#include "tree.h"

static const struct {
        const char *name;
        unsigned long set, clear;
} mount_flag_table[] = {
        { "ro", MS_RDONLY, 0 },          { "rw", 0, MS_RDONLY },         { "nosuid", MS_NOSUID, 0 },
        { "suid", 0, MS_NOSUID },        { "nodev", MS_NODEV, 0 },       { "dev", 0, MS_NODEV },
        { "noexec", MS_NOEXEC, 0 },      { "exec", 0, MS_NOEXEC },       { "relatime", MS_RELATIME, 0 },
        { "norelatime", 0, MS_RELATIME },{ "noatime", MS_NOATIME, 0 },   { "strictatime", MS_STRICTATIME, 0 },
        { "nodiratime", MS_NODIRATIME, 0 }, { "sync", MS_SYNCHRONOUS, 0 }, { "async", 0, MS_SYNCHRONOUS },
        { "bind", MS_BIND, 0 },          { "rbind", MS_BIND | MS_REC, 0 }, { "norbind", 0, MS_REC },
        { "defaults", 0, 0 },
};

static int add(CustomMounts *l, CustomMount *m) {
        CustomMount *items;

        if (l->n >= CUSTOM_MOUNTS_MAX)
                return -E2BIG;
        items = realloc(l->items, (l->n + 1) * sizeof(CustomMount));
        if (!items)
                return -ENOMEM;
        l->items = items;
        items[l->n++] = *m;
        *m = (CustomMount) {};
        return 0;
}

static void custom_mount_done(CustomMount *m) {
        free(m->source);
        free(m->destination);
        free(m->type);
        free(m->options);
        *m = (CustomMount) {};
}

void custom_mounts_done(CustomMounts *l) {
        for (size_t i = 0; i < l->n; i++)
                custom_mount_done(&l->items[i]);
        free(l->items);
        *l = (CustomMounts) {};
}

static bool path_ok(const char *p) {
        return p && p[0] == '/' && !strstr(p, "/../") && !(strlen(p) >= 3 && streq(p + strlen(p) - 3, "/.."));
}

/* Splits "a,b,c" into MS_* flags, LXC's create=/optional, and the rest for the file system. */
static int parse_options(CustomMount *m, const char *opts) {
        _cleanup_free_ char *copy = strdup(strempty(opts)), *rest = calloc(1, strlen(strempty(opts)) + 1);
        char *save = NULL;

        if (!copy || !rest)
                return -ENOMEM;
        for (char *o = strtok_r(copy, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                bool known = false;

                for (size_t i = 0; i < ELEMENTSOF(mount_flag_table); i++)
                        if (streq(o, mount_flag_table[i].name)) {
                                m->flags = (m->flags | mount_flag_table[i].set) & ~mount_flag_table[i].clear;
                                known = true;
                        }
                if (known)
                        continue;
                if (streq(o, "optional"))
                        m->optional = true;
                else if (streq(o, "create=file"))
                        m->create_file = true;
                else if (streq(o, "create=dir"))
                        ;
                else if (streq(o, "idmap=container"))
                        m->idmap = true;
                else if (startswith(o, "create=") || startswith(o, "idmap=") || streq(o, "relative"))
                        return -EOPNOTSUPP;
                else {
                        if (*rest)
                                strcat(rest, ",");
                        strcat(rest, o);
                }
        }
        if (*rest)
                m->options = TAKE_PTR(rest);
        return 0;
}

int custom_mount_parse_bind_options(CustomMount *m, const char *opts) {
        _cleanup_free_ char *copy = opts ? strdup(opts) : NULL;
        char *save = NULL;

        if (opts && !copy)
                return -ENOMEM;
        for (char *o = copy ? strtok_r(copy, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
                if (streq(o, "rbind"))
                        m->flags |= MS_REC;
                else if (streq(o, "norbind"))
                        m->flags &= ~MS_REC;
                else if (streq(o, "idmap") || streq(o, "noidmap"))
                        m->idmap = streq(o, "idmap");
                else
                        return -EINVAL;
        }
        return 0;
}

int custom_mount_parse_bind(CustomMounts *l, const char *value, bool read_only) {
        _cleanup_(custom_mount_done) CustomMount m = { .flags = MS_BIND | MS_REC };
        _cleanup_free_ char *copy = strdup(value);
        char *dst, *opts = NULL;

        if (!copy)
                return -ENOMEM;
        dst = strchr(copy, ':');
        if (dst) {
                *dst++ = 0;
                opts = strchr(dst, ':');
                if (opts)
                        *opts++ = 0;
        }
        m.source = strdup(copy);
        m.destination = strdup(dst && *dst ? dst : copy);
        if (!m.source || !m.destination)
                return -ENOMEM;
        if (!path_ok(m.source) || !path_ok(m.destination))
                return -EINVAL;
        if (custom_mount_parse_bind_options(&m, opts) < 0)
                return -EINVAL;
        if (read_only)
                m.flags |= MS_RDONLY;
        return add(l, &m);
}

int custom_mount_parse_tmpfs(CustomMounts *l, const char *value) {
        _cleanup_(custom_mount_done) CustomMount m = { .flags = MS_NOSUID | MS_NODEV };
        const char *colon = strchr(value, ':');

        m.destination = colon ? strndup(value, (size_t) (colon - value)) : strdup(value);
        m.source = strdup("tmpfs");
        m.type = strdup("tmpfs");
        m.options = strdup(colon ? colon + 1 : "mode=0755");
        if (!m.destination || !m.source || !m.type || !m.options)
                return -ENOMEM;
        if (!path_ok(m.destination))
                return -EINVAL;
        return add(l, &m);
}

int custom_mount_parse_fstab_line(CustomMounts *l, const char *line) {
        _cleanup_(custom_mount_done) CustomMount m = {};
        char src[4096], dst[4096], type[256], opts[1024] = "defaults";
        int n, r;

        n = sscanf(line, "%4095s %4095s %255s %1023s", src, dst, type, opts);
        if (n < 3)
                return -EINVAL;
        m.source = strdup(src);
        if (asprintf(&m.destination, "%s%s", dst[0] == '/' ? "" : "/", dst) < 0)
                m.destination = NULL;
        if (!m.source || !m.destination)
                return -ENOMEM;
        if (!path_ok(m.destination))
                return -EINVAL;
        r = parse_options(&m, opts);
        if (r < 0)
                return r;
        if (!(m.flags & MS_BIND)) {
                m.type = strdup(type);
                if (!m.type)
                        return -ENOMEM;
        } else if (src[0] != '/')
                return -EINVAL;
        return add(l, &m);
}

int custom_mount_parse_fstab_file(CustomMounts *l, const char *path) {
        _cleanup_(fclosep) FILE *f = fopen(path, "re");
        char line[8192];
        struct stat st;

        if (!f)
                return -errno;
        if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode))
                return -EINVAL;
        while (fgets(line, sizeof line, f)) {
                char *p = line + strspn(line, " \t");
                int r;

                if (*p == '#' || *p == '\n' || !*p)
                        continue;
                r = custom_mount_parse_fstab_line(l, p);
                if (r < 0)
                        return r;
        }
        return 0;
}

char *custom_mount_to_string(const CustomMount *m) {
        char *s;

        /* fstab syntax, so --check output can be pasted back as lxc.mount.entry lines. */
        if (asprintf(&s, "%s %s %s %s%s%s%s%s%s%s%s%s%s", m->source, m->destination, m->type ?: "none",
                     m->flags & MS_BIND ? (m->flags & MS_REC ? "rbind," : "bind,") : "",
                     m->flags & MS_RDONLY ? "ro" : "rw", m->flags & MS_NOSUID ? ",nosuid" : "",
                     m->flags & MS_NODEV ? ",nodev" : "", m->flags & MS_NOEXEC ? ",noexec" : "",
                     m->optional ? ",optional" : "", m->create_file ? ",create=file" : "",
                     m->idmap ? ",idmap" : "", m->options ? "," : "",
                     strempty(m->options)) < 0)
                return NULL;
        return s;
}

/* Creates the mount point inside the tree and opens it with symlinks resolved inside the tree, so
 * a tree can neither redirect a mount of ours nor make us create files on the host. */
static int open_target(const char *root, const CustomMount *m, bool source_is_dir) {
        return tree_open_at_path(root, m->destination,
                                 source_is_dir && !m->create_file ? TREE_CREATE_DIR : TREE_CREATE_FILE, 0);
}

#define MS_BIND_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

int custom_mount_set_attr(int fd, unsigned long flags) {
        struct mount_attr attr = {
                .attr_set = (flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) | (flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
                            (flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) | (flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0),
        };

        return RET_NERRNO(syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (flags & MS_REC ? AT_RECURSIVE : 0),
                                  &attr, sizeof attr));
}

int custom_mount_open_source(const CustomMount *m, int userns_fd, int *ret_fd) {
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns_fd };
        _cleanup_close_ int fd = -EBADF;

        /* Opened by the parent: a guest in a user namespace may not even look up a host path. */
        fd = open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (m->flags & MS_REC ? AT_RECURSIVE : 0));
        if (fd < 0) {
                if (errno == ENOENT && m->optional) {
                        *ret_fd = -EBADF;
                        return 0;
                }
                return log_error_errno(errno, "Cannot bind '%s' into the container: %m", m->source);
        }
        if (m->idmap && userns_fd >= 0 &&
            mount_setattr(fd, "", AT_EMPTY_PATH | (m->flags & MS_REC ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
                return log_error_errno(errno, "Cannot bind '%s' idmapped into the container: %m", m->source);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static int apply_one(const CustomMount *m, int source, const char *root) {
        _cleanup_close_ int target = -EBADF;
        char path[64];
        struct stat st;
        bool is_dir = true;

        if (m->flags & MS_BIND) {
                if (source < 0)
                        return 0; /* an optional source that does not exist */
                if (fstat(source, &st) < 0)
                        return log_error_errno(errno, "Cannot bind '%s' into the container: %m", m->source);
                is_dir = S_ISDIR(st.st_mode);
        }
        target = open_target(root, m, is_dir);
        if (target < 0) {
                if (m->optional)
                        return 0;
                return log_error_errno(target, "Cannot create mount point '%s' in the container: %m", m->destination);
        }
        if (m->flags & MS_BIND) {
                if (move_mount(source, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                        return log_error_errno(errno, "Failed to mount '%s' on '%s' in the container: %m", m->source,
                                               m->destination);
                if (!(m->flags & MS_BIND_FLAGS))
                        return 0;
                /* The whole tree of a recursive bind, as systemd-nspawn does it (mount_setattr). */
                if (custom_mount_set_attr(source, m->flags) < 0)
                        return log_error_errno(errno, "Failed to make '%s' read-only: %m", m->destination);
                return 0;
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", target);
        if (mount(m->source, path, m->type, m->flags, m->options) < 0) {
                if (m->optional)
                        return 0;
                return log_error_errno(errno, "Failed to mount '%s' on '%s' in the container: %m", m->source,
                                       m->destination);
        }
        return 0;
}

int custom_mounts_apply(const CustomMounts *l, const int *sources, const char *root) {
        for (size_t i = 0; i < l->n; i++) {
                int r = apply_one(&l->items[i], sources ? sources[i] : -EBADF, root);

                if (r < 0)
                        return r;
        }
        return 0;
}
