/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "console-attach.h"
#include "log.h"

#define ESCAPE_BYTE 0x1D                /* Ctrl-] */
#define OUT_MAX (64 * 1024)             /* guest output held for a client that reads slower */
#define OUT_PACKET_MAX (16 * 1024)
#define PACKETS_PER_WAKEUP 64           /* input packets read at once, so output is not starved */

struct ConsoleAttach {
        EventSource *source;
        int fd;
        pid_t pid;
        const ConsoleAttachOps *ops;
        void *userdata;
        bool input;
        bool failed;                    /* a send failed: nothing more is queued, EPOLLHUP follows */
        size_t len;
        char buf[OUT_MAX];
};

static void update_events(ConsoleAttach *a) {
        (void) event_source_set_io_events(a->source, (a->input ? EPOLLIN : 0) | (a->len > 0 ? EPOLLOUT : 0));
}

/* Sends what is queued, as far as the socket takes it without waiting. */
static void flush(ConsoleAttach *a) {
        char packet[1 + OUT_PACKET_MAX];
        size_t off = 0;

        while (off < a->len) {
                size_t k = MIN(a->len - off, (size_t) OUT_PACKET_MAX);

                packet[0] = 'd';
                memcpy(packet + 1, a->buf + off, k);
                if (send(a->fd, packet, k + 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno != EAGAIN) {
                                a->failed = true;
                                off = a->len;
                        }
                        break;
                }
                off += k;
        }
        memmove(a->buf, a->buf + off, a->len - off);
        a->len -= off;
}

void console_attach_write(ConsoleAttach *a, const char *buf, size_t n) {
        size_t k;

        if (!a || a->failed)
                return;
        k = MIN(n, OUT_MAX - a->len);
        if (k < n)
                log_debug("Console client (nsbootctl PID %d) does not read, dropping %zu bytes", (int) a->pid, n - k);
        memcpy(a->buf + a->len, buf, k);
        a->len += k;
        flush(a);
        update_events(a);
}

void console_attach_input_enable(ConsoleAttach *a, bool enable) {
        if (!a || a->input == enable)
                return;
        a->input = enable;
        update_events(a);
}

int console_attach_parse_winsize(const char *s, struct winsize *ret) {
        unsigned rows, cols;
        int n = 0;

        if (sscanf(s, "%u %u%n", &rows, &cols, &n) != 2 || s[n] || rows > USHRT_MAX || cols > USHRT_MAX)
                return -EINVAL;
        *ret = (struct winsize) { .ws_row = rows, .ws_col = cols };
        return 0;
}

/* Reads one packet of the client: > 0 handled, 0 none waiting, < 0 the client is gone or broke the
 * protocol. */
static int read_packet(ConsoleAttach *a) {
        char p[1 + CONSOLE_ATTACH_INPUT_MAX + 1];
        struct winsize ws;
        ssize_t n;

        n = recv(a->fd, p, sizeof p - 1, MSG_DONTWAIT);
        if (n < 0)
                return IN_SET(errno, EAGAIN, EINTR) ? 0 : -errno;
        if (n == 0)
                return -ECONNRESET;
        if (p[0] == 'd' && n <= 1 + CONSOLE_ATTACH_INPUT_MAX) {
                a->ops->input(a->userdata, p + 1, (size_t) n - 1);
                return 1;
        }
        p[n] = 0;
        if (p[0] == 'w' && p[1] == ' ' && console_attach_parse_winsize(p + 2, &ws) >= 0) {
                a->ops->resize(a->userdata, &ws);
                return 1;
        }
        return -EBADMSG;
}

static int on_io(EventSource *s, int fd, uint32_t revents, void *userdata) {
        ConsoleAttach *a = userdata;
        int r = 0;

        if (revents & EPOLLOUT)
                flush(a);
        for (unsigned i = 0; a->input && !a->failed && i < PACKETS_PER_WAKEUP; i++) {
                r = read_packet(a);
                if (r <= 0)
                        break;
        }
        if (r < 0 || a->failed || (!(revents & EPOLLIN) && (revents & (EPOLLHUP | EPOLLERR)))) {
                log_debug("Console client (nsbootctl PID %d) detached", (int) a->pid);
                a->ops->gone(a->userdata); /* frees a */
                return 0;
        }
        update_events(a);
        return 0;
}

int console_attach_new(Event *e, int fd, pid_t pid, const ConsoleAttachOps *ops, void *userdata,
                       ConsoleAttach **ret) {
        _cleanup_(console_attach_freep) ConsoleAttach *a = calloc(1, sizeof(ConsoleAttach));
        int r;

        if (!a)
                return log_oom();
        a->fd = -EBADF;
        a->pid = pid;
        a->ops = ops;
        a->userdata = userdata;
        a->input = true;
        r = event_add_io(e, &a->source, fd, EPOLLIN, on_io, a);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the console client's connection: %m");
        a->fd = fd;
        log_debug("Console client (nsbootctl PID %d) attached", (int) pid);
        *ret = TAKE_PTR(a);
        return 0;
}

ConsoleAttach *console_attach_free(ConsoleAttach *a) {
        if (!a)
                return NULL;
        if (a->fd >= 0)
                flush(a); /* the guest's last words, as far as the socket takes them now */
        event_source_disable_unref(a->source);
        safe_close(a->fd);
        free(a);
        return NULL;
}

pid_t console_attach_pid(const ConsoleAttach *a) {
        return a ? a->pid : 0;
}

size_t console_attach_filter(bool *pending, char *buf, size_t n, bool *ret_detach) {
        size_t w = 0;

        *ret_detach = false;
        if (*pending) {
                memmove(buf + 1, buf, n);
                buf[0] = ESCAPE_BYTE;
                n++;
                *pending = false;
        }
        for (size_t i = 0; i < n; i++) {
                if (buf[i] != ESCAPE_BYTE) {
                        buf[w++] = buf[i];
                        continue;
                }
                if (i + 1 == n) {
                        *pending = true;
                        break;
                }
                if (buf[i + 1] == CONSOLE_ATTACH_DETACH_KEY) {
                        *ret_detach = true;
                        break;
                }
                buf[w++] = ESCAPE_BYTE;
                if (buf[i + 1] == ESCAPE_BYTE)
                        i++;
        }
        return w;
}
