/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guest's root file system as a detached mount, made by the parent (which has the privileges
 * the guest's user namespace lacks) and attached by the child with move_mount(). Nothing appears in
 * the host's mount table, and a killed nsboot leaves no mount behind. Parent stage. */
#pragma once

#include "settings.h"

/* Where the child attaches the root in its own mount namespace before pivot_root: a directory every
 * user may look up, as the guest's root in a user namespace cannot reach the tree's own path. */
#define ROOTFS_STAGING_DIR "/run/nsboot/root"

/* Makes ROOTFS_STAGING_DIR, and lets everyone pass through its parent again where an older nsboot
 * made that 0700 (with its cache directory, on a fresh host). Logs. */
int rootfs_staging_prepare(void);

/* The guest's root: a recursive clone of the tree, idmapped to the user namespace userns_fd (the
 * guest's) unless userns_fd < 0; or, for an image, -x, --volatile, --read-only or --overlay, the
 * tree storage_open_root() builds. Logs. */
int rootfs_open(const Settings *s, int userns_fd, int *ret_fd);
/* A fresh, read-only sysfs of the host's network namespace, for a guest in a user namespace that
 * shares the host's network (which may not mount one itself). Logs. */
int rootfs_open_sysfs(int *ret_fd);
