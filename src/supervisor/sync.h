/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parent <-> child steps over a SOCK_SEQPACKET pair, with optional fd passing. The child's end is
 * O_CLOEXEC, so EOF after the last step means the child's execve() succeeded. */
#pragma once

#include <stdint.h>

typedef enum SyncStep {
        SYNC_CGROUP_DONE = 1,   /* parent -> child: child is in its cgroup, may unshare the cgroup ns */
        SYNC_SYSFS,             /* parent -> child: carries a detached sysfs mount for /sys */
        SYNC_TUNNEL,            /* parent -> child: carries the detached mount tunnel (tunnel.h) */
        SYNC_JOURNAL,           /* parent -> child: carries the host's journal directory to bind */
        SYNC_BIND_SOURCE,       /* parent -> child: carries the source of custom mount <value> */
        SYNC_BIND_USER_HOME,    /* parent -> child: carries the home of bound user <value> */
        SYNC_ROOTFS,            /* parent -> child: carries the detached root mount; maps are written */
        SYNC_PTY_MASTER,        /* child -> parent: carries the console pty master */
        SYNC_TTY_MASTER,        /* child -> parent: carries the master of /dev/tty<value> */
        SYNC_NOTIFY_SOCKET,     /* child -> parent: carries the bound /run/host/notify socket */
        SYNC_READY,             /* child -> parent: set up, waiting for SYNC_GO to exec init */
        SYNC_GO,                /* parent -> child: registered with machined (if at all); exec */
        SYNC_ERROR,             /* child -> parent: value = -errno, setup failed */
        SYNC_EXEC_ERROR,        /* child -> parent: value = -errno, execve() of init/command failed */
        SYNC_SYSINFO_LISTENER,  /* child -> parent: carries the seccomp listener of sysinfo() */
} SyncStep;

typedef struct SyncMessage {
        uint32_t step;
        int32_t value;
} SyncMessage;

int sync_pair(int ret[static 2]);
/* Sends a step, with fd attached when fd >= 0. Non-logging. */
int sync_send(int sock, SyncStep step, int value, int fd);
/* Receives one step; *ret_fd is set when one was attached (else -EBADF). Returns 0 on EOF, 1 on a
 * message. Non-logging. */
int sync_recv(int sock, SyncMessage *ret, int *ret_fd);
/* Waits for exactly this step. Non-logging. */
int sync_expect(int sock, SyncStep step);
