/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "basic/fs-util.h"
#include "basic/parse-util.h"
#include "console-attach.h"
#include "control.h"
#include "log.h"
#include "state.h"

#define CONTROL_MESSAGE_MAX 256
/* A console-log answer comes as packets of 'd' and up to this much data, then the usual answer. */
#define CONTROL_DATA_MAX (16 * 1024)

struct Control {
        EventSource *source;
        int fd;
        char *path;
        char *machine;
        const ControlOps *ops;
        void *userdata;
};

static int socket_address(const char *path, struct sockaddr_un *ret) {
        if (strlen(path) >= sizeof ret->sun_path)
                return -ENAMETOOLONG;
        *ret = (struct sockaddr_un) { .sun_family = AF_UNIX };
        strcpy(ret->sun_path, path);
        return 0;
}

/* Runs one request; returns what the answer reports. */
static int dispatch(Control *c, const char *request) {
        const char *arg;
        int sig;

        if (streq(request, "stop")) {
                int r = c->ops->stop(c->userdata);

                if (r >= 0)
                        (void) machine_state_set_state(c->machine, "stopping");
                return r;
        }
        if (streq(request, "reboot"))
                return c->ops->reboot(c->userdata);
        if ((arg = startswith(request, "kill "))) {
                if (safe_atoi(arg, &sig) < 0 || sig <= 0 || sig >= _NSIG)
                        return -EINVAL;
                return c->ops->kill(c->userdata, sig);
        }
        if ((arg = startswith(request, "limit ")) && c->ops->set_limit)
                return c->ops->set_limit(c->userdata, arg);
        if ((streq(request, "freeze") || streq(request, "thaw")) && c->ops->freeze) {
                bool freeze = streq(request, "freeze");
                int r = c->ops->freeze(c->userdata, freeze);

                if (r > 0)
                        (void) machine_state_set_state(c->machine, freeze ? "frozen" : "running");
                return r;
        }
        return -EOPNOTSUPP;
}

static int send_data(int fd, const char *p, size_t n) {
        char packet[1 + CONTROL_DATA_MAX];

        while (n > 0) {
                size_t k = MIN(n, (size_t) CONTROL_DATA_MAX);

                packet[0] = 'd';
                memcpy(packet + 1, p, k);
                if (send(fd, packet, k + 1, MSG_NOSIGNAL) < 0)
                        return -errno;
                p += k;
                n -= k;
        }
        return 0;
}

/* console-log [clear]: the ring's contents, oldest first; a peer that does not read is given up on
 * after a second (SO_SNDTIMEO), so the console loop never waits longer. */
static int serve_console_log(Control *c, int fd, bool clear) {
        ConsoleRing *ring = c->ops->console_ring ? c->ops->console_ring(c->userdata) : NULL;
        struct timeval tv = { .tv_sec = 1 };
        const char *a, *b;
        size_t na, nb;
        int r;

        if (!ring)
                return -ENODATA;
        (void) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        console_ring_peek(ring, &a, &na, &b, &nb);
        r = send_data(fd, a, na);
        if (r >= 0)
                r = send_data(fd, b, nb);
        if (r >= 0 && clear)
                console_ring_clear(ring);
        return r;
}

/* "console ROWS COLS": the connection becomes the client's relay (console-attach.h), right after
 * the answer "ok" (sent before the event loop runs again, so before any output). */
static int serve_console(Control *c, int fd, const char *arg, pid_t pid, pid_t *ret_holder) {
        struct winsize ws;

        if (!c->ops->console_attach)
                return -EOPNOTSUPP;
        if (console_attach_parse_winsize(arg, &ws) < 0)
                return -EINVAL;
        return c->ops->console_attach(c->userdata, fd, pid, &ws, ret_holder);
}

/* One connection, one request, one answer. The socket directory is root's alone; the peer's
 * credentials are checked anyway, and a silent peer is given up on after a second. Returns whether
 * the connection was taken over (console). */
