/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "userns-owner.h"

int userns_owner_enter(uid_t uid, gid_t gid, UserNsOwner *ret) {
        UserNsOwner o = { .euid = geteuid(), .egid = getegid() };
        int r;

        *ret = (UserNsOwner) {};
        if (uid == o.euid)
                return 0;
        o.securebits = prctl(PR_GET_SECUREBITS);
        o.dumpable = prctl(PR_GET_DUMPABLE);
        if (o.securebits < 0 || o.dumpable < 0)
                return -errno;
        /* Without it, the kernel clears the effective capabilities when the euid leaves 0: the clone
         * into the machine's cgroup and the maps need them. */
        if (prctl(PR_SET_SECUREBITS, (unsigned long) (o.securebits | SECBIT_NO_SETUID_FIXUP)) < 0)
                return -errno;
        if (setresgid(-1, gid, -1) < 0 || setresuid(-1, uid, -1) < 0) {
                r = -errno;
                (void) setresgid(-1, o.egid, -1);
                (void) prctl(PR_SET_SECUREBITS, (unsigned long) o.securebits);
                return r;
        }
        /* A change of the effective ids makes the process not dumpable, and a child cloned now would
         * inherit that: its /proc files would belong to the host's root until it execs. */
        (void) prctl(PR_SET_DUMPABLE, (unsigned long) o.dumpable);
        o.active = true;
        *ret = o;
        return 0;
}

int userns_owner_leave(UserNsOwner *o) {
        if (!o->active)
                return 0;
        if (setresuid(-1, o->euid, -1) < 0 || setresgid(-1, o->egid, -1) < 0)
                return -errno;
        o->active = false;
        if (prctl(PR_SET_SECUREBITS, (unsigned long) o->securebits) < 0)
                return -errno;
        (void) prctl(PR_SET_DUMPABLE, (unsigned long) o->dumpable);
        return 0;
}
