/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "archive-dlopen.h"
#include "copy-stream.h"
#include "log.h"

#define PIPE_BUFFER_SIZE (64 * 1024)
#define DATA_BUFFER_SIZE (64 * 1024)
/* Holes of a sparse file are fed to the pax writer as zeros, which it counts and does not copy:
 * one read-only mapping of the zero page, so that a hole of a terabyte takes a thousand calls. */
#define ZERO_CHUNK_SIZE ((size_t) 1 << 30)
#define XATTRS_MAX 256

/* write_disk's checks as well as ours: no "..", no absolute names, no writes through a symlink,
 * nothing replaced, entries in order (no parents made on the way). */
#define RECEIVE_FLAGS (ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |   \
                       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | ARCHIVE_EXTRACT_NO_OVERWRITE | \
                       ARCHIVE_EXTRACT_NO_AUTODIR | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | \
                       ARCHIVE_EXTRACT_XATTR)

typedef struct Pipe {
        int fd;
        const sigset_t *cancel_mask;
        char buffer[PIPE_BUFFER_SIZE];
} Pipe;

int copy_stream_load(void) {
        return dlopen_libarchive();
}

/* A name from the stream or the guest, fit for a terminal: control characters and bytes above
 * 0x7e as \xNN, at most 200 of them. */
static const char *escape(const char *s, char buf[static 820]) {
        size_t n = 0;

        for (size_t i = 0; s && s[i] && i < 200; i++) {
                unsigned char c = s[i];

                if (c < 0x20 || c >= 0x7f || c == '\\')
                        n += sprintf(buf + n, "\\x%02x", c);
                else
                        buf[n++] = c;
        }
        buf[n] = 0;
        return buf;
}

/* Waits until fd is ready, taking a signal of the cancel mask as the end. */
static int pipe_wait(const Pipe *p, short events) {
        struct pollfd pfd = { .fd = p->fd, .events = events };

        if (!p->cancel_mask)
                return 0;
        if (ppoll(&pfd, 1, NULL, p->cancel_mask) < 0)
                return errno == EINTR ? -ECANCELED : -errno;
        return 0;
}

static la_ssize_t pipe_write(struct archive *a, void *userdata, const void *buf, size_t n) {
        Pipe *p = userdata;
        size_t done = 0;

        while (done < n) {
                int r = pipe_wait(p, POLLOUT);
                ssize_t k;

                if (r >= 0) {
                        k = write(p->fd, (const char *) buf + done, n - done);
                        r = k < 0 ? -errno : 0;
                        if (k > 0)
                                done += k;
                }
                if (r == -EINTR)
                        continue;
                /* the reader went away (a socket says ECONNRESET): as on a pipe, SIGPIPE, which ends
                 * a process that did not ignore it without a word; the reader says why */
                if (IN_SET(r, -EPIPE, -ECONNRESET))
                        (void) raise(SIGPIPE);
                if (r < 0) {
                        sym_archive_set_error(a, -r, "%s", strerror(-r));
                        return -1;
                }
        }
        return n;
}

static la_ssize_t pipe_read(struct archive *a, void *userdata, const void **buf) {
        Pipe *p = userdata;

        for (;;) {
                int r = pipe_wait(p, POLLIN);
                ssize_t k = 0;

                if (r >= 0) {
                        k = read(p->fd, p->buffer, sizeof p->buffer);
                        r = k < 0 ? -errno : 0;
                }
                if (r == -EINTR)
                        continue;
                if (r < 0) {
                        sym_archive_set_error(a, -r, "%s", strerror(-r));
                        return -1;
                }
                *buf = p->buffer;
                return k;
        }
}

static const char *archive_errstr(struct archive *a) {
        return sym_archive_error_string(a) ?: "unknown error";
}

/* Keeps the user.* extended attributes of e only: security.* (file capabilities, SELinux labels),
 * trusted.* and system.* are the host's or the guest's own business. */
static int filter_xattrs(struct archive_entry *e) {
        struct { char *name; void *value; size_t size; } keep[XATTRS_MAX];
        const char *name;
        const void *value;
        size_t size, n = 0;
        int r = 0;

        if (sym_archive_entry_xattr_reset(e) == 0)
                return 0;
        while (sym_archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
                if (!startswith(name, "user."))
                        continue;
                if (n >= XATTRS_MAX) {
                        r = -E2BIG;
                        break;
                }
                keep[n].name = strdup(name);
                keep[n].value = malloc(size ?: 1);
                keep[n].size = size;
                if (keep[n].value)
                        memcpy(keep[n].value, value, size);
                if (!keep[n].name || !keep[n++].value) {
                        r = -ENOMEM;
                        break;
                }
        }
        sym_archive_entry_xattr_clear(e);
        for (size_t i = 0; i < n; i++) {
                if (r >= 0)
                        sym_archive_entry_xattr_add_entry(e, keep[i].name, keep[i].value, keep[i].size);
                free(keep[i].name);
                free(keep[i].value);
        }
        return r;
}

