/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mount tunnel machinectl bind uses, exactly where systemd-machined looks for it: the host
 * directory /run/systemd/nspawn/propagate/NAME appears read-only as /run/host/incoming in the
 * container, as a slave, so mounts machined makes on the host side show up inside, from where it
 * moves them into place. Parent stage (host directory), child stage (the bind). */
#pragma once

#define TUNNEL_HOST_DIR "/run/systemd/nspawn/propagate"
#define TUNNEL_GUEST_DIR "/run/host/incoming"

/* Only for a machine that may be registered with machined (machined_may_register()): without it,
 * nobody would mount anything there. */
/* Parent: creates the host side. Logs. */
int tunnel_prepare(const char *machine);
/* Parent, at the end: removes the host side. */
void tunnel_remove(const char *machine);
/* Child, while /run/host is still writable: the mount point. Logs. */
int tunnel_make_mount_point(const char *root);
/* Parent: the host side as a detached mount for the child. Logs. */
int tunnel_open(const char *machine, int *ret_fd);
/* Child, before pivot_root: attaches it, read-only; nothing for fd < 0 (no tunnel). Logs. */
int tunnel_bind(int fd, const char *root);
/* Child, after pivot_root made the root shared again: the tunnel stays a slave (machined can only
 * move mounts out of a non-shared one); nothing without a tunnel. Logs. */
int tunnel_finish(void);
