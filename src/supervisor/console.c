/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/epoll.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>

#include "console.h"
#include "console-attach.h"
#include "console-log.h"
#include "log.h"

#define ESCAPE_BYTE 0x1D           /* Ctrl-] */
#define ESCAPE_WINDOW_USEC 1000000 /* three presses within one second, as systemd-nspawn */
#define BUF_SIZE 4096
#define OUT_MAX (64 * 1024)        /* guest output held while our terminal does not take it */
#define DRAIN_USEC 2000000         /* at the end: how long a stalled terminal may hold up the last output */

/* One way out of the guest: the pty master (or a pipe of its stdout or stderr) to our stdout (or
 * stderr), and to the console log. */
typedef struct Channel {
        Console *console;
        int src;
        int out;                        /* our own non-blocking description of stdout or stderr */
        EventSource *src_source, *out_source;
        char buf[OUT_MAX];              /* read from the guest, not yet written to out */
        size_t len;
} Channel;

struct Console {
        Event *event;
        ConsoleMode mode;
        ConsoleLog *log;                /* not owned */
        Channel ch[2];                  /* the pty master; or the guest's stdout and stderr pipes */
        size_t n_ch;
        EventSource *stdin_source;
        int terminal;                   /* where input comes from and the size is asked: stdin or --console-path's */
        bool escapes;                   /* Ctrl-] keys: on nsboot's own terminal only */
        char in_buf[BUF_SIZE];          /* read from stdin, not yet written to the guest */
        size_t in_len;
        EscapeState escape;
        ConsoleEscapeHandler on_escape;
        void *userdata;
        ConsoleAttach *attach;          /* nsbootctl console, or NULL */
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

static void update_master_events(Console *c) {
        (void) event_source_set_io_events(c->ch[0].src_source, EPOLLIN | EPOLLET | (c->in_len > 0 ? EPOLLOUT : 0));
        if (c->stdin_source)
                (void) event_source_set_enabled(c->stdin_source, c->in_len < BUF_SIZE ? EVENT_ON : EVENT_OFF);
        console_attach_input_enable(c->attach, c->in_len + CONSOLE_ATTACH_INPUT_MAX <= BUF_SIZE);
}

static void flush_input(Console *c) {
        while (c->in_len > 0) {
                ssize_t k = write(c->ch[0].src, c->in_buf, c->in_len);

                if (k < 0)
                        break; /* EAGAIN: wait for EPOLLOUT; EIO: no reader yet, keep it for later */
                memmove(c->in_buf, c->in_buf + k, c->in_len - (size_t) k);
                c->in_len -= (size_t) k;
        }
        update_master_events(c);
}

static int on_out(EventSource *s, int fd, uint32_t revents, void *userdata);

/* Writes what we hold without ever blocking; returns -EAGAIN while the terminal does not take it. */
static int flush_output(Channel *ch) {
        while (ch->len > 0) {
                ssize_t k = write(ch->out, ch->buf, ch->len);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 && errno == EAGAIN)
                        return -EAGAIN;
                if (k <= 0) {
                        ch->len = 0; /* our stdout is gone: the guest keeps running, output is dropped */
                        return 0;
                }
                memmove(ch->buf, ch->buf + k, ch->len - (size_t) k);
                ch->len -= (size_t) k;
        }
        return 0;
}

/* Reads the guest's output while there is room; a full buffer leaves it in the pty, so that the guest's
 * writers wait for our terminal, never our event loop. What is read goes to the log at once: the
 * log is a regular file, which takes it without waiting for a reader. */
static void read_source(Channel *ch) {
        Console *c = ch->console;

        for (;;) {
                ssize_t k;

                if (ch->len == OUT_MAX && flush_output(ch) == -EAGAIN)
                        break;
                k = read(ch->src, ch->buf + ch->len, OUT_MAX - ch->len);
                if (k <= 0)
                        break; /* EAGAIN: all read; EIO: no slave open right now (guest reopens it) */
                console_log_write(c->log, ch->buf + ch->len, (size_t) k);
                console_attach_write(c->attach, ch->buf + ch->len, (size_t) k);
                if (c->mode == CONSOLE_PASSIVE)
                        continue;
                ch->len += (size_t) k;
        }
        if (flush_output(ch) == -EAGAIN && !ch->out_source &&
            event_add_io(c->event, &ch->out_source, ch->out, EPOLLOUT, on_out, ch) < 0)
                ch->len = 0; /* cannot wait for it: drop rather than block */
        if (ch->out_source)
                (void) event_source_set_enabled(ch->out_source, ch->len > 0 ? EVENT_ON : EVENT_OFF);
}

static int on_out(EventSource *s, int fd, uint32_t revents, void *userdata) {
        Channel *ch = userdata;

        if (flush_output(ch) == 0)
                read_source(ch); /* edge-triggered: what waited in the pty gives no new edge */
        return 0;
}

static bool pending(const Console *c) {
        for (size_t i = 0; i < c->n_ch; i++)
                if (c->ch[i].len > 0)
                        return true;
        return false;
}

