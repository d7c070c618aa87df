/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl export NAME FILE (machinectl export-tar, vzdump): a stopped machine's tree as a tarball
 * that nsbootctl create --from= (and machinectl import-tar, lxc's rootfs, any tar) takes back, with
 * owners by number, modes, times, hard links, sparse files, device nodes, ACLs and every extended
 * attribute (file capabilities). GNU tar reads the tree: it never follows a symbolic link and never
 * opens a FIFO or device; a tree with anything mounted in it is refused. The machine's lock is held
 * throughout, so that it cannot start meanwhile. The archive is written under a hidden name beside
 * FILE, readable by root alone (a tree holds /etc/shadow), and renamed when complete: a failure,
 * Ctrl-C, SIGTERM or SIGHUP leave no part of it (kill -9 leaves it, for the next export to replace). */
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clone.h"
#include "create.h"
#include "ctl.h"
#include "lock.h"
#include "log.h"
#include "rename-journal.h"
#include "settings.h"

/* tar's option for the compression FILE's name asks for; NULL for a plain tar; -EINVAL if the name
 * says no tarball. */
static int compression_of(const char *file, const char **ret) {
        static const struct {
                const char *suffix, *option;
        } suffixes[] = {
                { ".tar", NULL },         { ".tar.gz", "--gzip" },   { ".tgz", "--gzip" },
                { ".tar.xz", "--xz" },    { ".txz", "--xz" },        { ".tar.zst", "--zstd" },
                { ".tzst", "--zstd" },    { ".tar.bz2", "--bzip2" }, { ".tbz2", "--bzip2" },
        };

        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
                if (endswith(file, suffixes[i].suffix)) {
                        *ret = suffixes[i].option;
                        return 0;
                }
        return -EINVAL;
}

/* "DIR/.BASE.partial" beside file. */
static char *partial_name(const char *file) {
        _cleanup_free_ char *d = strdup(file), *b = strdup(file);
        char *ret = NULL;

        if (d && b && asprintf(&ret, "%s/.%s.partial", dirname(d), basename(b)) < 0)
                ret = NULL;
        return ret;
}

/* Whether file would be written inside tree: tar would read the archive while it is written. */
static bool inside_tree(const char *tree, const char *file) {
        _cleanup_free_ char *d = strdup(file), *dir = NULL, *root = realpath(tree, NULL);
        const char *rest;

        dir = d ? realpath(dirname(d), NULL) : NULL;
        rest = dir && root ? startswith(dir, root) : NULL;
        return rest && IN_SET(*rest, 0, '/');
}

static int check_export(const char *name, const char *tree, const char *file, const char **ret_compression) {
        struct stat st;

        if (!machine_name_is_valid(name))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' is not a valid machine name", name);
        if (compression_of(file, ret_compression) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "%s: not a tarball's name (.tar, .tar.gz, .tar.xz, .tar.zst, .tar.bz2, .tgz, ...)", file);
        if (stat(tree, &st) < 0)
                return log_error_errno(errno, "No machine '%s' (%s): %m", name, tree);
        if (!S_ISDIR(st.st_mode))
                return log_error_errno(SYNTHETIC_ERRNO(ENOTDIR), "Machine '%s' is not a directory tree: %s", name, tree);
        if (inside_tree(tree, file))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s is inside the tree of machine '%s' (%s): the "
                                       "archive would hold itself", file, name, tree);
        if (access(file, F_OK) >= 0)
                return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "%s exists already", file);
        if (errno != ENOENT)
                return log_error_errno(errno, "%s: %m", file);
        return 0;
}

static int run_tar(const char *name, const char *tree, int fd, const char *compression, bool quiet) {
        char file[64];
        const char *argv[] = { "tar", "--create", "--file", file, "--directory", tree, "--numeric-owner",
                               "--xattrs", "--xattrs-include=*", "--acls", "--sparse",
                               compression ?: ".", compression ? "." : NULL, NULL };
        _cleanup_(progress_freep) Progress *p = NULL;
        int r;

        snprintf(file, sizeof file, "/dev/fd/%d", fd);
        r = progress_new(name, !quiet && isatty(STDERR_FILENO), &p);
        if (r < 0)
                return r;
        progress_step(p, "Archiving %s", tree);
        r = progress_run(p, argv);
        progress_fail(p); /* the step's line goes, either way */
        return r;
}

/* With the machine's locks held. */
static int export_locked(const char *name, const char *tree, const char *file, const char *partial,
                         const char *compression, bool quiet) {
        _cleanup_free_ char *resolved = realpath(tree, NULL);
        _cleanup_close_ int fd = -EBADF;
        int r;

        /* Refused rather than left out by tar's --one-file-system, which would leave out the btrfs
         * subvolumes of the tree too (/var/lib/docker's, snapper's): to tar each is a file system. */
        if (!resolved)
                return log_error_errno(errno, "Failed to resolve %s: %m", tree);
        r = clone_check_mounts(resolved);
        if (r < 0)
                return r;
        /* Made here, not by tar: root's alone from the first byte, and tar writes to this very file
         * (inherited, not looked up by name again). A leftover of a killed export is replaced. */
        (void) unlink(partial);
        fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
        if (fd < 0)
                return log_error_errno(errno, "Failed to create %s: %m", partial);
        r = run_tar(name, tree, fd, compression, quiet);
        if (r >= 0)
                r = progress_interrupted("the partial archive");
        if (r >= 0 && fsync(fd) < 0)
                r = log_error_errno(errno, "Failed to write %s: %m", partial);
        if (r >= 0 && renameat2(AT_FDCWD, partial, AT_FDCWD, file, RENAME_NOREPLACE) < 0)
                r = log_error_errno(errno, "Failed to rename %s to %s: %m", partial, file);
        if (r < 0) {
                (void) unlink(partial);
                return log_error_errno(r, "Could not export machine '%s' to %s", name, file);
        }
        if (!quiet && isatty(STDERR_FILENO))
                log_info("Exported machine '%s' to %s", name, file);
        return 0;
}

int verb_export(const CtlArgs *a) {
        const char *name = a->args[1], *file = a->args[2], *compression = NULL;
        _cleanup_free_ char *tree = NULL, *partial = NULL;
        Lock locks[2] = { { .fd = -EBADF }, { .fd = -EBADF } };
        sigset_t saved;
        int r;

        if (asprintf(&tree, MACHINES_DIR "/%s", name) < 0 || !(partial = partial_name(file)))
                return log_oom();
        rename_journal_repair(name);
        r = check_export(name, tree, file, &compression);
        if (r < 0)
                return r;
        r = lock_machine_read(name, tree, locks);
        if (r < 0)
                return r;
        /* Ctrl-C, SIGTERM, SIGHUP: the partial archive is removed (and tar has ended) first. */
        progress_interrupts_block(&saved);
        r = export_locked(name, tree, file, partial, compression, a->quiet);
        lock_release(&locks[1]);
        lock_release(&locks[0]);
        (void) sigprocmask(SIG_SETMASK, &saved, NULL);
        return r;
}