static bool serve_connection(Control *c, int fd) {
        struct timeval tv = { .tv_sec = 1 };
        struct ucred cred;
        socklen_t len = sizeof cred;
        char buf[CONTROL_MESSAGE_MAX + 1], answer[48];
        const char *arg = NULL;
        pid_t holder = 0;
        ssize_t n;
        int r;

        (void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != 0)
                r = -EPERM;
        else {
                /* MSG_TRUNC: the length of a longer request, which is refused, not cut */
                n = recv(fd, buf, CONTROL_MESSAGE_MAX, MSG_TRUNC);
                if (n <= 0)
                        return false;
                buf[MIN((size_t) n, (size_t) CONTROL_MESSAGE_MAX)] = 0;
                log_debug("Control request '%s' from PID %d", buf, (int) cred.pid);
                if (n > CONTROL_MESSAGE_MAX)
                        r = -EMSGSIZE;
                else if (streq(buf, "console-log") || streq(buf, "console-log clear"))
                        r = serve_console_log(c, fd, streq(buf, "console-log clear"));
                else if ((arg = startswith(buf, "console ")))
                        r = serve_console(c, fd, arg, cred.pid, &holder);
                else
                        r = dispatch(c, buf);
        }
        if (r == -EBUSY && holder > 0)
                snprintf(answer, sizeof answer, "error %d %d", -r, (int) holder);
        else if (r < 0)
                snprintf(answer, sizeof answer, "error %d", -r);
        else
                strcpy(answer, "ok");
        (void) send(fd, answer, strlen(answer), MSG_NOSIGNAL);
        return r >= 0 && arg;
}

static int on_connection(EventSource *s, int fd, uint32_t revents, void *userdata) {
        Control *c = userdata;
        _cleanup_close_ int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

        if (conn >= 0 && serve_connection(c, conn))
                TAKE_FD(conn); /* the console's now */
        return 0;
}

int control_new(Event *e, const char *machine, const ControlOps *ops, void *userdata, Control **ret) {
        _cleanup_(control_freep) Control *c = NULL;
        struct sockaddr_un sa;
        int r;

        c = calloc(1, sizeof *c);
        if (!c || !(c->path = machine_control_path(machine)) || !(c->machine = strdup(machine)))
                return log_oom();
        c->fd = -EBADF;
        c->ops = ops;
        c->userdata = userdata;
        r = mkdir_p(CONTROL_DIR, 0700);
        if (r >= 0)
                r = RET_NERRNO(chmod(CONTROL_DIR, 0700));
        if (r >= 0)
                r = socket_address(c->path, &sa);
        if (r < 0)
                return log_error_errno(r, "Failed to prepare the control socket %s: %m", c->path);
        c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (c->fd < 0)
                return log_error_errno(errno, "Failed to create the control socket: %m");
        (void) unlink(c->path);
        if (bind(c->fd, (struct sockaddr *) &sa, sizeof sa) < 0 || chmod(c->path, 0600) < 0 ||
            listen(c->fd, 8) < 0)
                return log_error_errno(errno, "Failed to listen on %s: %m", c->path);
        r = event_add_io(e, &c->source, c->fd, EPOLLIN, on_connection, c);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the control socket: %m");
        *ret = TAKE_PTR(c);
        return 0;
}

Control *control_free(Control *c) {
        if (!c)
                return NULL;
        c->source = event_source_disable_unref(c->source);
        if (c->fd >= 0 && c->path)
                (void) unlink(c->path);
        safe_close(c->fd);
        free(c->path);
        free(c->machine);
        free(c);
        return NULL;
}

/* Removes the sockets in CONTROL_DIR nobody listens on (their nsboot was killed): a socket still
 * being set up already listens when it appears, so it is never taken for a dead one. */
void control_repair(void) {
        _cleanup_(closedirp) DIR *d = opendir(CONTROL_DIR);
        struct dirent *de;

        while (d && (de = readdir(d))) {
                _cleanup_close_ int fd = -EBADF;
                _cleanup_free_ char *path = NULL;
                struct sockaddr_un sa;

                if (de->d_type != DT_SOCK || asprintf(&path, CONTROL_DIR "/%s", de->d_name) < 0 ||
                    socket_address(path, &sa) < 0)
                        continue;
                fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
                if (fd >= 0 && connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0 && errno == ECONNREFUSED) {
                        log_debug("Removing the control socket %s, which nobody serves", path);
                        (void) unlink(path);
                }
        }
}