static const char *type_name(mode_t type) {
        switch (type) {
        case S_IFIFO:
                return "FIFO";
        case S_IFSOCK:
                return "socket";
        case S_IFCHR:
                return "character device";
        case S_IFBLK:
                return "block device";
        default:
                return "file of an unknown type";
        }
}

static bool type_ok(mode_t type) {
        return IN_SET(type, (mode_t) S_IFREG, (mode_t) S_IFDIR, (mode_t) S_IFLNK);
}

/* Feeds n zeros, which the pax writer counts without copying them when they are a hole. */
static int send_zeros(struct archive *out, const void *zeros, int64_t n) {
        while (n > 0) {
                la_ssize_t k = sym_archive_write_data(out, zeros, (size_t) MIN(n, (int64_t) ZERO_CHUNK_SIZE));

                if (k <= 0)
                        return log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot send: %s", archive_errstr(out));
                n -= k;
        }
        return 0;
}

/* Sends [offset, offset + length) of fd; a file that shrank meanwhile is made up with zeros. */
static int send_region(struct archive *out, int fd, const void *zeros, int64_t offset, int64_t length) {
        char buf[DATA_BUFFER_SIZE];

        while (length > 0) {
                ssize_t k = pread(fd, buf, (size_t) MIN(length, (int64_t) sizeof buf), offset);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return log_error_errno(errno, "Cannot read a file to copy: %m");
                if (k == 0)
                        return send_zeros(out, zeros, length);
                if (sym_archive_write_data(out, buf, k) != k)
                        return log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot send: %s", archive_errstr(out));
                offset += k;
                length -= k;
        }
        return 0;
}

/* The size the entry got at its lstat(), following its map of holes: a file that grows while it
 * is copied arrives with the size it had then. */
static int send_data(struct archive *out, struct archive_entry *e, int fd, const void *zeros) {
        int64_t size = sym_archive_entry_size(e), pos = 0, offset, length;
        int r;

        if (sym_archive_entry_sparse_reset(e) == 0)
                return send_region(out, fd, zeros, 0, size);
        while (sym_archive_entry_sparse_next(e, &offset, &length) == ARCHIVE_OK) {
                offset = MIN(MAX(offset, pos), size);
                length = MIN(length, size - offset);
                r = send_zeros(out, zeros, offset - pos);
                if (r >= 0)
                        r = send_region(out, fd, zeros, offset, length);
                if (r < 0)
                        return r;
                pos = offset + length;
        }
        return send_zeros(out, zeros, size - pos);
}

/* The file of a regular entry, opened without blocking (a FIFO swapped in does not hang us) and
 * only if it is still the file that was looked at; else a warning, and the entry is skipped. */
