/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The owner of the guest's user namespace. The kernel makes the effective uid of the process that
 * creates a user namespace its owner, and charges the per-user counts of everything made inside it
 * (inotify instances and watches, nested user namespaces, POSIX message queue bytes, pending
 * signals, locked memory) in the initial namespace against that owner. nsboot runs as root: were
 * root the owner, every guest would draw on root's limits, fs.inotify.max_user_instances = 128 for
 * all of them together. So the parent takes the guest's root as its effective uid and gid for the
 * clone() that makes the namespace (and for probing the owner's inotify headroom), keeping its
 * capabilities (SECBIT_NO_SETUID_FIXUP), and returns to root right after. Parent stage. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

typedef struct UserNsOwner {
        bool active;            /* the effective ids are switched; userns_owner_leave() restores them */
        uid_t euid;
        gid_t egid;
        int securebits;
        int dumpable;
} UserNsOwner;

/* Makes uid:gid the effective ids of this process, capabilities kept. Nothing to do (and
 * ret->active false) when uid is already the effective uid. Non-logging: -errno, e.g. -EINVAL when
 * uid is not mapped in nsboot's own user namespace, -EPERM without CAP_SETPCAP. */
int userns_owner_enter(uid_t uid, gid_t gid, UserNsOwner *ret);
/* Back to the saved ids, securebits and dumpable flag. Non-logging. */
int userns_owner_leave(UserNsOwner *o);
