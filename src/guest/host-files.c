/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/macro.h"
#include "host-files.h"
#include "log.h"
#include "overlay.h"
#include "settings.h"
#include "tree.h"

static const char *const resolv_conf_names[_RESOLV_CONF_MAX] = {
        [RESOLV_CONF_OFF] = "off",
        [RESOLV_CONF_COPY_HOST] = "copy-host",
        [RESOLV_CONF_COPY_STATIC] = "copy-static",
        [RESOLV_CONF_COPY_UPLINK] = "copy-uplink",
        [RESOLV_CONF_COPY_STUB] = "copy-stub",
        [RESOLV_CONF_REPLACE_HOST] = "replace-host",
        [RESOLV_CONF_REPLACE_STATIC] = "replace-static",
        [RESOLV_CONF_REPLACE_UPLINK] = "replace-uplink",
        [RESOLV_CONF_REPLACE_STUB] = "replace-stub",
        [RESOLV_CONF_BIND_HOST] = "bind-host",
        [RESOLV_CONF_BIND_STATIC] = "bind-static",
        [RESOLV_CONF_BIND_UPLINK] = "bind-uplink",
        [RESOLV_CONF_BIND_STUB] = "bind-stub",
        [RESOLV_CONF_DELETE] = "delete",
        [RESOLV_CONF_AUTO] = "auto",
};

static const char *const timezone_names[_TIMEZONE_MAX] = {
        [TIMEZONE_OFF] = "off",         [TIMEZONE_COPY] = "copy",     [TIMEZONE_BIND] = "bind",
        [TIMEZONE_SYMLINK] = "symlink", [TIMEZONE_DELETE] = "delete", [TIMEZONE_AUTO] = "auto",
};

/* The host's files of the four sources, in the order of each group of ResolvConfMode. */
static const char *const resolv_conf_sources[4] = {
        "/etc/resolv.conf",
        "/usr/lib/systemd/resolv.conf",
        "/run/systemd/resolve/resolv.conf",
        "/run/systemd/resolve/stub-resolv.conf",
};

DEFINE_STRING_TABLE_LOOKUP(resolv_conf_mode, ResolvConfMode, resolv_conf_names, _RESOLV_CONF_MAX);
DEFINE_STRING_TABLE_LOOKUP(timezone_mode, TimezoneMode, timezone_names, _TIMEZONE_MAX);

/* Whether the guest's /etc takes writes: not a read-only tree, unless something writable is on
 * top of it (as systemd-nspawn's etc_writable(), with nsboot's -x too). */
static bool etc_writable(const Settings *s) {
        return !s->read_only || s->ephemeral || s->volatile_mode == VOLATILE_YES ||
               s->volatile_mode == VOLATILE_OVERLAY;
}

/* systemd-resolved's stub answers on 127.0.0.53:53 (UDP) of the host's network namespace: the
 * listening socket shows in /proc/net/udp, no bus needed. */
static bool stub_listening(void) {
        _cleanup_free_ char *udp = NULL;

        return access(resolv_conf_sources[3], F_OK) >= 0 && read_full_file("/proc/net/udp", &udp, NULL) >= 0 &&
               strstr(udp, " 3500007F:0035 ");
}

ResolvConfMode resolv_conf_mode_effective(const Settings *s) {
        bool w = etc_writable(s);

        if (s->resolv_conf != RESOLV_CONF_AUTO)
                return s->resolv_conf;
        if (s->private_network || s->netns_path) /* the host's stub and servers are not reachable there */
                return RESOLV_CONF_OFF;
        if (stub_listening())
                return w ? RESOLV_CONF_COPY_STUB : RESOLV_CONF_BIND_STUB;
        if (access(resolv_conf_sources[0], F_OK) >= 0)
                return w ? RESOLV_CONF_COPY_HOST : RESOLV_CONF_BIND_HOST;
        return w ? RESOLV_CONF_DELETE : RESOLV_CONF_OFF;
}

TimezoneMode timezone_mode_effective(const Settings *s) {
        _cleanup_free_ char *link = NULL;
        bool w = etc_writable(s);
        int r;

        if (s->timezone != TIMEZONE_AUTO)
                return s->timezone;
        r = readlink_malloc("/etc/localtime", &link);
        if (r == -ENOENT)
                return w ? TIMEZONE_DELETE : TIMEZONE_OFF;
        if (r == -EINVAL) /* a regular file */
                return w ? TIMEZONE_COPY : TIMEZONE_BIND;
        if (r < 0)
                return TIMEZONE_OFF;
        return w ? TIMEZONE_SYMLINK : TIMEZONE_BIND;
}

