/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl console NAME: the caller's terminal on the guest's console (as lxc-console and vzctl
 * console), relayed by the machine's nsboot over its control socket (console-attach.h), which keeps
 * forwarding to its own stdout and log meanwhile. Ctrl-] q detaches; one client at a time. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "console-attach.h"
#include "console.h"
#include "control.h"
#include "ctl.h"
#include "log.h"

#define PACKET_MAX (64 * 1024)

typedef enum RelayEnd {
        RELAY_DETACHED,         /* Ctrl-] q, or the end of a non-terminal stdin */
        RELAY_CLOSED,           /* by nsboot: the machine stopped or reboots */
        RELAY_SIGNALLED,
} RelayEnd;

static void window_size(struct winsize *ret) {
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, ret) < 0 && ioctl(STDIN_FILENO, TIOCGWINSZ, ret) < 0)
                *ret = (struct winsize) {};
}

/* A full socket drops the size: the next SIGWINCH sends it again. */
static int send_winsize(int sock) {
        struct winsize ws;
        char packet[32];

        window_size(&ws);
        snprintf(packet, sizeof packet, "w %u %u", ws.ws_row, ws.ws_col);
        if (send(sock, packet, strlen(packet), MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN)
                return -errno;
        return 0;
}

/* Input for a guest that does not read fills the socket: the packet that did not fit waits here,
 * and the relay waits for room without blocking, so that signals and the detach keys still work. */
typedef struct Input {
        char packet[1 + CONSOLE_ATTACH_INPUT_MAX];
        size_t len;             /* > 0: a packet waits */
        bool pending_escape;    /* a Ctrl-] that ended the last read */
} Input;

/* > 0 sent (or nothing waits), 0 still waiting, < 0 the connection broke. */
static int flush_input(int sock, Input *in) {
        if (in->len == 0)
                return 1;
        if (send(sock, in->packet, in->len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
                return IN_SET(errno, EAGAIN, EINTR) ? 0 : -errno;
        in->len = 0;
        return 1;
}

/* The guest's output: > 0 written, 0 the connection was closed. */
static int on_socket(int sock, char *packet) {
        ssize_t n = recv(sock, packet, PACKET_MAX, 0);

        if (n < 0)
                return IN_SET(errno, EINTR, EAGAIN) ? 1 : -errno;
        if (n == 0)
                return 0;
        if (packet[0] == 'd' && loop_write(STDOUT_FILENO, packet + 1, (size_t) n - 1) < 0)
                return -errno;
        return 1;
}

/* What the caller typed, without the detach keys: > 0 sent or queued, 0 detach. While a packet
 * waits for room, a terminal's keys are still read for the detach keys, and the rest dropped (the
 * guest does not read them anyway); a pipe is not read then. */
static int on_stdin(int sock, Input *in) {
        char buf[1 + CONSOLE_ATTACH_INPUT_MAX], *data = in->len > 0 ? buf : in->packet;
        bool detach;
        ssize_t n;
        size_t k;

        /* one byte less than a packet holds: a Ctrl-] held from the last read may come in front */
        n = read(STDIN_FILENO, data + 1, CONSOLE_ATTACH_INPUT_MAX - 1);
        if (n < 0)
                return IN_SET(errno, EINTR, EAGAIN) ? 1 : -errno;
        if (n == 0)
                return 0;
        k = console_attach_filter(&in->pending_escape, data + 1, (size_t) n, &detach);
        if (detach)
                return 0;
        if (data == buf || k == 0)
                return 1;
        in->packet[0] = 'd';
        in->len = k + 1;
        n = flush_input(sock, in);
        return n < 0 ? (int) n : 1;
}

/* Relays until the caller detaches, nsboot closes the connection or a signal ends us. */
static int relay(int sock, int sigfd, RelayEnd *ret) {
        _cleanup_free_ char *packet = malloc(PACKET_MAX);
        struct pollfd p[3] = {
                { .fd = sock, .events = POLLIN },
                { .fd = STDIN_FILENO, .events = POLLIN },
                { .fd = sigfd, .events = POLLIN },
        };
        bool tty = isatty(STDIN_FILENO);
        Input in = {};
        int r;

        if (!packet)
                return -ENOMEM;
        for (;;) {
                struct signalfd_siginfo si;

                p[0].events = POLLIN | (in.len > 0 ? POLLOUT : 0);
                p[1].events = in.len == 0 || tty ? POLLIN : 0;
                if (poll(p, ELEMENTSOF(p), -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (p[0].revents & POLLOUT) {
                        r = flush_input(sock, &in);
                        if (r < 0)
                                return *ret = RELAY_CLOSED, r;
                }
                if (p[0].revents & ~POLLOUT) {
                        r = on_socket(sock, packet);
                        if (r <= 0)
                                return *ret = RELAY_CLOSED, r;
                }
                if (p[1].revents) {
                        r = on_stdin(sock, &in);
                        if (r <= 0)
                                return *ret = RELAY_DETACHED, r;
                }
                if (p[2].revents && read(sigfd, &si, sizeof si) == sizeof si) {
                        if (si.ssi_signo != SIGWINCH)
                                return *ret = RELAY_SIGNALLED, 0;
                        r = send_winsize(sock);
                        if (r < 0)
                                return *ret = RELAY_CLOSED, r;
                }
        }
}

/* The terminal in raw mode (restored on every way out but SIGKILL: the signals that end us are
 * read from a signalfd) while relaying. */
static int run_session(const char *name, int sock, RelayEnd *ret) {
        static const int signals[] = { SIGWINCH, SIGTERM, SIGINT, SIGHUP, SIGQUIT };
        _cleanup_close_ int sigfd = -EBADF;
        struct termios saved;
        bool raw = false;
        sigset_t mask;
        int r;

        sigemptyset(&mask);
        for (size_t i = 0; i < ELEMENTSOF(signals); i++)
                sigaddset(&mask, signals[i]);
        (void) signal(SIGPIPE, SIG_IGN);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 || (sigfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0)
                return log_error_errno(errno, "Failed to watch signals: %m");
        log_info("Connected to the console of machine '%s'; press Ctrl-] q to detach", name);
        if (isatty(STDIN_FILENO))
                raw = console_raw_enable(STDIN_FILENO, true, &saved) >= 0;
        r = relay(sock, sigfd, ret);
        if (raw)
                console_raw_restore(STDIN_FILENO, &saved);
        return r;
}

int verb_console(const CtlArgs *a) {
        _cleanup_close_ int sock = -EBADF;
        const char *name = a->args[1];
        pid_t holder = 0;
        struct winsize ws;
        MachineState m;
        RelayEnd end = RELAY_DETACHED;
        int r;

        r = ctl_machine_get(name, &m);
        if (r < 0)
                return r;
        window_size(&ws);
        sock = control_console_open(m.control, &ws, &holder);
        if (sock == -EBUSY)
                r = log_error_errno(sock, "The console of machine '%s' is attached already (nsbootctl PID %d); "
                                    "it detaches with Ctrl-] q", name, (int) holder);
        else if (sock == -EOPNOTSUPP)
                r = log_error_errno(sock, "Machine '%s' has no console to attach to: it runs with --console=pipe",
                                    name);
        else if (sock < 0)
                r = log_error_errno(sock, "Failed to attach to the console of machine '%s' (control socket %s): %m",
                                    name, m.control);
        machine_state_done(&m);
        if (r < 0)
                return r;
        r = run_session(name, sock, &end);
        if (r < 0)
                return log_error_errno(r, "The console connection of machine '%s' failed: %m", name);
        if (log_get_max_level() >= LOG_INFO)
                (void) write(STDERR_FILENO, "\n", 1); /* the guest may have left the cursor mid-line */
        if (end == RELAY_CLOSED)
                log_info("The console of machine '%s' was closed: it stopped or reboots", name);
        else
                log_info("Detached from the console of machine '%s'", name);
        return 0;
}
