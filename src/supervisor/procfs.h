/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guest's view of its own resources: a small read-only FUSE file system, served by this
 * machine's supervisor alone (no shared daemon, no threads), whose files are bound over
 * /proc/meminfo, /proc/cpuinfo, /proc/stat ... in the guest. Parent stage: made before clone()
 * (procfs_new), served while the child sets up (procfs_pump) and then from the event loop; child
 * stage: procfs_bind() puts the files in place. It speaks the kernel's FUSE protocol itself
 * (<linux/fuse.h>), so the supervisor maps no FUSE library, and asks the kernel to time requests
 * out, so a stopped supervisor cannot leave the guest hanging. */
#pragma once

#include <stdbool.h>
#include <sys/sysinfo.h>
#include <sys/types.h>
#include "event-loop.h"

#include "basic/macro.h"
#include "cgroup.h"

typedef struct Procfs Procfs;

/* Whether this kernel can give the guest the view (FUSE, the new mount API). */
bool procfs_supported(void);

/* Opens /dev/fuse and makes the file system as a detached mount (fsmount), for the child to
 * attach; with uptime, /proc/uptime is served too (no time namespace). Logs. */
int procfs_new(const CGroup *cg, bool uptime, Procfs **ret, int *ret_mount_fd);
/* Answers requests (p may be NULL: none) until fd becomes readable (the child's next setup step).
 * -EINTR, logged, once SIGTERM or SIGINT is pending: they stay blocked for the event loop, and a
 * setup step that never ends (a tree that holds the child up) must not hold nsboot too. Logs. */
int procfs_pump(Procfs *p, int fd);
/* Serves from the event loop from now on (and samples the guest's load). Logs. */
int procfs_attach_event(Procfs *p, Event *e);
/* Answers the guest's sysinfo() calls from the listener fd (taken over) of its seccomp filter. Logs. */
int procfs_serve_sysinfo(Procfs *p, Event *e, int fd);
/* The answer to a guest's sysinfo() (SeccompSysinfoFill, userdata the Procfs). Non-logging. */
int procfs_sysinfo(void *userdata, pid_t pid, struct sysinfo *ret);
Procfs *procfs_free(Procfs *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(Procfs *, procfs_free);

/* Child stage, /proc and /sys mounted below root: binds each file of the mount over the guest's
 * own (a stage directory in /run, detached again at once). Logs. */
int procfs_bind(int mount_fd, const char *root, bool uptime);
