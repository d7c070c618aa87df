/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guest's root as the storage options want it: -i images, -x, --volatile, --read-only and
 * --overlay, built by the parent as one detached mount tree, which rootfs_open() hands on and the
 * child attaches like a plain tree's. Parent stage. Logs. */
#pragma once

#include <stdbool.h>

#include "settings.h"

/* Whether s asks for an image, an overlay, or a volatile or read-only root. */
bool storage_wanted(const Settings *s);
/* Whether the tree or image is only read (-x, --volatile, --read-only): never written by the guest. */
bool storage_source_read_only(const Settings *s);
/* Builds the guest's root and everything below it that it needs (an image's /usr, /home, ...,
 * --overlay mounts, a tmpfs /var) as one detached tree; userns_fd (-EBADF: none) idmaps it. */
int storage_open_root(const Settings *s, int userns_fd, int *ret_fd);
