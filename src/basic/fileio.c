/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/macro.h"

#define READ_FULL_MAX (1024 * 1024)

int loop_write(int fd, const void *buf, size_t n) {
        const char *s = buf;

        while (n > 0) {
                ssize_t k = write(fd, s, n);

                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                s += k;
                n -= (size_t) k;
        }
        return 0;
}

int write_string_file(const char *path, const char *s) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *line = NULL;
        size_t n = strlen(s);

        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (n == 0 || s[n - 1] != '\n') {
                if (asprintf(&line, "%s\n", s) < 0)
                        return -ENOMEM;
                s = line;
                n++;
        }
        return loop_write(fd, s, n);
}

int write_file_mode(const char *path, const char *s, mode_t mode) {
        _cleanup_close_ int fd = -EBADF;

        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, mode);
        if (fd < 0)
                return -errno;
        return loop_write(fd, s, strlen(s));
}

/* A new file: never through a symlink or into an inode someone else put at path (a copy beside
 * a tree may go to a directory a user can write). A leftover of a killed writer is replaced. */
static int write_new_file(const char *path, const char *s, mode_t mode) {
        _cleanup_close_ int fd = -EBADF;

        (void) unlink(path);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
        if (fd < 0)
                return -errno;
        return loop_write(fd, s, strlen(s));
}

int write_file_atomic(const char *dir, const char *path, const char *tmp, const char *s, mode_t mode) {
        int r;

        r = dir ? mkdir_p(dir, 0755) : 0;
        if (r < 0)
                return r;
        r = write_new_file(tmp, s, mode);
        if (r >= 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0)
                (void) unlink(tmp);
        return r;
}

static int read_full_fd(int fd, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        size_t n = 0, allocated = 4096;

        buf = malloc(allocated);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t k;

                if (n + 1 >= allocated) {
                        char *b;

                        if (allocated >= READ_FULL_MAX)
                                return -EFBIG;
                        allocated *= 2;
                        b = realloc(buf, allocated);
                        if (!b)
                                return -ENOMEM;
                        buf = b;
                }
                k = read(fd, buf + n, allocated - n - 1);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        buf[n] = 0;
        if (ret_size)
                *ret_size = n;
        *ret = TAKE_PTR(buf);
        return 0;
}

int read_full_file(const char *path, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                return -errno;
        return read_full_fd(fd, ret, ret_size);
}

int read_regular_file(const char *path, int flags, char **ret, size_t *ret_size, struct stat *ret_st) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        int r;

        /* O_NONBLOCK: a FIFO at path must not block the open. */
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | flags);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if (fcntl(fd, F_SETFL, 0) < 0)
                return -errno;
        r = read_full_fd(fd, ret, ret_size);
        if (r >= 0 && ret_st)
                *ret_st = st;
        return r;
}

int read_one_line(const char *path, char **ret) {
        char *buf;
        int r;

        r = read_full_file(path, &buf, NULL);
        if (r < 0)
                return r;
        buf[strcspn(buf, "\n")] = 0;
        *ret = buf;
        return 0;
}

void json_string(FILE *f, const char *s) {
        fputc('"', f);
        for (; s && *s; s++) {
                unsigned char ch = (unsigned char) *s;

                if (ch == '"' || ch == '\\')
                        fprintf(f, "\\%c", ch);
                else if (ch < 0x20)
                        fprintf(f, "\\u%04x", ch);
                else
                        fputc(ch, f);
        }
        fputc('"', f);
}
