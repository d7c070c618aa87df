/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sys/inotify.h>

#include "basic/fileio.h"
#include "basic/parse-util.h"
#include "host-limits.h"
#include "log.h"

#define INOTIFY_SYSCTL "fs.inotify.max_user_instances"

/* How many inotify instances can still be created, up to max; -errno on an unexpected failure. */
static int inotify_headroom(unsigned max) {
        int fds[HOST_LIMITS_INOTIFY_NEEDED];
        unsigned n = 0;
        int r = 0;

        if (max > HOST_LIMITS_INOTIFY_NEEDED)
                max = HOST_LIMITS_INOTIFY_NEEDED;
        while (n < max) {
                fds[n] = inotify_init1(IN_CLOEXEC);
                if (fds[n] < 0) {
                        r = errno == EMFILE ? 0 : -errno;
                        break;
                }
                n++;
        }
        for (unsigned i = 0; i < n; i++)
                safe_close(fds[i]);
        return r < 0 ? r : (int) n;
}

static unsigned inotify_limit(void) {
        _cleanup_free_ char *line = NULL;
        unsigned v = 0;

        if (read_one_line("/proc/sys/fs/inotify/max_user_instances", &line) < 0 || safe_atou(line, &v) < 0)
                return 0;
        return v;
}

int host_limits_check_inotify(void) {
        unsigned limit, raise;
        int n;

        n = inotify_headroom(HOST_LIMITS_INOTIFY_NEEDED);
        if (n < 0) {
                log_debug_errno(n, "Cannot probe the inotify instances left: %m");
                return 0;
        }
        if (n >= HOST_LIMITS_INOTIFY_NEEDED)
                return 0;
        limit = inotify_limit();
        raise = limit < 256 ? 1024 : limit * 4;
        if (n == 0)
                return log_error_errno(SYNTHETIC_ERRNO(EMFILE),
                                       "Not booting: root has used up its inotify instances (%s=%u; every running "
                                       "guest's count against root, the owner of its user namespace), so the guest's "
                                       "init would hang. Raise the limit: sysctl -w %s=%u",
                                       INOTIFY_SYSCTL, limit, INOTIFY_SYSCTL, raise);
        log_warning("Only %d inotify instances are left for root (%s=%u; every running guest's count against "
                    "root), a booting guest needs about %d: it may hang. Raise the limit: sysctl -w %s=%u",
                    n, INOTIFY_SYSCTL, limit, HOST_LIMITS_INOTIFY_NEEDED, INOTIFY_SYSCTL, raise);
        return 0;
}
