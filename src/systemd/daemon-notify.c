/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "daemon-notify.h"

static int notify_address(const char *e, struct sockaddr_un *sa, socklen_t *ret_len) {
        size_t n = strlen(e);

        /* "vsock:CID:PORT" (a VM's manager) is not for a process on the host */
        if (!IN_SET(e[0], '/', '@'))
                return -EAFNOSUPPORT;
        if (n < 2 || n >= sizeof sa->sun_path)
                return -EINVAL;
        *sa = (struct sockaddr_un) { .sun_family = AF_UNIX };
        memcpy(sa->sun_path, e, n);
        if (e[0] == '@')
                sa->sun_path[0] = 0; /* abstract: no trailing NUL in the address */
        *ret_len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n + (e[0] == '/'));
        return 0;
}

int daemon_notify(int unset_environment, const char *state) {
        const char *e = getenv("NOTIFY_SOCKET");
        struct sockaddr_un sa;
        socklen_t len;
        int fd, r;

        if (!e)
                return 0;
        r = notify_address(e, &sa, &len);
        if (r >= 0) {
                fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                if (fd < 0)
                        r = -errno;
                else {
                        if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *) &sa, len) < 0)
                                r = -errno;
                        else
                                r = 1;
                        safe_close(fd);
                }
        }
        if (unset_environment)
                (void) unsetenv("NOTIFY_SOCKET");
        return r;
}

int daemon_notifyf(int unset_environment, const char *format, ...) {
        _cleanup_free_ char *p = NULL;
        va_list ap;
        int r;

        va_start(ap, format);
        r = vasprintf(&p, format, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        return daemon_notify(unset_environment, p);
}
