/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <time.h>

#include "console.h"
#include "log.h"

#define ESCAPE_BYTE 0x1D           /* Ctrl-] */
#define ESCAPE_WINDOW_USEC 1000000 /* three presses within one second, as systemd-nspawn */
#define BUF_SIZE 4096

struct Console {
        sd_event *event;
        int master;
        ConsoleMode mode;
        sd_event_source *master_source, *stdin_source;
        char in_buf[BUF_SIZE];          /* read from stdin, not yet written to the guest */
        size_t in_len;
        EscapeState escape;
        ConsoleEscapeHandler on_escape;
        void *userdata;
};

bool console_escape_feed(EscapeState *st, const char *buf, size_t n, uint64_t now_usec) {
        for (size_t i = 0; i < n; i++) {
                if ((unsigned char) buf[i] != ESCAPE_BYTE)
                        continue;
                if (st->n == 3) {
                        memmove(st->presses, st->presses + 1, 2 * sizeof(uint64_t));
                        st->n = 2;
                }
                st->presses[st->n++] = now_usec;
                if (st->n == 3 && now_usec - st->presses[0] <= ESCAPE_WINDOW_USEC)
                        return true;
        }
        return false;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static void write_all_blocking(int fd, const char *p, size_t n) {
        while (n > 0) {
                ssize_t k = write(fd, p, n);

                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN) {
                                struct timespec ts = { .tv_nsec = 1000000 };
                                nanosleep(&ts, NULL);
                                continue;
                        }
                        return; /* our stdout is gone: the guest keeps running, output is dropped */
                }
                p += k;
                n -= (size_t) k;
        }
}

static void update_master_events(Console *c) {
        (void) sd_event_source_set_io_events(c->master_source, EPOLLIN | EPOLLET | (c->in_len > 0 ? EPOLLOUT : 0));
        if (c->stdin_source)
                (void) sd_event_source_set_enabled(c->stdin_source, c->in_len < BUF_SIZE ? SD_EVENT_ON : SD_EVENT_OFF);
}

static void flush_input(Console *c) {
        while (c->in_len > 0) {
                ssize_t k = write(c->master, c->in_buf, c->in_len);

                if (k < 0)
                        break; /* EAGAIN: wait for EPOLLOUT; EIO: no reader yet, keep it for later */
                memmove(c->in_buf, c->in_buf + k, c->in_len - (size_t) k);
                c->in_len -= (size_t) k;
        }
        update_master_events(c);
}

void console_drain(Console *c) {
        char buf[BUF_SIZE];

        if (!c)
                return;
        for (;;) {
                ssize_t k = read(c->master, buf, sizeof buf);

                if (k <= 0)
                        return; /* EAGAIN: all read; EIO: no slave open right now (guest reopens it) */
                if (c->mode != CONSOLE_PASSIVE)
                        write_all_blocking(STDOUT_FILENO, buf, (size_t) k);
        }
}

static int on_master(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Console *c = userdata;

        if (revents & (EPOLLIN | EPOLLHUP))
                console_drain(c);
        if (revents & EPOLLOUT)
                flush_input(c);
        return 0;
}

static int on_stdin(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Console *c = userdata;
        ssize_t k;

        k = read(fd, c->in_buf + c->in_len, BUF_SIZE - c->in_len);
        if (k < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (k <= 0) {
                /* EOF or error on our input: the guest keeps running, we stop reading. */
                c->stdin_source = sd_event_source_disable_unref(c->stdin_source);
                return 0;
        }
        if (console_escape_feed(&c->escape, c->in_buf + c->in_len, (size_t) k, now_usec())) {
                c->on_escape(c->userdata);
                return 0;
        }
        c->in_len += (size_t) k;
        flush_input(c);
        return 0;
}

static int on_sink(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        char buf[BUF_SIZE];

        while (read(fd, buf, sizeof buf) > 0)
                ;
        return 0;
}

int console_add_sink(sd_event *e, int fd, sd_event_source **ret) {
        int r;

        r = sd_event_add_io(e, ret, fd, EPOLLIN | EPOLLET, on_sink, NULL);
        if (r < 0) {
                safe_close(fd);
                return log_error_errno(r, "Failed to watch a tty of the container: %m");
        }
        (void) sd_event_source_set_io_fd_own(*ret, true);
        return 0;
}

void console_resize(Console *c) {
        struct winsize ws;

        if (c && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) >= 0)
                (void) ioctl(c->master, TIOCSWINSZ, &ws);
}

int console_new(sd_event *e, int master, ConsoleMode mode, ConsoleEscapeHandler on_escape, void *userdata,
                Console **ret) {
        _cleanup_(console_freep) Console *c = calloc(1, sizeof(Console));
        int r;

        if (!c) {
                safe_close(master);
                return log_oom();
        }
        *c = (Console) { .event = sd_event_ref(e), .master = master, .mode = mode, .on_escape = on_escape,
                         .userdata = userdata };
        r = sd_event_add_io(e, &c->master_source, master, EPOLLIN | EPOLLET, on_master, c);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the console: %m");
        if (mode == CONSOLE_INTERACTIVE) {
                r = sd_event_add_io(e, &c->stdin_source, STDIN_FILENO, EPOLLIN, on_stdin, c);
                if (r == -EPERM)
                        log_warning("Standard input cannot be polled (a regular file?), the console is read-only");
                else if (r < 0)
                        return log_error_errno(r, "Failed to watch standard input: %m");
        }
        console_resize(c);
        *ret = TAKE_PTR(c);
        return 0;
}

Console *console_free(Console *c) {
        if (!c)
                return NULL;
        sd_event_source_disable_unref(c->master_source);
        sd_event_source_disable_unref(c->stdin_source);
        safe_close(c->master);
        sd_event_unref(c->event);
        free(c);
        return NULL;
}

int console_raw_enable(int fd, struct termios *saved) {
        struct termios raw;

        if (tcgetattr(fd, saved) < 0)
                return -errno;
        raw = *saved;
        cfmakeraw(&raw);
        /* Keep output post-processing so our own messages still start at column 0. */
        raw.c_oflag = saved->c_oflag;
        return RET_NERRNO(tcsetattr(fd, TCSANOW, &raw));
}

void console_raw_restore(int fd, const struct termios *saved) {
        (void) tcsetattr(fd, TCSANOW, saved);
}
