/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* -i/--image: a disk image (GPT with the Discoverable Partitions Specification's types, a single
 * partition, or a bare file system) probed with libblkid and mounted as detached mounts, one loop
 * device with autoclear per partition (no partition scanning, no udev). Parent stage. Logs. */
#pragma once

#include <stdbool.h>

#include "detached.h"

/* Mounts the image's root, then /usr, /home, /srv, /var, /var/tmp as the image and the policy (NULL:
 * all that are there) have them, and stores them in ret (empty before) in that order, not idmapped
 * (detached_mounts_idmap() does that). read_only: loop devices and mounts read-only, as they are
 * anyway for an image file that is not writable. On error nothing is left: no mount, no loop device. */
int image_open(const char *path, bool read_only, const char *policy, DetachedMounts *ret);