static int open_entry_file(struct archive_entry *e, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        char ebuf[820];

        fd = open(sym_archive_entry_sourcepath(e), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0)
                return log_warning_errno(errno, "Skipping '%s': %m", escape(sym_archive_entry_sourcepath(e), ebuf));
        if (!S_ISREG(st.st_mode) || st.st_ino != (ino_t) sym_archive_entry_ino64(e) ||
            st.st_dev != sym_archive_entry_dev(e)) {
                log_warning("Skipping '%s': it was replaced while copied",
                            escape(sym_archive_entry_sourcepath(e), ebuf));
                return -ESTALE;
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* Renames the entry of the disk walk below name to the stream's root. */
static int rename_entry(struct archive_entry *e, const char *name) {
        _cleanup_free_ char *path = NULL;
        const char *rest = startswith(sym_archive_entry_pathname(e), name);

        if (!rest || (*rest && *rest != '/'))
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Unexpected entry '%s' below '%s'",
                                       sym_archive_entry_pathname(e), name);
        if (asprintf(&path, COPY_STREAM_ROOT "%s", rest) < 0)
                return log_oom();
        sym_archive_entry_copy_pathname(e, path);
        return 0;
}

typedef struct Sender {
        struct archive *disk, *out;
        struct archive_entry_linkresolver *links;
        const void *zeros;
        const char *name;
} Sender;

static int send_entry(Sender *s, struct archive_entry *e) {
        struct archive_entry *sparse = NULL, *linked = e;
        _cleanup_close_ int fd = -EBADF;
        mode_t type = sym_archive_entry_filetype(e);
        char ebuf[820];
        int r;

        if (!type_ok(type)) {
                log_warning("Skipping '%s': a %s is not copied", escape(sym_archive_entry_sourcepath(e), ebuf),
                            type_name(type));
                return 0;
        }
        if (type == S_IFREG && open_entry_file(e, &fd) < 0)
                return 0; /* gone, replaced or unreadable: skipped with a warning */
        r = rename_entry(e, s->name);
        if (r >= 0)
                r = filter_xattrs(e);
        if (r < 0)
                return log_error_errno(r, "Cannot send '%s': %m", escape(sym_archive_entry_sourcepath(e), ebuf));
        /* Only one name of a hard-linked file carries its data: the tar strategy sets the link on the
         * later ones. */
        sym_archive_entry_linkify(s->links, &linked, &sparse);
        if (sym_archive_entry_hardlink(e))
                sym_archive_entry_set_size(e, 0);
        if (sym_archive_write_header(s->out, e) < ARCHIVE_WARN)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot send '%s': %s",
                                       escape(sym_archive_entry_sourcepath(e), ebuf), archive_errstr(s->out));
        if (fd >= 0 && !sym_archive_entry_hardlink(e)) {
                r = send_data(s->out, e, fd, s->zeros);
                if (r < 0)
                        return r;
        }
        if (type == S_IFDIR && sym_archive_read_disk_descend(s->disk) < ARCHIVE_WARN)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot read '%s': %s",
                                       escape(sym_archive_entry_sourcepath(e), ebuf), archive_errstr(s->disk));
        return sym_archive_write_finish_entry(s->out) < ARCHIVE_WARN ?
                log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot send: %s", archive_errstr(s->out)) : 0;
}

static int send_all(Sender *s) {
        struct archive_entry *e = sym_archive_entry_new();
        char ebuf[820];
        int r = 0;

        if (!e)
                return log_oom();
        for (;;) {
                int k = sym_archive_read_next_header2(s->disk, e);

                if (k == ARCHIVE_EOF)
                        break;
                if (k < ARCHIVE_WARN) {
                        r = log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot read below '%s': %s",
                                            escape(s->name, ebuf), archive_errstr(s->disk));
                        break;
                }
                if (k == ARCHIVE_WARN)
                        log_warning("%s", archive_errstr(s->disk));
                r = send_entry(s, e);
                if (r < 0)
                        break;
        }
        sym_archive_entry_free(e);
        return r;
}

static int sender_open(Sender *s, Pipe *p) {
        s->disk = sym_archive_read_disk_new();
        s->out = sym_archive_write_new();
        s->links = sym_archive_entry_linkresolver_new();
        if (!s->disk || !s->out || !s->links)
                return log_oom();
        /* Names as bytes, with no conversion: no iconv module is loaded, in a guest least of all. */
        if (sym_archive_read_disk_set_symlink_physical(s->disk) != ARCHIVE_OK ||
            sym_archive_read_disk_set_behavior(s->disk, ARCHIVE_READDISK_NO_ACL | ARCHIVE_READDISK_NO_FFLAGS) != ARCHIVE_OK ||
            sym_archive_write_set_format_pax(s->out) != ARCHIVE_OK ||
            sym_archive_write_set_format_option(s->out, "pax", "hdrcharset", "BINARY") != ARCHIVE_OK ||
            sym_archive_write_set_bytes_in_last_block(s->out, 1) != ARCHIVE_OK)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot set up the copy stream: %s", archive_errstr(s->out));
        sym_archive_entry_linkresolver_set_strategy(s->links, ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE);
        if (sym_archive_write_open(s->out, p, NULL, pipe_write, NULL) != ARCHIVE_OK)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot open the copy stream: %s", archive_errstr(s->out));
        if (sym_archive_read_disk_open(s->disk, s->name) != ARCHIVE_OK)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot read '%s': %s", s->name, archive_errstr(s->disk));
        return 0;
}

int copy_stream_check_source(const char *name, const char *display) {
        struct stat st;

        if (lstat(name, &st) < 0)
                return log_error_errno(errno, "Cannot copy '%s': %m", display);
        if (!type_ok(st.st_mode & S_IFMT))
                return log_error_errno(SYNTHETIC_ERRNO(EBADF), "'%s' is a %s, refusing to copy it", display,
                                       type_name(st.st_mode & S_IFMT));
        return 0;
}

