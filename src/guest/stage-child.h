/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cloned child, PID 1 of the new PID namespace: waits for its cgroup, builds the container's
 * mounts, /dev and console below the tree, pivots into it, then hands over to stage-init. */
#pragma once

#include <stdbool.h>
#include "id128-util.h"

#include "settings.h"

typedef struct ChildParams {
        const Settings *settings;
        int sync_fd;
        bool in_cgroup;         /* cloned into its cgroup and cgroup namespace already */
        bool userns;            /* in a user namespace of its own: become its root once mapped */
        Id128 uuid;
        const char *init;       /* guest path of init with --boot */
        bool use_pty;
        bool bind_journal;      /* bind the host's /var/log/journal/ID into the guest */
        const char *term;       /* TERM for the guest */
        const struct NetDevGateways *gateways; /* gateway auto, resolved on the host */
        char *container_ttys;   /* set by the child: "pts/1 pts/2" for $container_ttys */
        const struct SeccompPrepared *seccomp; /* compiled by the parent by SYNC_GO, in shared memory */
        int procfs_mount_fd;    /* the supervisor's /proc view to bind in, or -EBADF */
        const struct BoundUsers *bind_users; /* --bind-user, resolved on the host */
} ChildParams;

_noreturn_ void stage_child_run(ChildParams *p);
