/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "basic/fs-util.h"
#include "dev.h"
#include "log.h"
#include "mount.h"

/* Only nodes that give a guest no access to host hardware or kernel memory; /dev/net/tun lets the
 * guest run VPNs and services with PrivateNetwork=, but only inside its own network namespace. */
const char *const dev_nodes[] = {
        "null", "zero", "full", "random", "urandom", "tty", "net/tun", NULL,
};

const char *const dev_links[][2] = {
        { "fd", "/proc/self/fd" },
        { "stdin", "/proc/self/fd/0" },
        { "stdout", "/proc/self/fd/1" },
        { "stderr", "/proc/self/fd/2" },
        { "ptmx", "pts/ptmx" },
        { NULL, NULL },
};

static int copy_node(const char *root, const char *name) {
        _cleanup_free_ char *from = NULL, *to = NULL, *link_path = NULL, *target = NULL, *dir = NULL;
        struct stat st;

        if (asprintf(&from, "/dev/%s", name) < 0 || asprintf(&to, "%s/dev/%s", root, name) < 0)
                return log_oom();
        if (stat(from, &st) < 0) {
                if (errno == ENOENT)
                        return 0; /* the host kernel lacks it, e.g. no tun: so does the guest */
                return log_error_errno(errno, "Failed to stat %s: %m", from);
        }
        if (strchr(name, '/')) {
                dir = strndup(to, strrchr(to, '/') - to);
                if (!dir || mkdir_p(dir, 0755) < 0)
                        return log_error_errno(errno, "Failed to create %s: %m", strna(dir));
        }
        if (mknod(to, st.st_mode, st.st_rdev) < 0) {
                if (errno != EPERM)
                        return log_error_errno(errno, "Failed to create %s: %m", to);
                /* Without CAP_MKNOD in our user namespace: bind the host's node instead. */
                if (touch_file(to, 0644) < 0 || mount_verbose(from, to, NULL, MS_BIND, NULL) < 0)
                        return -EPERM;
        }
        if (asprintf(&link_path, "%s/dev/char/%u:%u", root, major(st.st_rdev), minor(st.st_rdev)) < 0 ||
            asprintf(&target, "../%s", name) < 0)
                return log_oom();
        if (symlink(target, link_path) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create %s: %m", link_path);
        return 0;
}

int dev_setup(const char *root) {
        _cleanup_free_ char *chardir = NULL;
        mode_t old = umask(0000);
        int r = 0;

        if (asprintf(&chardir, "%s/dev/char", root) < 0)
                r = log_oom();
        else if (mkdir(chardir, 0755) < 0 && errno != EEXIST)
                r = log_error_errno(errno, "Failed to create %s: %m", chardir);
        for (size_t i = 0; r >= 0 && dev_nodes[i]; i++)
                r = copy_node(root, dev_nodes[i]);
        for (size_t i = 0; r >= 0 && dev_links[i][0]; i++) {
                _cleanup_free_ char *p = NULL;

                if (asprintf(&p, "%s/dev/%s", root, dev_links[i][0]) < 0)
                        r = log_oom();
                else if (symlink(dev_links[i][1], p) < 0)
                        r = log_error_errno(errno, "Failed to create %s: %m", p);
        }
        umask(old);
        return r;
}

int dev_setup_pty(const char *root, const char *name, int *ret_master, int *ret_number) {
        _cleanup_free_ char *ptmx = NULL, *console = NULL, *peer = NULL;
        _cleanup_close_ int master = -EBADF;
        int unlock = 0, n;

        if (asprintf(&ptmx, "%s/dev/pts/ptmx", root) < 0 || asprintf(&console, "%s/dev/%s", root, name) < 0)
                return log_oom();
        /* From the container's own devpts instance, so the guest sees its console as /dev/pts/0. */
        master = open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        if (master < 0)
                return log_error_errno(errno, "Failed to open %s: %m", ptmx);
        if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0)
                return log_error_errno(errno, "Failed to unlock the console pty: %m");
        if (asprintf(&peer, "%s/dev/pts/%d", root, n) < 0)
                return log_oom();
        if (touch_file(console, 0600) < 0)
                return log_error_errno(errno, "Failed to create %s: %m", console);
        /* A bind of the pty, not a symlink: /dev/console stays a character device for tools that
         * lstat() it (agetty, console-getty). */
        if (mount_verbose(peer, console, NULL, MS_BIND, NULL) < 0)
                return -errno;
        *ret_master = TAKE_FD(master);
        if (ret_number)
                *ret_number = n;
        return 0;
}

int dev_setup_console(const char *root, int *ret_master) {
        return dev_setup_pty(root, "console", ret_master, NULL);
}