int control_reboot_signal(const char *kind) {
        return streq_ptr(kind, "busybox") ? SIGTERM : SIGINT;
}

static int parse_answer(const char *answer) {
        int e;

        if (streq(answer, "ok"))
                return 0;
        if (sscanf(answer, "error %d", &e) == 1 && e > 0)
                return -e;
        return -EBADMSG;
}

/* Connects to path and sends request; returns the connected socket. */
static int request_send(const char *path, const char *request, uint64_t timeout_usec) {
        _cleanup_close_ int fd = -EBADF;
        struct timeval tv = { .tv_sec = timeout_usec / 1000000, .tv_usec = timeout_usec % 1000000 };
        struct sockaddr_un sa;
        int r;

        if (strlen(request) > CONTROL_MESSAGE_MAX)
                return -EMSGSIZE;
        r = socket_address(path, &sa);
        if (r < 0)
                return r;
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        /* the send timeout bounds connect() too, when nsboot's backlog is full */
        (void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        (void) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                return -errno;
        if (send(fd, request, strlen(request), MSG_NOSIGNAL) < 0)
                return -errno;
        return TAKE_FD(fd);
}

/* The answer on fd, as a string in buf. */
static int recv_answer(int fd, char *buf, size_t size) {
        ssize_t n = recv(fd, buf, size - 1, 0);

        if (n < 0)
                return -errno;
        if (n == 0)
                return -ECONNRESET;
        buf[n] = 0;
        return 0;
}

int control_request_timeout(const char *path, const char *request, uint64_t timeout_usec) {
        _cleanup_close_ int fd = request_send(path, request, timeout_usec);
        char answer[32];
        int r;

        if (fd < 0)
                return fd;
        r = recv_answer(fd, answer, sizeof answer);
        return r < 0 ? r : parse_answer(answer);
}

int control_request(const char *path, const char *request) {
        return control_request_timeout(path, request, CONTROL_TIMEOUT_USEC);
}

int control_console_open(const char *path, const struct winsize *ws, pid_t *ret_holder) {
        _cleanup_close_ int fd = -EBADF;
        char request[CONTROL_MESSAGE_MAX], answer[48];
        int e, holder = 0, r;

        snprintf(request, sizeof request, "console %u %u", ws->ws_row, ws->ws_col);
        fd = request_send(path, request, CONTROL_TIMEOUT_USEC);
        if (fd < 0)
                return fd;
        r = recv_answer(fd, answer, sizeof answer);
        if (r < 0)
                return r;
        if (sscanf(answer, "error %d %d", &e, &holder) == 2 && e == EBUSY)
                *ret_holder = holder;
        r = parse_answer(answer);
        if (r < 0)
                return r;
        (void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval) {}, sizeof(struct timeval));
        return TAKE_FD(fd);
}

int control_console_log(const char *path, bool clear, int out_fd) {
        _cleanup_close_ int fd = request_send(path, clear ? "console-log clear" : "console-log", CONTROL_TIMEOUT_USEC);
        _cleanup_free_ char *packet = malloc(CONTROL_DATA_MAX + 2);

        if (fd < 0)
                return fd;
        if (!packet)
                return -ENOMEM;
        for (;;) {
                ssize_t n = recv(fd, packet, CONTROL_DATA_MAX + 1, 0);

                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -ECONNRESET;
                if (packet[0] != 'd') {
                        packet[MIN((size_t) n, (size_t) 31)] = 0;
                        return parse_answer(packet);
                }
                for (char *p = packet + 1; p < packet + n;) {
                        ssize_t k = write(out_fd, p, (size_t) (packet + n - p));

                        if (k < 0 && errno != EINTR)
                                return -errno;
                        p += MAX(k, (ssize_t) 0);
                }
        }
}
