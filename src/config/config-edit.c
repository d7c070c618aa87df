/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "config-edit.h"
#include "settings-table.h"

/* Whether the line (without its newline) sets a key of def. */
static bool line_sets(const char *line, size_t len, const SettingDef *def) {
        _cleanup_free_ char *copy = strndup(line, len);
        char *key, *eq, *end;
        SettingMatch m;

        if (!copy)
                return false;
        key = copy + strspn(copy, " \t");
        eq = strchr(key, '=');
        if (*key == '#' || !eq)
                return false;
        for (end = eq; end > key && strchr(" \t", end[-1]); end--)
                ;
        *end = 0;
        return settings_table_lookup(key, &m) && !m.rest && m.def == def;
}

int config_set_text(const char *text, const char *key, const char *value, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        SettingMatch want;
        FILE *out;
        int k = 0;

        if (!settings_table_lookup(key, &want) || want.rest)
                return -EINVAL;
        out = open_memstream(&buf, &size);
        if (!out)
                return -ENOMEM;
        for (const char *p = text; *p && k >= 0;) {
                size_t len = strcspn(p, "\n");

                if (!line_sets(p, len, want.def) && (fwrite(p, 1, len, out) != len || fputc('\n', out) == EOF))
                        k = -ENOMEM;
                p += len + (p[len] == '\n');
        }
        if (k >= 0 && fprintf(out, "%s = %s\n", key, value) < 0)
                k = -ENOMEM;
        if (fclose(out) != 0 && k >= 0)
                k = -ENOMEM;
        if (k < 0)
                return k;
        *ret = TAKE_PTR(buf);
        return 0;
}

/* The value of the extended attribute name of fd. */
static int xattr_get(int fd, const char *name, char **ret, size_t *ret_size) {
        _cleanup_free_ char *v = NULL;
        ssize_t n = fgetxattr(fd, name, NULL, 0);

        if (n < 0)
                return -errno;
        v = malloc((size_t) n + 1);
        if (!v)
                return -ENOMEM;
        n = fgetxattr(fd, name, v, (size_t) n);
        if (n < 0)
                return -errno; /* ERANGE: it grew meanwhile; the caller's write fails then */
        *ret = TAKE_PTR(v);
        *ret_size = (size_t) n;
        return 0;
}

/* Every extended attribute of from onto to. system.posix_acl_access is the file's ACL: setfacl(1)
 * and getfacl(1) go through it, and its mask matches the group bits of the mode copied before. */
static int xattrs_copy(int from, int to) {
        _cleanup_free_ char *names = NULL;
        ssize_t n = flistxattr(from, NULL, 0);

        if (n <= 0)
                return n < 0 && errno != ENOTSUP ? -errno : 0;
        names = malloc((size_t) n);
        if (!names)
                return -ENOMEM;
        n = flistxattr(from, names, (size_t) n);
        if (n < 0)
                return -errno;
        for (const char *p = names; p < names + n; p += strlen(p) + 1) {
                _cleanup_free_ char *v = NULL;
                size_t size = 0;
                int r;

                r = xattr_get(from, p, &v, &size);
                if (r >= 0)
                        r = RET_NERRNO(fsetxattr(to, p, v, size, 0));
                /* A label the policy gave the new file may be all this process can have. */
                if (r < 0 && !startswith(p, "security."))
                        return r;
        }
        return 0;
}

int config_write_like(const char *like, const char *path, const char *tmp, const char *text) {
        _cleanup_close_ int from = -EBADF, fd = -EBADF;
        struct stat st;
        int r;

        from = open(like, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (from < 0)
                return -errno;
        if (fstat(from, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        (void) unlink(tmp);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return -errno;
        r = loop_write(fd, text, strlen(text));
        /* fchown() clears the set-id bits: the mode after it (and exactly, whatever the umask). */
        if (r >= 0)
                r = RET_NERRNO(fchown(fd, st.st_uid, st.st_gid));
        if (r >= 0)
                r = RET_NERRNO(fchmod(fd, st.st_mode & 07777));
        if (r >= 0)
                r = xattrs_copy(from, fd);
        if (r >= 0)
                r = RET_NERRNO(rename(tmp, path));
        if (r < 0)
                (void) unlink(tmp);
        return r;
}
