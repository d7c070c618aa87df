/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What becomes of the guest's root before the child attaches it: -x/--ephemeral and
 * --volatile=overlay (overlayfs with an upper layer on a detached tmpfs: nothing on disk, nothing
 * survives), --volatile=yes (a tmpfs root with the tree's /usr), --volatile=state (a tmpfs /var),
 * --read-only, and --overlay=/--overlay-ro= (host directories stacked at a guest path). Overlays
 * cannot be idmapped, so in a user namespace their layers are. Parent stage. Logs. */
#pragma once

#include <stdbool.h>

#include "detached.h"

typedef enum VolatileMode {
        VOLATILE_NO,
        VOLATILE_YES,
        VOLATILE_STATE,
        VOLATILE_OVERLAY,
        _VOLATILE_MODE_MAX,
        _VOLATILE_MODE_INVALID = -EINVAL,
} VolatileMode;

const char *volatile_mode_to_string(VolatileMode m);
VolatileMode volatile_mode_from_string(const char *s);

typedef struct RootOptions {
        bool ephemeral;
        VolatileMode volatile_mode;
        bool read_only;
        char *const *overlays;          /* --overlay= values */
        char *const *overlays_ro;       /* --overlay-ro= values */
        int userns_fd;                  /* idmap for this user namespace; -EBADF: none */
} RootOptions;

/* Turns l (the root source's mounts, root first, idmapped already or not as their flag says) into
 * the guest's mounts, all idmapped at the end if o->userns_fd is set. */
int overlay_setup_root(DetachedMounts *l, const RootOptions *o);

/* Checks one --overlay=/--overlay-ro= value: [+]PATH:[+]PATH[:...]:DEST, DEST absolute. Non-logging. */
int overlay_spec_check(const char *spec);
