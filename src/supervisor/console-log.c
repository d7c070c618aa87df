/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "console-log.h"
#include "console-ring.h"
#include "log.h"

struct ConsoleLog {
        char *path;
        int dir_fd;             /* the file's directory: rotation renames and recreates in it */
        char *name;             /* the file's name in dir_fd */
        int fd;
        uint64_t size;          /* 0: no limit */
        bool rotate;
        bool failed;            /* reported once; nothing more is written */
        ConsoleRing *ring;      /* lxc.console.buffer.size, or NULL */
};

/* O_NONBLOCK: opening a FIFO must not wait for a reader; O_NOFOLLOW: never a symlink's target. */
static int open_file(int dir_fd, const char *name, int extra_flags) {
        _cleanup_close_ int fd = openat(dir_fd, name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
                                                      O_NOCTTY | O_CLOEXEC | extra_flags, 0600);
        struct stat st;

        if (fd < 0)
                return errno == ENXIO ? -EBADFD : -errno; /* a FIFO without reader, a socket */
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        return TAKE_FD(fd);
}

/* Only the ring: no file. */
static int open_ring_only(size_t ring_size, ConsoleLog **ret) {
        ConsoleLog *l = calloc(1, sizeof(ConsoleLog));

        if (!l)
                return log_oom();
        *l = (ConsoleLog) { .dir_fd = -EBADF, .fd = -EBADF, .ring = console_ring_new(ring_size) };
        if (!l->ring)
                return console_log_free(l), log_oom();
        *ret = l;
        return 0;
}

static int open_with_file(const char *path, uint64_t size, bool rotate, size_t ring_size, ConsoleLog **ret) {
        _cleanup_(console_log_freep) ConsoleLog *l = calloc(1, sizeof(ConsoleLog));
        _cleanup_free_ char *dir = strdup(path), *base = strdup(path);
        int r;

        if (!l || !dir || !base)
                return log_oom();
        *l = (ConsoleLog) { .dir_fd = -EBADF, .fd = -EBADF, .size = size, .rotate = rotate };
        if (ring_size > 0 && !(l->ring = console_ring_new(ring_size)))
                return log_oom();
        l->path = strdup(path);
        l->name = strdup(basename(base));
        if (!l->path || !l->name)
                return log_oom();
        l->dir_fd = open(dirname(dir), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (l->dir_fd < 0)
                return log_error_errno(errno, "lxc.console.logfile (--console-log): cannot open the directory of '%s': %m", path);
        r = open_file(l->dir_fd, l->name, 0);
        if (r == -ELOOP)
                return log_error_errno(r, "lxc.console.logfile (--console-log): '%s' is a symbolic link, refusing to follow it", path);
        if (r == -EBADFD)
                return log_error_errno(r, "lxc.console.logfile (--console-log): '%s' is not a regular file", path);
        if (r < 0)
                return log_error_errno(r, "lxc.console.logfile (--console-log): cannot open '%s': %m", path);
        l->fd = r;
        *ret = TAKE_PTR(l);
        return 0;
}

int console_log_open(const char *path, uint64_t size, bool rotate, size_t ring_size, ConsoleLog **ret) {
        return path ? open_with_file(path, size, rotate, ring_size, ret) : open_ring_only(ring_size, ret);
}

/* At the limit: FILE becomes FILE.1 (replacing it) and a new FILE starts, or FILE is emptied. */
static int start_over(ConsoleLog *l) {
        _cleanup_free_ char *old = NULL;
        int fd;

        if (!l->rotate)
                return RET_NERRNO(ftruncate(l->fd, 0));
        if (asprintf(&old, "%s.1", l->name) < 0)
                return -ENOMEM;
        if (renameat(l->dir_fd, l->name, l->dir_fd, old) < 0)
                return -errno;
        /* O_EXCL: a name that reappeared in between is not ours to write to. */
        fd = open_file(l->dir_fd, l->name, O_EXCL);
        if (fd < 0)
                return fd;
        safe_close(l->fd);
        l->fd = fd;
        return 0;
}

/* Piece by piece, so that FILE.1 and FILE always hold the end of the output without a gap, however
 * large the piece read at once. */
static int write_limited(ConsoleLog *l, const char *buf, size_t n) {
        struct stat st;
        uint64_t used;
        int r;

        if (l->size == 0)
                return loop_write(l->fd, buf, n);
        if (fstat(l->fd, &st) < 0)
                return -errno;
        used = (uint64_t) st.st_size;
        while (n > 0) {
                size_t room;

                if (used >= l->size) {
                        r = start_over(l);
                        if (r < 0)
                                return r;
                        used = 0;
                }
                room = (size_t) MIN((uint64_t) n, l->size - used);
                r = loop_write(l->fd, buf, room);
                if (r < 0)
                        return r;
                buf += room;
                n -= room;
                used += room;
        }
        return 0;
}

void console_log_write(ConsoleLog *l, const void *buf, size_t n) {
        int r;

        if (!l || n == 0)
                return;
        console_ring_write(l->ring, buf, n);
        if (l->failed || l->fd < 0)
                return;
        r = write_limited(l, buf, n);
        if (r < 0) {
                l->failed = true;
                log_warning_errno(r, "Failed to write the console log '%s', not logging any more: %m", l->path);
        }
}

ConsoleLog *console_log_free(ConsoleLog *l) {
        if (!l)
                return NULL;
        safe_close(l->fd);
        safe_close(l->dir_fd);
        console_ring_free(l->ring);
        free(l->path);
        free(l->name);
        free(l);
        return NULL;
}

ConsoleRing *console_log_ring(ConsoleLog *l) {
        return l ? l->ring : NULL;
}
