/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "basic/fs-util.h"
#include "basic/macro.h"
#include "log.h"
#include "mount.h"
#include "tunnel.h"

static char *host_dir(const char *machine) {
        char *p;

        return asprintf(&p, TUNNEL_HOST_DIR "/%s", machine) < 0 ? NULL : p;
}

int tunnel_prepare(const char *machine) {
        _cleanup_free_ char *p = host_dir(machine);
        int r;

        if (!p)
                return log_oom();
        (void) mkdir_p("/run/systemd/nspawn", 0755);
        r = mkdir_p(p, 0600);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", p);
        return 0;
}

void tunnel_remove(const char *machine) {
        _cleanup_free_ char *p = host_dir(machine);

        if (p)
                (void) rmdir(p);
}

int tunnel_make_mount_point(const char *root) {
        _cleanup_free_ char *q = path_join(root, TUNNEL_GUEST_DIR);

        if (!q)
                return log_oom();
        if (mkdir(q, 0600) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create %s: %m", q);
        return 0;
}

int tunnel_open(const char *machine, int *ret_fd) {
        _cleanup_free_ char *p = host_dir(machine);
        int fd;

        if (!p)
                return log_oom();
        /* A clone of a directory on the host's (shared) /run joins its peer group; made a slave in
         * the guest, what machined mounts there on the host appears inside. The parent makes it, as
         * a guest in a user namespace may not even look up the host's directory. */
        fd = open_tree(AT_FDCWD, p, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to clone %s: %m", p);
        *ret_fd = fd;
        return 0;
}

/* Whether this process attached the tunnel (the child's stages run in one process). */
static bool tunnel_bound = false;

int tunnel_bind(int fd, const char *root) {
        _cleanup_free_ char *q = NULL;
        int r;

        if (fd < 0)
                return 0;
        q = path_join(root, TUNNEL_GUEST_DIR);
        if (!q)
                return log_oom();
        /* Made with the rest of /run/host (setup_run_host), which is read-only by now. */
        if (access(q, F_OK) < 0)
                return log_error_errno(errno, "Missing %s: %m", q);
        r = mount_attach(fd, q);
        if (r < 0)
                return r;
        r = mount_verbose(NULL, q, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
        if (r < 0)
                return r;
        r = mount_verbose(NULL, q, NULL, MS_SLAVE, NULL);
        tunnel_bound = r >= 0;
        return r;
}

int tunnel_finish(void) {
        return tunnel_bound ? mount_verbose(NULL, TUNNEL_GUEST_DIR, NULL, MS_SLAVE, NULL) : 0;
}
