/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/epoll.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>

#include "console.h"
#include "log.h"

#define ESCAPE_BYTE 0x1D           /* Ctrl-] */
#define ESCAPE_WINDOW_USEC 1000000 /* three presses within one second, as systemd-nspawn */
#define BUF_SIZE 4096
#define OUT_MAX (64 * 1024)        /* guest output held while our terminal does not take it */
#define DRAIN_USEC 2000000         /* at the end: how long a stalled terminal may hold up the last output */

struct Console {
        sd_event *event;
        int master;
        int out;                        /* our own non-blocking description of stdout */
        ConsoleMode mode;
        sd_event_source *master_source, *stdin_source, *out_source;
        char in_buf[BUF_SIZE];          /* read from stdin, not yet written to the guest */
        size_t in_len;
        char out_buf[OUT_MAX];          /* read from the guest, not yet written to stdout */
        size_t out_len;
        EscapeState escape;
        ConsoleEscapeHandler on_escape;
        void *userdata;
};

/* Ctrl-] three times within a second anywhere in the input: kill. Ctrl-] twice, then 'p' or 'r' right
 * after: a clean poweroff or reboot (systemd-nspawn 258's keys). */
ConsoleEscape console_escape_feed(EscapeState *st, const char *buf, size_t n, uint64_t now_usec) {
        for (size_t i = 0; i < n; i++) {
                unsigned char b = (unsigned char) buf[i];
                bool armed = st->after_escape && st->n >= 2 && now_usec - st->presses[st->n - 2] <= ESCAPE_WINDOW_USEC;

                st->after_escape = b == ESCAPE_BYTE;
                if (armed && IN_SET(b, 'p', 'r')) {
                        st->n = 0;
                        return b == 'p' ? CONSOLE_ESCAPE_POWEROFF : CONSOLE_ESCAPE_REBOOT;
                }
                if (b != ESCAPE_BYTE)
                        continue;
                if (st->n == 3) {
                        memmove(st->presses, st->presses + 1, 2 * sizeof(uint64_t));
                        st->n = 2;
                }
                st->presses[st->n++] = now_usec;
                if (st->n == 3 && now_usec - st->presses[0] <= ESCAPE_WINDOW_USEC)
                        return CONSOLE_ESCAPE_KILL;
        }
        return CONSOLE_ESCAPE_NONE;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
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

static int on_out(sd_event_source *s, int fd, uint32_t revents, void *userdata);

/* Writes what we hold without ever blocking; returns -EAGAIN while the terminal does not take it. */
static int flush_output(Console *c) {
        while (c->out_len > 0) {
                ssize_t k = write(c->out, c->out_buf, c->out_len);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 && errno == EAGAIN)
                        return -EAGAIN;
                if (k <= 0) {
                        c->out_len = 0; /* our stdout is gone: the guest keeps running, output is dropped */
                        return 0;
                }
                memmove(c->out_buf, c->out_buf + k, c->out_len - (size_t) k);
                c->out_len -= (size_t) k;
        }
        return 0;
}

/* Reads the guest's output while there is room; a full buffer leaves it in the pty, so that the guest's
 * writers wait for our terminal, never our event loop. */
static void read_master(Console *c) {
        for (;;) {
                ssize_t k;

                if (c->out_len == OUT_MAX && flush_output(c) == -EAGAIN)
                        break;
                k = read(c->master, c->out_buf + c->out_len, OUT_MAX - c->out_len);
                if (k <= 0)
                        break; /* EAGAIN: all read; EIO: no slave open right now (guest reopens it) */
                if (c->mode == CONSOLE_PASSIVE)
                        continue;
                c->out_len += (size_t) k;
        }
        if (flush_output(c) == -EAGAIN && !c->out_source &&
            sd_event_add_io(c->event, &c->out_source, c->out, EPOLLOUT, on_out, c) < 0)
                c->out_len = 0; /* cannot wait for it: drop rather than block */
        if (c->out_source)
                (void) sd_event_source_set_enabled(c->out_source, c->out_len > 0 ? SD_EVENT_ON : SD_EVENT_OFF);
}

static int on_out(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Console *c = userdata;

        if (flush_output(c) == 0)
                read_master(c); /* edge-triggered: what waited in the pty gives no new edge */
        return 0;
}

void console_drain(Console *c) {
        uint64_t deadline = now_usec() + DRAIN_USEC;

        if (!c)
                return;
        read_master(c);
        while (c->out_len > 0 && now_usec() < deadline) {
                struct pollfd p = { .fd = c->out, .events = POLLOUT };

                if (poll(&p, 1, 100) < 0 && errno != EINTR)
                        break;
                read_master(c);
        }
}

static int on_master(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Console *c = userdata;

        if (revents & (EPOLLIN | EPOLLHUP))
                read_master(c);
        if (revents & EPOLLOUT)
                flush_input(c);
        return 0;
}

static int on_stdin(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Console *c = userdata;
        ConsoleEscape e;
        ssize_t k;

        k = read(fd, c->in_buf + c->in_len, BUF_SIZE - c->in_len);
        if (k < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (k <= 0) {
                /* EOF or error on our input: the guest keeps running, we stop reading. */
                c->stdin_source = sd_event_source_disable_unref(c->stdin_source);
                return 0;
        }
        e = console_escape_feed(&c->escape, c->in_buf + c->in_len, (size_t) k, now_usec());
        if (e != CONSOLE_ESCAPE_NONE) {
                c->on_escape(c->userdata, e);
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

/* A terminal or pipe is reopened: a description of our own, so O_NONBLOCK does not change it for the
 * processes we share it with (as systemd's pty forwarder does it). A file keeps its description and
 * offset (it never blocks anyway), as does a socket. */
static int open_output(void) {
        struct stat st;
        int fd = -EBADF;

        if (fstat(STDOUT_FILENO, &st) >= 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
                fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        return fd >= 0 ? fd : fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
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
        c->out = open_output();
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
        sd_event_source_disable_unref(c->out_source);
        safe_close(c->master);
        safe_close(c->out);
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
