/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/macro.h"
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

/* A child in a new user namespace holds it until its pipe closes: we write its maps (as the host's
 * root, which may map any ids, host root included) and keep a descriptor of the namespace. The
 * "guest's" in the messages of userns_write_maps() is this child's. */
int userns_mount_open(const UserNs *u, int *ret_fd) {
        _cleanup_close_pair_ int p[2] = { -EBADF, -EBADF };
        _cleanup_close_ int fd = -EBADF;
        UserNs mount_ns = { .map = u->map };
        char path[64], c;
        pid_t pid;
        int r;

        userns_mount_add_host_root(&mount_ns.map);
        if (pipe2(p, O_CLOEXEC) < 0)
                return log_error_errno(errno, "Failed to create a pipe: %m");
        pid = (pid_t) syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
        if (pid < 0)
                return log_error_errno(errno, "Failed to create the user namespace of the tree's mount: %m");
        if (pid == 0) {
                p[1] = safe_close(p[1]);
                (void) read(p[0], &c, 1);
                _exit(0);
        }
        r = userns_write_maps(&mount_ns, pid);
        snprintf(path, sizeof path, "/proc/%d/ns/user", (int) pid);
        if (r >= 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
                r = log_error_errno(errno, "Failed to open %s: %m", path);
        p[1] = safe_close(p[1]);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        if (r < 0)
                return r;
        *ret_fd = TAKE_FD(fd);
        return 0;
}