int copy_stream_send(int fd, const char *name, const CopyPolicy *policy) {
        _cleanup_free_ Pipe *p = NULL;
        Sender s = { .name = name };
        int r;

        p = malloc(sizeof *p);
        if (!p)
                return log_oom();
        *p = (Pipe) { .fd = fd, .cancel_mask = policy->cancel_mask };
        s.zeros = mmap(NULL, ZERO_CHUNK_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (s.zeros == MAP_FAILED)
                return log_error_errno(errno, "Cannot map zeros: %m");
        r = sender_open(&s, p);
        if (r >= 0)
                r = send_all(&s);
        if (r >= 0 && sym_archive_write_close(s.out) != ARCHIVE_OK)
                r = log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot send: %s", archive_errstr(s.out));
        if (s.links)
                sym_archive_entry_linkresolver_free(s.links);
        if (s.disk)
                sym_archive_read_free(s.disk);
        if (s.out)
                sym_archive_write_free(s.out);
        munmap((void *) s.zeros, ZERO_CHUNK_SIZE);
        return r;
}

int copy_stream_signal_ready(int fd) {
        return RET_NERRNO(write(fd, "R", 1)) < 0 ? log_error_errno(errno, "Cannot write to the copy stream: %m") : 0;
}

int copy_stream_wait_ready(int fd, const CopyPolicy *policy) {
        Pipe p = { .fd = fd, .cancel_mask = policy->cancel_mask };
        char c;

        for (;;) {
                int r = pipe_wait(&p, POLLIN);
                ssize_t k = 0;

                if (r >= 0) {
                        k = read(fd, &c, 1);
                        r = k < 0 ? -errno : 0;
                }
                if (r == -EINTR)
                        continue;
                if (r < 0)
                        return r;
                return k == 1 && c == 'R';
        }
}

/* "data" or "data/a/b" (a directory's with a "/" at the end): no empty, "." or ".." component. */
static bool name_ok(const char *name, bool root) {
        const char *rest = startswith(name, COPY_STREAM_ROOT);

        if (!rest || (root ? !IN_SET(*rest, 0, '/') : *rest != '/'))
                return false;
        while (*rest == '/' && rest[1] != 0) {
                size_t n = strcspn(++rest, "/");

                if (n == 0 || (n == 1 && rest[0] == '.') || (n == 2 && rest[0] == '.' && rest[1] == '.'))
                        return false;
                rest += n;
        }
        return *rest == 0 || streq(rest, "/");
}

static bool id_mapped(const CopyIdRange *l, size_t n, int64_t id) {
        for (size_t i = 0; i < n; i++)
                if (id >= l[i].first && id - l[i].first < l[i].count)
                        return true;
        return false;
}

/* What the receiving side makes of an entry: its name checked, owners and modes by the policy.
 * -EBADMSG: a hostile stream; 0: skip it; 1: write it. */
static int receive_check(struct archive_entry *e, const CopyPolicy *p, bool first) {
        mode_t type = sym_archive_entry_filetype(e);
        const char *link = sym_archive_entry_hardlink(e);
        char ebuf[820];

        /* a hard link to a file of the stream has no type of its own (pax type '1') */
        if (!name_ok(sym_archive_entry_pathname(e), first) ||
            (link && (!name_ok(link, false) || !IN_SET(type, (mode_t) 0, (mode_t) S_IFREG))))
                return log_error_errno(SYNTHETIC_ERRNO(EBADMSG), "Refusing the entry '%s' of the copy stream",
                                       escape(sym_archive_entry_pathname(e), ebuf));
        if (!link && !type_ok(type)) {
                log_warning("Skipping '%s': a %s is not copied", escape(sym_archive_entry_pathname(e), ebuf),
                            type_name(type));
                return 0;
        }
        if (p->untrusted)
                sym_archive_entry_set_perm(e, sym_archive_entry_perm(e) & ~(mode_t) (S_ISUID | S_ISGID));
        if (!id_mapped(p->uids, p->n_uids, sym_archive_entry_uid(e)))
                sym_archive_entry_set_uid(e, 0);
        if (!id_mapped(p->gids, p->n_gids, sym_archive_entry_gid(e)))
                sym_archive_entry_set_gid(e, 0);
        return filter_xattrs(e) < 0 ? log_oom() : 1;
}

static int receive_data(struct archive *in, struct archive *out, struct archive_entry *e) {
        char ebuf[820];

        for (;;) {
                const void *buf;
                size_t n;
                la_int64_t offset;
                int k = sym_archive_read_data_block(in, &buf, &n, &offset);

                if (k == ARCHIVE_EOF)
                        return 0;
                if (k < ARCHIVE_WARN)
                        return log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot read the copy stream: %s", archive_errstr(in));
                /* a failed write(), ENOSPC say, is only ARCHIVE_WARN to write_disk */
                if (sym_archive_write_data_block(out, buf, n, offset) < ARCHIVE_OK)
                        return log_error_errno(sym_archive_errno(out) ?: EIO, "Cannot write '%s': %m",
                                               escape(sym_archive_entry_pathname(e), ebuf));
        }
}

static int receive_entry(struct archive *in, struct archive *out, struct archive_entry *e, const CopyPolicy *p,
                         bool first) {
        char ebuf[820];
        int r = receive_check(e, p, first);

        if (r <= 0)
                return r < 0 ? r : (sym_archive_read_data_skip(in) < ARCHIVE_WARN ? -EIO : 0);
        r = sym_archive_write_header(out, e);
        if (r == ARCHIVE_WARN)
                log_warning("'%s': %s", escape(sym_archive_entry_pathname(e), ebuf), archive_errstr(out));
        if (r < ARCHIVE_WARN)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot create '%s': %s",
                                       escape(sym_archive_entry_pathname(e), ebuf), archive_errstr(out));
        if (sym_archive_entry_size(e) > 0) {
                r = receive_data(in, out, e);
                if (r < 0)
                        return r;
        }
        r = sym_archive_write_finish_entry(out);
        if (r == ARCHIVE_WARN)
                log_warning("'%s': %s", escape(sym_archive_entry_pathname(e), ebuf), archive_errstr(out));
        return r < ARCHIVE_WARN ? log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot write '%s': %s",
                                                  escape(sym_archive_entry_pathname(e), ebuf), archive_errstr(out)) : 0;
}

