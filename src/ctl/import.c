/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "detached.h"
#include "image.h"
#include "import.h"
#include "log.h"
#include "tree.h"

/* Compressed files: tar reads compressed tarballs itself; a compressed disk image (.raw.xz, as OS
 * vendors and mkosi ship them) is decompressed to a file first. Told apart by the decompressed
 * data's first block. */
static const struct {
        size_t size;
        const char *magic;
        const char *tool;
} compressions[] = {
        { 2, "\x1f\x8b", "gzip" },
        { 6, "\xfd" "7zXZ\0", "xz" },
        { 4, "\x28\xb5\x2f\xfd", "zstd" },
        { 3, "BZh", "bzip2" },
};

#define TAR_MAGIC_OFFSET 257

static bool is_tar(const char head[static 512]) {
        return memcmp(head + TAR_MAGIC_OFFSET, "ustar", 5) == 0;
}

typedef enum FromKind {
        FROM_IMAGE,             /* anything else; libblkid says whether it is one */
        FROM_TARBALL,
        FROM_COMPRESSED_IMAGE,
} FromKind;

/* The first block of from decompressed by tool, as far as there is one (zeros after). */
static int decompressed_head(const char *from, const char *tool, char head[static 512]) {
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        size_t n = 0;
        pid_t pid;

        memset(head, 0, 512);
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

                if (dup2(p[1], STDOUT_FILENO) < 0 || (null >= 0 && dup2(null, STDERR_FILENO) < 0))
                        _exit(127);
                execlp(tool, tool, "-dc", "--", from, (char *) NULL);
                _exit(127);
        }
        p[1] = safe_close(p[1]);
        while (n < 512) {
                ssize_t k = read(p[0], head + n, 512 - n);

                if (k <= 0)
                        break;
                n += (size_t) k;
        }
        /* Enough read: the rest it writes meets a closed pipe. */
        p[0] = safe_close(p[0]);
        (void) kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        return (int) n;
}

/* Opens from and tells what it is; logs why it is neither file nor block device. */
static int from_kind(const char *from, FromKind *ret, const char **ret_tool) {
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
        *ret = is_tar(head) ? FROM_TARBALL : FROM_IMAGE;
        *ret_tool = NULL;
        for (size_t i = 0; i < ELEMENTSOF(compressions); i++) {
                char inner[512];
                int n;

                if (memcmp(head, compressions[i].magic, compressions[i].size) != 0)
                        continue;
                n = decompressed_head(from, compressions[i].tool, inner);
                if (n < 0)
                        return log_error_errno(n, "--from=%s: cannot run %s: %m", from, compressions[i].tool);
                /* Not even a block (a broken file, or no tool): tar says what is wrong. */
                *ret = n < 512 || is_tar(inner) ? FROM_TARBALL : FROM_COMPRESSED_IMAGE;
                *ret_tool = compressions[i].tool;
        }
        return 0;
}

static int not_an_os(const char *from) {
        return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                               "--from=%s: no /etc/os-release or /usr/lib/os-release in it: not an OS tree", from);
}

static int import_tarball(const char *from, const char *dir, Progress *p) {
        const char *argv[] = { "tar", "--extract", "--numeric-owner", "--preserve-permissions", "--xattrs",
                               "--xattrs-include=*", "--acls", "--file", from, "--directory", dir, NULL };
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

/* Decompressed beside the new tree (the same file system, which has room for the tree anyway),
 * hidden, and removed whatever happens. */
static int import_compressed_image(const char *from, const char *tool, const char *dir, Progress *p) {
        const char *argv[] = { "sh", "-c", "exec \"$0\" -dc -- \"$1\" >\"$2\"", tool, from, NULL, NULL };
        _cleanup_free_ char *raw = NULL;
        int fd, r;

        if (asprintf(&raw, "%s.image", dir) < 0)
                return log_oom();
        fd = open(raw, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return log_error_errno(errno, "Failed to create %s: %m", raw);
        safe_close(fd);
        argv[5] = raw;
        progress_step(p, "Decompressing %s", from);
        r = progress_run(p, argv);
        if (r < 0)
                log_error_errno(r, "--from=%s: cannot decompress the image with %s", from, tool);
        else {
                r = import_image(raw, dir, p);
                if (r < 0)
                        log_error("--from=%s: the image decompressed by %s (%s) cannot be imported", from, tool, raw);
        }
        (void) unlink(raw);
        return r;
}

int import_from(const CtlArgs *a, const char *dir, Progress *p) {
        const char *tool;
        FromKind kind;
        int r;

        r = from_kind(a->from, &kind, &tool);
        if (r < 0)
                return r;
        switch (kind) {
        case FROM_TARBALL:
                return import_tarball(a->from, dir, p);
        case FROM_COMPRESSED_IMAGE:
                return import_compressed_image(a->from, tool, dir, p);
        default:
                return import_image(a->from, dir, p);
        }
}
