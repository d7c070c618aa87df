/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mounting into a running guest (nsbootctl bind, without systemd-machined's tunnel): a detached
 * mount of the host goes into the mount namespace of the guest's PID 1, locked as the mounts nsboot
 * makes at start (mount-lock.h), on a mount point resolved, and created if asked, in the guest's root
 * as the guest's root. Called by nsbootctl; the work is done in a child process of its own. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

typedef struct LiveMount {
        pid_t leader;           /* host PID of the guest's PID 1 */
        const char *path;       /* the mount point, an absolute path of the guest */
        bool mkdir;             /* create the missing directories (and for a file, an empty file) */
        unsigned timeout_sec;   /* a guest's FUSE mount on the way can make a lookup hang */
} LiveMount;

/* Moves the detached mount fd (of a directory or of a file: the mount point must be the same kind)
 * to m->path in the guest. Logs. */
int live_mount(int fd, const LiveMount *m);
