/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/ns-holder.h"
#include "log.h"
#include "userns-mount.h"

static bool overlaps(uint32_t start, uint32_t count, uint32_t id) {
        return id >= start && id - start < count;
}

static void add_host_root(IdMapEntry *e, unsigned *n) {
        if (*n >= IDMAP_MAX)
                return;
        for (unsigned i = 0; i < *n; i++)
                if (overlaps(e[i].inside, e[i].count, USERNS_MOUNT_HOST_ROOT) || overlaps(e[i].outside, e[i].count, 0))
                        return;
        e[(*n)++] = (IdMapEntry) { .inside = USERNS_MOUNT_HOST_ROOT, .outside = 0, .count = 1 };
}

void userns_mount_add_host_root(IdMap *m) {
        add_host_root(m->uid, &m->n_uid);
        add_host_root(m->gid, &m->n_gid);
}

/* A holder in a new user namespace keeps it while we write its maps (as the host's root, which may
 * map any ids, host root included) and open a descriptor of it. The "guest's" in the messages of
 * userns_write_maps() is the holder's. */
int userns_open_maps(const IdMap *m, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;
        UserNs mount_ns = { .map = *m };
        char path[64];
        pid_t pid;
        int r;

        pid = ns_holder_start(CLONE_NEWUSER);
        if (pid < 0)
                return log_error_errno(pid, "Failed to create the user namespace of the tree's mount: %m");
        r = userns_write_maps(&mount_ns, pid);
        snprintf(path, sizeof path, "/proc/%d/ns/user", (int) pid);
        if (r >= 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
                r = log_error_errno(errno, "Failed to open %s: %m", path);
        ns_holder_stop(pid);
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int userns_mount_open(const UserNs *u, int *ret_fd) {
        IdMap m = u->map;

        userns_mount_add_host_root(&m);
        return userns_open_maps(&m, ret_fd);
}
