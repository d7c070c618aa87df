/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>

#include "detached.h"
#include "image.h"
#include "log.h"
#include "overlay.h"
#include "storage.h"

bool storage_wanted(const Settings *s) {
        return s->image || s->ephemeral || s->volatile_mode != VOLATILE_NO || s->read_only || s->overlays ||
               s->overlays_ro;
}

bool storage_source_read_only(const Settings *s) {
        return s->read_only || s->ephemeral || s->volatile_mode != VOLATILE_NO;
}

/* The root source: the image's file systems, or a clone of the tree. */
static int open_source(const Settings *s, DetachedMounts *l) {
        int fd, r;

        /* With an overlay or a volatile root the image is only read: mounting it writable would
         * still write its superblock (mount count, times, journal). */
        if (s->image)
                return image_open(s->image, storage_source_read_only(s), s->image_policy, l);
        r = detached_clone(AT_FDCWD, s->directory, &fd);
        if (r < 0)
                return log_error_errno(r, "-D/--directory=%s: cannot make a mount of the tree: %m", s->directory);
        r = detached_mounts_add(l, "/", fd);
        return r < 0 ? log_oom() : 0;
}

int storage_open_root(const Settings *s, int userns_fd, int *ret_fd) {
        _cleanup_(detached_mounts_done) DetachedMounts l = {};
        RootOptions o = {
                .ephemeral = s->ephemeral,
                .volatile_mode = s->volatile_mode,
                .read_only = s->read_only,
                .overlays = s->overlays,
                .overlays_ro = s->overlays_ro,
                .userns_fd = userns_fd,
        };
        int r;

        r = open_source(s, &l);
        if (r >= 0)
                r = overlay_setup_root(&l, &o);
        if (r < 0)
                return r;
        return detached_mounts_assemble_root(&l, ret_fd);
}
