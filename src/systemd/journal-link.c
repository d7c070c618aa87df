/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "basic/fs-util.h"
#include "basic/macro.h"
#include "journal-link.h"
#include "log.h"
#include "mount.h"
#include "tree.h"

static const char *const link_journal_table[_LINK_JOURNAL_MAX] = {
        [LINK_JOURNAL_NO] = "no",          [LINK_JOURNAL_HOST] = "host",
        [LINK_JOURNAL_TRY_HOST] = "try-host", [LINK_JOURNAL_GUEST] = "guest",
        [LINK_JOURNAL_TRY_GUEST] = "try-guest", [LINK_JOURNAL_AUTO] = "auto",
};

DEFINE_STRING_TABLE_LOOKUP(link_journal, LinkJournal, link_journal_table, _LINK_JOURNAL_MAX);

static int fail(bool quiet, int error, const char *what) {
        if (quiet)
                return log_debug_errno(error, "Not linking the journal: %s", what), 0;
        return log_error_errno(error, "--link-journal: %s", what);
}

/* TREE/var/log/journal/ID, made inside the tree however its symlinks point, opened O_PATH. */
static int open_guest_dir(const char *root, const char *id, int *ret) {
        char path[64];
        int fd;

        snprintf(path, sizeof path, "/var/log/journal/%s", id);
        fd = tree_open_at_path(root, path, TREE_CREATE_DIR, O_DIRECTORY);
        if (fd < 0)
                return fd;
        *ret = fd;
        return 0;
}

/* Host /var/log/journal/ID -> TREE/var/log/journal/ID, as the directory's real path: the link
 * never passes through the tree's symlinks, which could lead anywhere on the host. */
static int link_guest(const char *root, const char *id, bool quiet) {
        _cleanup_free_ char *host = NULL, *guest = NULL;
        _cleanup_close_ int fd = -EBADF;
        char proc[64];
        struct stat st;
        int r;

        if (asprintf(&host, "/var/log/journal/%s", id) < 0)
                return log_oom();
        if (lstat(host, &st) >= 0) {
                if (!S_ISLNK(st.st_mode))
                        return fail(quiet, EEXIST, "the host has a journal directory of that machine ID already");
                (void) unlink(host); /* our own link from an earlier start; the tree may have moved */
        }
        r = open_guest_dir(root, id, &fd);
        if (r < 0)
                return fail(quiet, r, "cannot create the guest's journal directory");
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        guest = realpath(proc, NULL);
        if (!guest)
                return fail(quiet, errno, "cannot find the guest's journal directory");
        r = mkdir_p("/var/log/journal", 0755);
        if (r < 0 || symlink(guest, host) < 0)
                return fail(quiet, r < 0 ? r : errno, "cannot link the host's journal directory to the guest's");
        return 0;
}

int journal_link_prepare(LinkJournal mode, const char *root, Id128 id, bool id_from_tree, bool *ret_bind) {
        bool quiet = IN_SET(mode, LINK_JOURNAL_TRY_HOST, LINK_JOURNAL_TRY_GUEST, LINK_JOURNAL_AUTO);
        char sid[ID128_STRING_MAX];
        _cleanup_free_ char *host = NULL;
        Id128 host_id;
        struct stat st;
        int r;

        *ret_bind = false;
        if (mode == LINK_JOURNAL_NO)
                return 0;
        if (!id_from_tree)
                return fail(quiet, ENOMEDIUM, "the tree has no machine ID (/etc/machine-id)");
        if (id128_get_machine(&host_id) >= 0 && id128_equal(host_id, id))
                return fail(quiet, EEXIST, "the tree has the host's own machine ID");
        id128_to_string(id, sid);
        if (asprintf(&host, "/var/log/journal/%s", sid) < 0)
                return log_oom();
        if (mode == LINK_JOURNAL_AUTO) {
                /* Only when the admin made the host's directory: then it is meant to be used. */
                *ret_bind = stat(host, &st) >= 0 && S_ISDIR(st.st_mode) && lstat(host, &st) >= 0 && !S_ISLNK(st.st_mode);
                return 0;
        }
        if (mode == LINK_JOURNAL_GUEST || mode == LINK_JOURNAL_TRY_GUEST)
                return link_guest(root, sid, quiet);
        r = mkdir_p(host, 0755);
        if (r < 0)
                return fail(quiet, r, "cannot create the host's journal directory");
        *ret_bind = true;
        return 0;
}

int journal_link_open(Id128 id, int userns_fd, int *ret_fd) {
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t) userns_fd };
        char host[64];
        int fd;

        snprintf(host, sizeof host, "/var/log/journal/%s", ID128_TO_STRING(id));
        fd = open_tree(AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to clone %s: %m", host);
        /* The host's files owned by root are the guest's root's: its journald can write there. */
        if (userns_fd >= 0 && mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
                safe_close(fd);
                return log_error_errno(errno, "Failed to idmap %s for the guest: %m", host);
        }
        *ret_fd = fd;
        return 0;
}

int journal_link_bind(int fd, const char *root, Id128 id) {
        _cleanup_close_ int target = -EBADF;
        char guest[64];
        int r;

        snprintf(guest, sizeof guest, "/var/log/journal/%s", ID128_TO_STRING(id));
        /* In the tree: its symlinks are resolved inside it, so they cannot make us create or mount
         * anything on the host. */
        r = open_guest_dir(root, ID128_TO_STRING(id), &target);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s in the guest: %m", guest);
        return mount_attach_at(fd, target, guest);
}
