/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detached.h"
#include "id128-util.h"
#include "image.h"
#include "tree-ids.h"
#include "tree.h"

#define SMALL_FILE_MAX 128

/* A small regular file of the tree, opened for reading and writing; 0 and no fd when it is
 * missing, no regular file (a symlink, FIFO, device, directory) or too big to be what we look for. */
static int read_small(int root, const char *path, int *ret_fd, char buf[static SMALL_FILE_MAX]) {
        _cleanup_close_ int fd = -EBADF;
        ssize_t n;
        int r;

        *ret_fd = -EBADF;
        r = tree_open_regular_flags(root, path, O_RDWR | O_NOFOLLOW, &fd);
        if (IN_SET(r, -ENOENT, -ENOTDIR, -EBADFD, -EISDIR, -ELOOP))
                return 0;
        if (r < 0)
                return r;
        n = read(fd, buf, SMALL_FILE_MAX);
        if (n < 0)
                return -errno;
        if (n == SMALL_FILE_MAX)
                return 0;
        buf[n] = 0;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* The whole content of fd becomes s; owner, mode and the inode stay. */
static int rewrite(int fd, const char *s) {
        size_t n = strlen(s);

        if (pwrite(fd, s, n, 0) != (ssize_t) n)
                return errno > 0 ? -errno : -EIO;
        return RET_NERRNO(ftruncate(fd, (off_t) n));
}

static int replace_hostname(int root, const char *name, const char *new_name) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *s = NULL;
        char buf[SMALL_FILE_MAX + 1];
        size_t n;
        int r;

        r = read_small(root, "/etc/hostname", &fd, buf);
        if (r < 0 || fd < 0)
                return r;
        n = strcspn(buf, "\n");
        if (n != strlen(name) || strncmp(buf, name, n) != 0 || (buf[n] && !streq(buf + n, "\n")))
                return 0;
        if (asprintf(&s, "%s%s", new_name, buf + n) < 0)
                return -ENOMEM;
        return rewrite(fd, s);
}

/* The ID in a machine-id file's text (its first line), or -ENOMEDIUM: none to replace. */
static int parse_id(const char *buf, Id128 *ret) {
        _cleanup_free_ char *line = strndup(buf, strcspn(buf, "\n"));

        if (!line)
                return -ENOMEM;
        if (strlen(line) != ID128_STRING_MAX - 1 || id128_from_string(line, ret) < 0 || id128_is_null(*ret))
                return -ENOMEDIUM;
        return 0;
}

/* A machine-id file of the tree holding an ID: its fd, text and ID; fd < 0 when it holds none
 * (missing, empty, "uninitialized", no regular file). */
typedef struct IdFile {
        int fd;
        char text[SMALL_FILE_MAX + 1];
        Id128 id;
} IdFile;

static int id_file_read(int root, const char *path, IdFile *f) {
        int r = read_small(root, path, &f->fd, f->text);

        if (r < 0 || f->fd < 0)
                return r;
        r = parse_id(f->text, &f->id);
        if (r == -ENOMEDIUM)
                f->fd = safe_close(f->fd);
        return r == -ENOMEDIUM ? 0 : r;
}

/* The file gets id, its shape kept: what follows the ID stays. */
static int id_file_write(IdFile *f, Id128 id) {
        _cleanup_free_ char *s = NULL;

        if (asprintf(&s, "%s%s", ID128_TO_STRING(id), f->text + ID128_STRING_MAX - 1) < 0)
                return -ENOMEM;
        return rewrite(f->fd, s);
}

static bool same_inode(int a, int b) {
        struct stat x, y;

        return fstat(a, &x) >= 0 && fstat(b, &y) >= 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* Both files are read before either is written: D-Bus's copy may be a hard link of the other. It
 * gets the same new ID when it had the same old one, else one of its own. */
static int new_machine_ids(int root) {
        IdFile etc = { .fd = -EBADF }, dbus = { .fd = -EBADF };
        Id128 id;
        int r;

        r = id_file_read(root, "/etc/machine-id", &etc);
        if (r >= 0)
                r = id_file_read(root, "/var/lib/dbus/machine-id", &dbus);
        if (r >= 0 && etc.fd >= 0 && (r = id128_randomize(&id)) >= 0)
                r = id_file_write(&etc, id);
        if (r >= 0 && dbus.fd >= 0 && !(etc.fd >= 0 && same_inode(etc.fd, dbus.fd))) {
                if (etc.fd < 0 || !id128_equal(etc.id, dbus.id))
                        r = id128_randomize(&id);
                if (r >= 0)
                        r = id_file_write(&dbus, id);
        }
        safe_close(etc.fd);
        safe_close(dbus.fd);
        return r;
}

static int root_ids(int root, const char *name, const char *new_name, bool keep_machine_id) {
        int r = replace_hostname(root, name, new_name);

        if (r >= 0 && !keep_machine_id)
                r = new_machine_ids(root);
        return r;
}

int tree_ids_set(const char *dir, const char *name, const char *new_name, bool keep_machine_id) {
        _cleanup_close_ int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (root < 0)
                return -errno;
        return root_ids(root, name, new_name, keep_machine_id);
}

int tree_ids_set_image(const char *image, const char *name, const char *new_name, bool keep_machine_id) {
        _cleanup_(detached_mounts_done) DetachedMounts l = {};
        _cleanup_close_ int root = -EBADF;
        int r;

        r = image_open(image, /* read_only= */ false, /* policy= */ NULL, &l);
        if (r >= 0)
                r = detached_mounts_assemble_root(&l, &root);
        if (r >= 0)
                r = root_ids(root, name, new_name, keep_machine_id);
        return r;
}