void console_drain(Console *c) {
        uint64_t deadline = now_monotonic_usec() + DRAIN_USEC;

        if (!c)
                return;
        for (size_t i = 0; i < c->n_ch; i++)
                read_source(&c->ch[i]);
        while (pending(c) && now_monotonic_usec() < deadline) {
                struct pollfd p[2];

                for (size_t i = 0; i < c->n_ch; i++)
                        p[i] = (struct pollfd) { .fd = c->ch[i].len > 0 ? c->ch[i].out : -1, .events = POLLOUT };
                if (poll(p, c->n_ch, 100) < 0 && errno != EINTR)
                        break;
                for (size_t i = 0; i < c->n_ch; i++)
                        read_source(&c->ch[i]);
        }
}

static int on_source(EventSource *s, int fd, uint32_t revents, void *userdata) {
        Channel *ch = userdata;

        if (revents & (EPOLLIN | EPOLLHUP))
                read_source(ch);
        if (revents & EPOLLOUT)
                flush_input(ch->console);
        return 0;
}

static int on_stdin(EventSource *s, int fd, uint32_t revents, void *userdata) {
        Console *c = userdata;
        ConsoleEscape e;
        ssize_t k;

        k = read(fd, c->in_buf + c->in_len, BUF_SIZE - c->in_len);
        if (k < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (k <= 0) {
                /* EOF or error on our input: the guest keeps running, we stop reading. */
                c->stdin_source = event_source_disable_unref(c->stdin_source);
                return 0;
        }
        e = c->escapes ? console_escape_feed(&c->escape, c->in_buf + c->in_len, (size_t) k, now_monotonic_usec())
                       : CONSOLE_ESCAPE_NONE;
        if (e != CONSOLE_ESCAPE_NONE) {
                c->on_escape(c->userdata, e);
                return 0;
        }
        c->in_len += (size_t) k;
        flush_input(c);
        return 0;
}

static int on_sink(EventSource *s, int fd, uint32_t revents, void *userdata) {
        char buf[BUF_SIZE];

        while (read(fd, buf, sizeof buf) > 0)
                ;
        return 0;
}

int console_add_sink(Event *e, int fd, EventSource **ret) {
        int r;

        r = event_add_io(e, ret, fd, EPOLLIN | EPOLLET, on_sink, NULL);
        if (r < 0) {
                safe_close(fd);
                return log_error_errno(r, "Failed to watch a tty of the container: %m");
        }
        (void) event_source_set_io_fd_own(*ret, true);
        return 0;
}

void console_resize(Console *c) {
        struct winsize ws;

        /* while a client is attached, the size is the client's; a serial line has none (0 x 0) */
        if (c && c->mode != CONSOLE_PIPE && !c->attach && ioctl(c->terminal, TIOCGWINSZ, &ws) >= 0 &&
            ws.ws_row > 0 && ws.ws_col > 0)
                (void) ioctl(c->ch[0].src, TIOCSWINSZ, &ws);
}

/* A terminal or pipe is reopened: a description of our own, so O_NONBLOCK does not change it for the
 * processes we share it with (as systemd's pty forwarder does it). A file keeps its description and
 * offset (it never blocks anyway), as does a socket. */
static int open_output(int fd) {
        char path[32];
        struct stat st;
        int r = -EBADF;

        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        if (fstat(fd, &st) >= 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))
                r = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        return r >= 0 ? r : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/* Takes ownership of src. */
static int add_channel(Console *c, int src, int out) {
        Channel *ch = &c->ch[c->n_ch++];
        int r;

        *ch = (Channel) { .console = c, .src = src, .out = open_output(out) };
        r = event_add_io(c->event, &ch->src_source, src, EPOLLIN | EPOLLET, on_source, ch);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the console: %m");
        return 0;
}

static Console *console_alloc(Event *e, ConsoleMode mode, ConsoleLog *log) {
        Console *c = calloc(1, sizeof(Console));

        if (c)
                *c = (Console) { .event = event_ref(e), .mode = mode, .log = log, .terminal = STDOUT_FILENO };
        return c;
}

int console_new(Event *e, int master, int terminal, ConsoleMode mode, ConsoleLog *log,
                ConsoleEscapeHandler on_escape, void *userdata, Console **ret) {
        _cleanup_(console_freep) Console *c = console_alloc(e, mode, log);
        int r;

        if (!c) {
                safe_close(master);
                return log_oom();
        }
        c->on_escape = on_escape;
        c->userdata = userdata;
        c->escapes = terminal < 0;
        if (terminal >= 0)
                c->terminal = terminal;
        r = add_channel(c, master, c->terminal);
        if (r < 0)
                return r;
        if (mode == CONSOLE_INTERACTIVE) {
                r = event_add_io(e, &c->stdin_source, terminal >= 0 ? terminal : STDIN_FILENO, EPOLLIN, on_stdin, c);
                if (r == -EPERM)
                        log_warning("Standard input cannot be polled (a regular file?), the console is read-only");
                else if (r < 0)
                        return log_error_errno(r, "Failed to watch standard input: %m");
        }
        console_resize(c);
        *ret = TAKE_PTR(c);
        return 0;
}

static void on_attach_input(void *userdata, const char *buf, size_t n) {
        Console *c = userdata;

        memcpy(c->in_buf + c->in_len, buf, n); /* input is read only while this fits */
        c->in_len += n;
        flush_input(c);
}

static void on_attach_resize(void *userdata, const struct winsize *ws) {
        Console *c = userdata;

        if (ws->ws_row > 0 && ws->ws_col > 0)
                (void) ioctl(c->ch[0].src, TIOCSWINSZ, ws);
}

static void on_attach_gone(void *userdata) {
        Console *c = userdata;

        c->attach = console_attach_free(c->attach);
        console_resize(c);
}

static const ConsoleAttachOps attach_ops = {
        .input = on_attach_input,
        .resize = on_attach_resize,
        .gone = on_attach_gone,
};

int console_attach(Console *c, int fd, pid_t pid, const struct winsize *ws, pid_t *ret_holder) {
        int r;

        if (!c || c->mode == CONSOLE_PIPE)
                return -EOPNOTSUPP;
        if (c->attach) {
                *ret_holder = console_attach_pid(c->attach);
                return -EBUSY;
        }
        r = console_attach_new(c->event, fd, pid, &attach_ops, c, &c->attach);
        if (r < 0)
                return r;
        on_attach_resize(c, ws);
        update_master_events(c);
        return 0;
}

int console_pipes_make(ConsolePipes *p, bool wanted) {
        *p = (ConsolePipes) { .fds = { { -EBADF, -EBADF }, { -EBADF, -EBADF } } };
        if (!wanted)
                return 0;
        for (int i = 0; i < 2; i++)
                if (pipe2(p->fds[i], O_CLOEXEC) < 0) {
                        console_pipes_done(p);
                        return log_error_errno(errno, "Failed to create the pipes of the guest's output: %m");
                }
        return 0;
}

void console_pipes_child(ConsolePipes *p) {
        for (int i = 0; i < 2; i++)
                if (p->fds[i][1] >= 0)
                        (void) dup2(p->fds[i][1], STDOUT_FILENO + i); /* dup2() clears O_CLOEXEC */
}

int console_pipes_start(ConsolePipes *p, Event *e, ConsoleLog *log) {
        Console *c;
        int r;

        if (p->fds[0][0] < 0)
                return 0;
        c = p->console = console_alloc(e, CONSOLE_PIPE, log);
        if (!c)
                return log_oom();
        for (int i = 0; i < 2; i++) {
                p->fds[i][1] = safe_close(p->fds[i][1]);
                (void) fcntl(p->fds[i][0], F_SETFL, O_NONBLOCK);
                r = add_channel(c, TAKE_FD(p->fds[i][0]), STDOUT_FILENO + i);
                if (r < 0)
                        return r;
        }
        return 0;
}

void console_pipes_done(ConsolePipes *p) {
        p->console = console_free(p->console);
        for (int i = 0; i < 2; i++)
                for (int k = 0; k < 2; k++)
                        p->fds[i][k] = safe_close(p->fds[i][k]);
}

Console *console_free(Console *c) {
        if (!c)
                return NULL;
        console_attach_free(c->attach);
        event_source_disable_unref(c->stdin_source);
        for (size_t i = 0; i < c->n_ch; i++) {
                event_source_disable_unref(c->ch[i].src_source);
                event_source_disable_unref(c->ch[i].out_source);
                safe_close(c->ch[i].src);
                safe_close(c->ch[i].out);
        }
        event_unref(c->event);
        free(c);
        return NULL;
}

int console_raw_enable(int fd, bool keep_output, struct termios *saved) {
        struct termios raw;

        if (tcgetattr(fd, saved) < 0)
                return -errno;
        raw = *saved;
        cfmakeraw(&raw);
        /* Keep output post-processing so our own messages still start at column 0. */
        if (keep_output)
                raw.c_oflag = saved->c_oflag;
        return RET_NERRNO(tcsetattr(fd, TCSANOW, &raw));
}

void console_raw_restore(int fd, const struct termios *saved) {
        (void) tcsetattr(fd, TCSANOW, saved);
}

int console_terminal_open(const char *path, int *ret) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;

        /* O_NONBLOCK: neither a serial line waiting for its carrier nor a FIFO may hang the start. */
        fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "--console-path=%s (lxc.console.path): %m", path);
        if (fstat(fd, &st) < 0)
                return log_error_errno(errno, "--console-path=%s (lxc.console.path): %m", path);
        if (!S_ISCHR(st.st_mode) || !isatty(fd))
                return log_error_errno(SYNTHETIC_ERRNO(ENOTTY),
                                       "--console-path=%s (lxc.console.path) is not a terminal device", path);
        *ret = TAKE_FD(fd);
        return 0;
}
