/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/socket.h>

#include "basic/macro.h"
#include "sync.h"

int sync_pair(int ret[static 2]) {
        return RET_NERRNO(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ret));
}

int sync_send(int sock, SyncStep step, int value, int fd) {
        SyncMessage m = { .step = step, .value = value };
        struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

        if (fd >= 0) {
                struct cmsghdr *c;

                mh.msg_control = &control;
                mh.msg_controllen = sizeof control;
                c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &fd, sizeof(int));
        }
        for (;;) {
                ssize_t n = sendmsg(sock, &mh, MSG_NOSIGNAL);

                if (n >= 0)
                        return 0;
                if (errno != EINTR)
                        return -errno;
        }
}

int sync_recv(int sock, SyncMessage *ret, int *ret_fd) {
        SyncMessage m = {};
        struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
                             .msg_controllen = sizeof control };
        ssize_t n;

        *ret_fd = -EBADF;
        do
                n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if (n == 0)
                return 0;
        if (n != sizeof m)
                return -EBADMSG;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                        memcpy(ret_fd, CMSG_DATA(c), sizeof(int));
        *ret = m;
        return 1;
}

int sync_expect(int sock, SyncStep step) {
        _cleanup_close_ int fd = -EBADF;
        SyncMessage m;
        int r;

        r = sync_recv(sock, &m, &fd);
        if (r < 0)
                return r;
        if (r == 0)
                return -EPIPE;
        return m.step == step ? 0 : -EBADMSG;
}
