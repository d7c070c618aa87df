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

/* The length of the UTF-8 sequence that s starts with (RFC 3629: no overlong forms, no UTF-16
 * surrogates, nothing above U+10FFFF), or 0 when it starts none. Stops at a NUL. */
static size_t utf8_sequence_len(const unsigned char *s) {
        unsigned char lo = 0x80, hi = 0xbf; /* what the second byte may be */
        size_t n;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                n = 2;
        else if (s[0] >= 0xe0 && s[0] <= 0xef) {
                n = 3;
                lo = s[0] == 0xe0 ? 0xa0 : lo;
                hi = s[0] == 0xed ? 0x9f : hi;
        } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
                n = 4;
                lo = s[0] == 0xf0 ? 0x90 : lo;
                hi = s[0] == 0xf4 ? 0x8f : hi;
        } else
                return 0;
        if (s[1] < lo || s[1] > hi)
                return 0;
        for (size_t i = 2; i < n; i++)
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
        return n;
}

/* JSON text is UTF-8 (RFC 8259, 8.1), but file names and other strings from the system are bytes.
 * Each byte that starts no valid sequence becomes U+FFFD, one per byte, as systemd's
 * utf8_escape_invalid() makes it (sd-json refuses such a string, which would fail a whole listing):
 * every parser reads the output, and the rest of the name stays readable. An escape of the byte
 * itself would name another character (\u00ff is U+00FF), so the replacement is lossy by design. */
void json_string(FILE *f, const char *s) {
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) s; p && *p;) {
                size_t n = utf8_sequence_len(p);

                if (n == 0) {
                        fputs("\\ufffd", f);
                        n = 1;
                } else if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p < 0x20)
                        fprintf(f, "\\u%04x", *p);
                else
                        fwrite(p, 1, n, f);
                p += n;
        }
        fputc('"', f);
}
