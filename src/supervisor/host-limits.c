/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <sys/inotify.h>

#include "basic/fileio.h"
#include "basic/parse-util.h"
#include "host-limits.h"
#include "log.h"
#include "userns-owner.h"

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

/* Whose count a guest's instances are charged to, for the messages. */
static const char *owner_name(uid_t owner, char buf[static 48]) {
        if (owner == 0)
                return "root";
        snprintf(buf, 48, "host uid %u", (unsigned) owner);
        return buf;
}

/* The headroom of the owner of the guest's user namespace: probed as that uid. */
static int owner_headroom(const UserNs *u, uid_t *ret_owner) {
        UserNsOwner o;
        int n, r;

        *ret_owner = geteuid();
        if (!u || !u->enabled)
                return inotify_headroom(HOST_LIMITS_INOTIFY_NEEDED);
        r = userns_owner_enter(u->root_uid, u->root_gid, &o);
        if (r < 0) /* clone_child() will fall back to root as the owner too */
                return inotify_headroom(HOST_LIMITS_INOTIFY_NEEDED);
        n = inotify_headroom(HOST_LIMITS_INOTIFY_NEEDED);
        r = userns_owner_leave(&o);
        if (r < 0)
                return log_error_errno(r, "Failed to return to root after probing the inotify instances: %m");
        *ret_owner = u->root_uid;
        return n;
}

int host_limits_check_inotify(const UserNs *u) {
        char buf[48];
        const char *who, *why;
        unsigned limit, raise;
        uid_t owner;
        int n;

        n = owner_headroom(u, &owner);
        if (n < 0) {
                log_debug_errno(n, "Cannot probe the inotify instances left: %m");
                return n == -EPERM || n == -EINVAL ? 0 : n;
        }
        if (n >= HOST_LIMITS_INOTIFY_NEEDED)
                return 0;
        limit = inotify_limit();
        raise = limit < 256 ? 1024 : limit * 4;
        who = owner_name(owner, buf);
        why = owner != 0 ? "the guest's count against this uid, the owner of its user namespace" :
              u && u->enabled && u->root_uid != 0 ? "root owns the guest's user namespace here (nsboot could not switch to its "
                                "root's uid), so the guest counts against root, with root's own processes" :
                                "a guest without a user namespace of its own counts against root, with every "
                                "such guest and root's own processes";
        if (n == 0)
                return log_error_errno(SYNTHETIC_ERRNO(EMFILE),
                                       "Not booting: %s has used up its inotify instances (%s=%u per user; %s), so the "
                                       "guest's init would hang. Raise the limit: sysctl -w %s=%u",
                                       who, INOTIFY_SYSCTL, limit, why, INOTIFY_SYSCTL, raise);
        log_warning("Only %d inotify instances are left for %s (%s=%u per user; %s), a booting guest needs "
                    "about %d: it may hang. Raise the limit: sysctl -w %s=%u",
                    n, who, INOTIFY_SYSCTL, limit, why, HOST_LIMITS_INOTIFY_NEEDED, INOTIFY_SYSCTL, raise);
        return 0;
}