static int receive_all(struct archive *in, struct archive *out, const CopyPolicy *p) {
        struct archive_entry *e;
        bool first = true;
        int r;

        for (;; first = false) {
                r = sym_archive_read_next_header(in, &e);
                if (r == ARCHIVE_EOF)
                        break;
                if (r < ARCHIVE_WARN)
                        return log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot read the copy stream: %s", archive_errstr(in));
                r = receive_entry(in, out, e, p, first);
                if (r < 0)
                        return r;
        }
        if (first)
                return log_error_errno(SYNTHETIC_ERRNO(EBADMSG), "The copy stream is empty");
        return 0;
}

int copy_stream_receive(int fd, const CopyPolicy *policy) {
        _cleanup_free_ Pipe *p = NULL;
        struct archive *in = NULL, *out = NULL;
        int r;

        p = malloc(sizeof *p);
        if (!p)
                return log_oom();
        *p = (Pipe) { .fd = fd, .cancel_mask = policy->cancel_mask };
        in = sym_archive_read_new();
        out = sym_archive_write_disk_new();
        if (!in || !out)
                r = log_oom();
        else if (sym_archive_read_support_format_tar(in) != ARCHIVE_OK ||
                 sym_archive_write_disk_set_options(out, RECEIVE_FLAGS | (policy->untrusted ? 0 : ARCHIVE_EXTRACT_OWNER)) != ARCHIVE_OK ||
                 sym_archive_read_open(in, p, NULL, pipe_read, NULL) != ARCHIVE_OK)
                r = log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot open the copy stream: %s", archive_errstr(in));
        else
                r = receive_all(in, out, policy);
        /* Directories get their modes and times last, when the writer closes. */
        if (r >= 0 && sym_archive_write_close(out) < ARCHIVE_WARN)
                r = log_error_errno(SYNTHETIC_ERRNO(EIO), "Cannot finish the copy: %s", archive_errstr(out));
        if (in)
                sym_archive_read_free(in);
        if (out)
                sym_archive_write_free(out);
        return r;
}

int copy_id_ranges_parse(const char *text, CopyIdRange **ret, size_t *ret_n) {
        _cleanup_free_ CopyIdRange *l = NULL;
        size_t n = 0;

        for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                unsigned long first, outside, count;
                CopyIdRange *m;

                if (sscanf(line, "%lu %lu %lu", &first, &outside, &count) != 3)
                        continue;
                m = reallocarray(l, n + 1, sizeof *l);
                if (!m)
                        return -ENOMEM;
                l = m;
                l[n++] = (CopyIdRange) { .first = first, .count = count };
        }
        *ret = TAKE_PTR(l);
        *ret_n = n;
        return 0;
}
