/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detached.h"
#include "image.h"
#include "import.h"
#include "log.h"
#include "tree.h"

/* What tar reads (it finds the decompressor from the same magic numbers); anything else is taken
 * for a disk image, and libblkid says whether it is one. */
static const struct {
        size_t offset;
        size_t size;
        const char *magic;
} tarball_magic[] = {
        { 0, 2, "\x1f\x8b" },                   /* gzip */
        { 0, 6, "\xfd" "7zXZ\0" },              /* xz */
        { 0, 4, "\x28\xb5\x2f\xfd" },           /* zstd */
        { 0, 3, "BZh" },                        /* bzip2 */
        { 257, 5, "ustar" },                    /* POSIX and GNU tar */
};

/* Opens a->from and tells whether it is a tarball; logs why it is neither file nor block device. */
static int from_is_tarball(const char *from, bool *ret) {
        _cleanup_close_ int fd = open(from, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        char head[512] = {};
        struct stat st;

        if (fd < 0)
                return log_error_errno(errno, "--from=%s: %m", from);
        if (fstat(fd, &st) < 0)
                return log_error_errno(errno, "--from=%s: %m", from);
        if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
                return log_error_errno(SYNTHETIC_ERRNO(EBADFD), "--from=%s: not a regular file or block device",
                                       from);
        if (S_ISREG(st.st_mode) && st.st_size == 0)
                return log_error_errno(SYNTHETIC_ERRNO(EBADMSG), "--from=%s: the file is empty", from);
        if (pread(fd, head, sizeof head, 0) < 0)
                return log_error_errno(errno, "--from=%s: %m", from);
        *ret = false;
        for (size_t i = 0; i < ELEMENTSOF(tarball_magic); i++)
                if (memcmp(head + tarball_magic[i].offset, tarball_magic[i].magic, tarball_magic[i].size) == 0)
                        *ret = true;
        return 0;
}

static int not_an_os(const char *from) {
        return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                               "--from=%s: no /etc/os-release or /usr/lib/os-release in it: not an OS tree", from);
}

static int import_tarball(const char *from, const char *dir, Progress *p) {
        const char *argv[] = { "tar", "--extract", "--numeric-owner", "--preserve-permissions", "--xattrs",
                               "--xattrs-include=*", "--file", from, "--directory", dir, NULL };
        _cleanup_close_ int root = -EBADF;
        int r;

        if (mkdir(dir, 0755) < 0)
                return log_error_errno(errno, "Failed to create %s: %m", dir);
        progress_step(p, "Unpacking %s", from);
        r = progress_run(p, argv);
        if (r < 0)
                return log_error_errno(r, "--from=%s: cannot unpack the tarball", from);
        root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (root < 0 || !tree_has_os_release(root))
                return not_an_os(from);
        return 0;
}

/* The image's file systems as one detached tree, read-only. */
static int image_mount_tree(const char *from, int *ret_fd) {
        _cleanup_(detached_mounts_done) DetachedMounts l = {};
        int r;

        r = image_open(from, /* read_only= */ true, /* policy= */ NULL, &l);
        if (r < 0)
                return r;
        return detached_mounts_assemble_root(&l, ret_fd);
}

/* cp -T . DIR in the image's root, which exists only as our file descriptor: never in a mount
 * table, and gone with the last process that has it open or as its working directory. */
static int import_image(const char *from, const char *dir, Progress *p) {
        const char *argv[] = { "cp", "--recursive", "--no-dereference",
                               "--preserve=mode,ownership,timestamps,links,xattr", "--no-target-directory", ".",
                               dir, NULL };
        _cleanup_close_ int image = -EBADF, root = -EBADF;
        int r;

        progress_step(p, "Mounting the file systems of %s", from);
        r = image_mount_tree(from, &image);
        if (r < 0)
                return r;
        if (!tree_has_os_release(image))
                return not_an_os(from);
        progress_step(p, "Copying the tree");
        r = progress_run_at(p, image, argv);
        if (r < 0)
                return log_error_errno(r, "--from=%s: cannot copy the tree out of the image", from);
        /* An empty lost+found of ext2/3/4 means nothing in a directory tree. */
        root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (root >= 0)
                (void) unlinkat(root, "lost+found", AT_REMOVEDIR);
        return 0;
}

int import_from(const CtlArgs *a, const char *dir, Progress *p) {
        bool tarball;
        int r;

        r = from_is_tarball(a->from, &tarball);
        if (r < 0)
                return r;
        return tarball ? import_tarball(a->from, dir, p) : import_image(a->from, dir, p);
}