/* The guest's /etc, resolved inside the tree. */
static int open_etc(int root_fd, const char *file) {
        int fd = tree_open(root_fd, "/etc", O_PATH | O_DIRECTORY);

        if (fd < 0)
                log_warning_errno(fd, "The tree's /etc cannot be opened, /etc/%s left alone: %m", file);
        return fd;
}

/* Opens name in etc for writing if it is a regular file, creating it if it is missing: never
 * through a symlink (-ELOOP), and never opening anything else (a FIFO would block us, a device
 * node's driver would see an open()): -EBADFD. */
static int open_regular_for_writing(int etc_fd, const char *name) {
        _cleanup_close_ int fd = openat(etc_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        char path[32];
        struct stat st;

        if (fd < 0 && errno == ENOENT) {
                fd = openat(etc_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
                return fd < 0 ? -errno : TAKE_FD(fd);
        }
        if (fd < 0 || fstat(fd, &st) < 0)
                return -errno;
        if (S_ISLNK(st.st_mode))
                return -ELOOP;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        return fd < 0 ? -errno : TAKE_FD(fd);
}

/* Writes the host's file source over name in etc: only over a regular file (or none), never
 * through a symlink; with replace, whatever is there gives way (a directory excepted). */
static void write_copy(int etc_fd, const char *name, const char *source, bool replace) {
        _cleanup_free_ char *data = NULL, *tmp = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t size = 0;
        int r;

        r = read_full_file(source, &data, &size);
        if (r < 0) {
                log_warning_errno(r, "Cannot read the host's %s, /etc/%s left alone: %m", source, name);
                return;
        }
        if (replace) {
                if (asprintf(&tmp, ".#%s.nsboot", name) < 0) {
                        log_oom();
                        return;
                }
                (void) unlinkat(etc_fd, tmp, 0);
                fd = openat(etc_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
                r = fd < 0 ? -errno : 0;
        } else {
                fd = open_regular_for_writing(etc_fd, name);
                r = fd < 0 ? fd : 0;
        }
        if (r == -ELOOP) {
                log_info("The tree's /etc/%s is a symlink: left alone (replace-* or delete change it)", name);
                return;
        }
        if (r >= 0 && !replace && ftruncate(fd, 0) < 0)
                r = -errno;
        if (r >= 0)
                r = loop_write(fd, data, size);
        if (r >= 0 && replace && renameat(etc_fd, tmp, etc_fd, name) < 0)
                r = -errno;
        if (r < 0) {
                if (tmp)
                        (void) unlinkat(etc_fd, tmp, 0);
                log_warning_errno(r, "Cannot write /etc/%s of the tree from %s, left alone: %m", name, source);
        }
}

static void delete_file(int etc_fd, const char *name) {
        if (unlinkat(etc_fd, name, 0) < 0 && errno != ENOENT)
                log_warning_errno(errno, "Cannot remove /etc/%s of the tree: %m", name);
}

/* The host's file source, bound read-only over the tree's regular file name (made if missing).
 * Fails only where a bind it made could neither be made read-only nor be undone. */
static int bind_file(int etc_fd, const char *name, const char *source) {
        _cleanup_close_ int fd = -EBADF, top = -EBADF;
        char path[32];
        struct stat st;

        fd = openat(etc_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT) {
                _cleanup_close_ int made = openat(etc_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);

                fd = made < 0 ? -1 : openat(etc_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0 || fstat(fd, &st) < 0) {
                log_warning_errno(errno, "Cannot open /etc/%s of the tree to bind %s over it: %m", name, source);
                return 0;
        }
        if (!S_ISREG(st.st_mode)) {
                log_info("The tree's /etc/%s is no regular file: %s not bound over it", name, source);
                return 0;
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        if (mount(source, path, NULL, MS_BIND, NULL) < 0) {
                log_warning_errno(errno, "Cannot bind %s over /etc/%s of the tree: %m", source, name);
                return 0;
        }
        /* Read-only takes a remount of the new mount itself: the path leads to it now. */
        top = openat(etc_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        snprintf(path, sizeof path, "/proc/self/fd/%d", top);
        if (top >= 0 && mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) >= 0)
                return 0;
        /* Never the host's file writable in the guest: the bind goes again, or the start fails. */
        log_warning_errno(errno, "Cannot make %s read-only in the guest, not binding it: %m", source);
        if (top < 0 || umount2(path, MNT_DETACH) < 0)
                return log_error_errno(errno, "Cannot undo the bind of %s over /etc/%s: %m", source, name);
        return 0;
}

static int setup_resolv_conf(int root_fd, ResolvConfMode m) {
        _cleanup_close_ int etc = -EBADF;
        const char *source;

        if (m == RESOLV_CONF_OFF || (etc = open_etc(root_fd, "resolv.conf")) < 0)
                return 0;
        if (m == RESOLV_CONF_DELETE) {
                delete_file(etc, "resolv.conf");
                return 0;
        }
        source = resolv_conf_sources[(m - RESOLV_CONF_COPY_HOST) % 4];
        if (m >= RESOLV_CONF_BIND_HOST)
                return bind_file(etc, "resolv.conf", source);
        write_copy(etc, "resolv.conf", source, m >= RESOLV_CONF_REPLACE_HOST);
        return 0;
}

/* "Europe/Berlin" of a link into /usr/share/zoneinfo, as the host's /etc/localtime is. */
static const char *zone_of(const char *link) {
        const char *z = strstr(link, "/usr/share/zoneinfo/");

        return z && (z == link || startswith(link, "../")) ? z + strlen("/usr/share/zoneinfo/") : NULL;
}

/* /etc/localtime a symlink to the host's zone in the tree's zoneinfo; a copy of the host's file
 * where the tree lacks that zone. */
static void symlink_zone(int root_fd, int etc_fd) {
        _cleanup_free_ char *host = NULL, *guest = NULL, *zoneinfo = NULL, *target = NULL;
        _cleanup_close_ int zfd = -EBADF;
        const char *zone;

        if (readlink_malloc("/etc/localtime", &host) < 0 || !(zone = zone_of(host)) || isempty(zone)) {
                log_warning("The host's /etc/localtime is no link into /usr/share/zoneinfo: the guest's is left alone");
                return;
        }
        if (readlinkat_malloc(etc_fd, "localtime", &guest) >= 0 && zone_of(guest) && streq(zone_of(guest), zone))
                return;
        if (asprintf(&zoneinfo, "/usr/share/zoneinfo/%s", zone) < 0 || asprintf(&target, "../usr/share/zoneinfo/%s", zone) < 0) {
                log_oom();
                return;
        }
        if (tree_open_regular(root_fd, zoneinfo, &zfd) < 0) {
                log_info("The tree has no %s: its /etc/localtime becomes a copy of the host's", zoneinfo);
                write_copy(etc_fd, "localtime", "/etc/localtime", true);
                return;
        }
        if (unlinkat(etc_fd, "localtime", 0) < 0 && errno != ENOENT)
                log_warning_errno(errno, "Cannot remove /etc/localtime of the tree: %m");
        else if (symlinkat(target, etc_fd, "localtime") < 0)
                log_warning_errno(errno, "Cannot link /etc/localtime of the tree to %s: %m", target);
}

static int setup_timezone(int root_fd, TimezoneMode m) {
        _cleanup_close_ int etc = -EBADF;

        if (m == TIMEZONE_OFF || (etc = open_etc(root_fd, "localtime")) < 0)
                return 0;
        if (m == TIMEZONE_BIND)
                return bind_file(etc, "localtime", "/etc/localtime");
        if (m == TIMEZONE_DELETE)
                delete_file(etc, "localtime");
        else if (m == TIMEZONE_SYMLINK)
                symlink_zone(root_fd, etc);
        else
                write_copy(etc, "localtime", "/etc/localtime", true);
        return 0;
}

int host_files_setup(const char *root, const Settings *s) {
        ResolvConfMode rm = resolv_conf_mode_effective(s);
        TimezoneMode tm = timezone_mode_effective(s);
        _cleanup_close_ int root_fd = -EBADF;

        int r;

        if (rm == RESOLV_CONF_OFF && tm == TIMEZONE_OFF)
                return 0;
        root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0) {
                log_warning_errno(errno, "Cannot open the tree at %s: /etc/resolv.conf and /etc/localtime left alone: %m",
                                  root);
                return 0;
        }
        r = setup_resolv_conf(root_fd, rm);
        return r < 0 ? r : setup_timezone(root_fd, tm);
}
