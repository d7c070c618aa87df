/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "daemon-notify.h"

#include "basic/fs-util.h"
#include "basic/macro.h"
#include "log.h"
#include "notify.h"

struct Notify {
        EventSource *source;
        pid_t leader;
        bool wait_for_ready;
};

int notify_bind(const char *root) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *path = path_join(root, NOTIFY_SOCKET_PATH);
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int one = 1;

        if (!path)
                return log_oom();
        if (strlen(path) >= sizeof sa.sun_path)
                return log_error_errno(SYNTHETIC_ERRNO(ENAMETOOLONG), "Path '%s' is too long for a socket", path);
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return log_error_errno(errno, "Failed to create the notify socket: %m");
        (void) unlink(path);
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                return log_error_errno(errno, "Failed to bind %s: %m", path);
        /* The guest's init runs as root, but any of its processes may send: we check the sender. */
        (void) chmod(path, 0600);
        if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0)
                return log_error_errno(errno, "Failed to enable credentials on the notify socket: %m");
        return TAKE_FD(fd);
}

bool notify_relay(const char *text, size_t n, bool wait_for_ready) {
        bool ready = false;
        size_t i = 0;

        while (i < n) {
                size_t len = strcspn(text + i, "\n");
                const char *line = text + i;

                if (len == 7 && strncmp(line, "READY=1", 7) == 0) {
                        ready = true;
                        if (wait_for_ready)
                                (void) daemon_notify(false, "READY=1\nSTATUS=Container running.");
                } else if (len > 7 && strncmp(line, "STATUS=", 7) == 0)
                        (void) daemon_notifyf(false, "STATUS=Container running: %.*s", (int) (len - 7), line + 7);
                i += len + 1;
        }
        return ready;
}

static int on_datagram(EventSource *s, int fd, uint32_t revents, void *userdata) {
        Notify *n = userdata;
        char buf[4096];
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(struct ucred))];
        } control = {};
        struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf - 1 };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
                             .msg_controllen = sizeof control };
        struct ucred *cred = NULL;
        ssize_t k;

        k = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
        if (k < 0 || (size_t) k >= sizeof buf)
                return 0; /* nothing, or too long for any message worth relaying */
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS)
                        cred = (struct ucred *) CMSG_DATA(c);
                else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        int *fds = (int *) CMSG_DATA(c);

                        for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
                                safe_close(fds[i]);
                }
        /* Only the guest's PID 1 speaks for the guest, as with systemd-nspawn. */
        if (!cred || cred->pid != n->leader)
                return 0;
        buf[k] = 0;
        if (notify_relay(buf, (size_t) k, n->wait_for_ready))
                log_debug("The guest reported READY=1");
        return 0;
}

int notify_new(Event *e, int fd, pid_t leader, bool wait_for_ready, Notify **ret) {
        Notify *n = calloc(1, sizeof(Notify));
        int r;

        if (!n) {
                safe_close(fd);
                return log_oom();
        }
        n->leader = leader;
        n->wait_for_ready = wait_for_ready;
        r = event_add_io(e, &n->source, fd, EPOLLIN, on_datagram, n);
        if (r < 0) {
                safe_close(fd);
                free(n);
                return log_error_errno(r, "Failed to watch the notify socket: %m");
        }
        (void) event_source_set_io_fd_own(n->source, true);
        *ret = n;
        return 0;
}

Notify *notify_free(Notify *n) {
        if (!n)
                return NULL;
        event_source_disable_unref(n->source);
        free(n);
        return NULL;
}
