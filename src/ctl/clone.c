/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl clone and rename (machinectl clone/rename, lxc-copy, vzctl's templates): a stopped
 * machine's tree or disk image and its config file /etc/nsboot/NAME.conf under a new name. The
 * copy is made under a hidden name beside its place and renamed when complete, so a failure
 * leaves nothing behind; both machines' locks are held throughout, so neither can start (nor be
 * cloned, renamed or removed) meanwhile. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "clone.h"
#include "config-edit.h"
#include "config-rename.h"
#include "config.h"
#include "create.h"
#include "basic/strv.h"
#include "config.h"
#include "ctl.h"
#include "lock.h"
#include "log.h"
#include "rename-journal.h"
#include "settings.h"
#include "tree-ids.h"
#include "tree.h"

#define MACHINES_DIR "/var/lib/machines"
#define CONFIG_DIR "/etc/nsboot"
/* Where a new name must be free besides config_search_dirs(): where nsboot -M looks without
 * $NSBOOT_CONFIG_PATH. */
static const char *const default_config_dirs[] = { CONFIG_DIRS };
#define START_LOG_DIR "/var/log/nsboot"

typedef struct CloneSource {
        char *config;           /* /etc/nsboot/NAME.conf or /run/nsboot/NAME.conf, NULL when there is none */
        char *path;             /* the tree or the image, resolved: what is copied */
        char *entry;            /* found by name: its entry in the machine directory, unresolved (it may
                                 * be a symlink to a tree or image elsewhere, which is what nsboot -M
                                 * and a rename go by); NULL when the config file names path */
        bool image;
        bool keyed;             /* the config file names path (else it was found by the machine's name) */
} CloneSource;

static void clone_source_done(CloneSource *s) {
        free(s->config);
        free(s->path);
        free(s->entry);
}

/* Where the machine is on the host: the place a rename moves and NAME.nsboot is beside. */
static const char *source_place(const CloneSource *s) {
        return s->entry ?: s->path;
}

/* The tree or image the config file names, if it names one. */
static int source_from_config(const char *config, CloneSource *s) {
        _cleanup_(settings_freep) Settings *settings = settings_new();
        const char *p;

        if (!settings)
                return log_oom();
        if (config_load(settings, config, /* trusted= */ true) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s has errors: fix it first", config);
        p = settings->image ?: settings->directory;
        if (!p)
                return 0;
        s->path = realpath(p, NULL);
        if (!s->path)
                return log_error_errno(errno, "%s: the machine's %s '%s': %m", config,
                                       settings->image ? "image" : "tree", p);
        s->image = settings->image;
        s->keyed = true;
        return 0;
}

/* A tree in the machine directories, else MACHINES_DIR/NAME.raw. */
static int source_by_name(const char *name, CloneSource *s) {
        _cleanup_free_ char *dir = NULL, *raw = NULL;
        struct stat st;

        if (settings_find_machine_directory(name, &dir) >= 0) {
                s->path = realpath(dir, NULL);
                if (!s->path)
                        return log_error_errno(errno, "Failed to resolve %s: %m", dir);
                s->entry = TAKE_PTR(dir);
                return 0;
        }
        if (asprintf(&raw, MACHINES_DIR "/%s.raw", name) < 0)
                return log_oom();
        if (stat(raw, &st) < 0 || !S_ISREG(st.st_mode))
                return 0;
        /* cp --no-dereference would copy a symlink as a symlink: the "copy" the source itself. */
        s->path = realpath(raw, NULL);
        if (!s->path)
                return log_error_errno(errno, "Failed to resolve %s: %m", raw);
        s->entry = TAKE_PTR(raw);
        s->image = true;
        return 0;
}

static int source_find(const char *name, CloneSource *ret) {
        _cleanup_strv_free_ char **dirs = NULL;
        CloneSource s = {};
        int r;

        if (config_search_dirs(&dirs) < 0)
                return log_oom();
        STRV_FOREACH(d, dirs) {
                if (s.config)
                        break;
                if (asprintf(&s.config, "%s/%s.conf", *d, name) < 0)
                        return log_oom();
                if (access(s.config, F_OK) < 0) {
                        free(s.config);
                        s.config = NULL;
                }
        }
        if (!s.config)
                r = source_by_name(name, &s);
        else {
                r = source_from_config(s.config, &s);
                if (r >= 0 && !s.path)
                        r = source_by_name(name, &s);
        }
        if (r >= 0 && !s.path)
                r = s.config ? log_error_errno(SYNTHETIC_ERRNO(ENOENT), "Machine '%s' has a config file (%s) but no "
                                               "tree or image", name, s.config)
                             : log_error_errno(SYNTHETIC_ERRNO(ENOENT), "No machine '%s' (no %s/%s, %s/%s.conf or "
                                               "%s/%s.raw)", name, MACHINES_DIR, name, CONFIG_DIR, name,
                                               MACHINES_DIR, name);
        if (r < 0) {
                clone_source_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

/* Where the new machine's tree or image goes: beside the old one when it is named after the machine
 * (a rename keeps a tree of another name where it is: NULL); a clone of anything else goes into
 * MACHINES_DIR, as machinectl clone does. */
static int dest_path(const CloneSource *s, const char *name, const char *new_name, bool clone, char **ret) {
        const char *suffix = s->image ? ".raw" : "", *place = source_place(s), *base = strrchr(place, '/') + 1;
        _cleanup_free_ char *own = NULL;
        int r;

        *ret = NULL;
        if (asprintf(&own, "%s%s", name, suffix) < 0)
                return log_oom();
        if (streq(base, own) && (s->keyed || !clone))
                r = asprintf(ret, "%.*s%s%s", (int) (base - place), place, new_name, suffix);
        else if (clone)
                r = asprintf(ret, MACHINES_DIR "/%s%s", new_name, suffix);
        else
                return 0;
        return r < 0 ? log_oom() : 0;
}

/* The machine's other settings files, which nsboot reads when it has no NAME.conf (nsboot.conf(5)):
 * systemd-nspawn's in /etc and /run, and NAME.nsboot and NAME.nspawn beside the tree or image.
 * They go with the machine as they are. */
typedef struct SideFile {
        char *from, *to;
} SideFile;

#define SIDE_FILES_MAX 4

static void side_files_done(SideFile *f, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(f[i].from);
                free(f[i].to);
        }
}

/* dir_len: how much of from_dir and to_dir is the directory. */
static int side_file_add(SideFile *f, size_t *n, const char *from_dir, const char *to_dir, size_t dir_len[static 2],
                         const char *name, const char *new_name, const char *suffix) {
        SideFile x = {};
        struct stat st;

        if (asprintf(&x.from, "%.*s/%s%s", (int) dir_len[0], from_dir, name, suffix) < 0 ||
            asprintf(&x.to, "%.*s/%s%s", (int) dir_len[1], to_dir, new_name, suffix) < 0) {
                side_files_done(&x, 1);
                return log_oom();
        }
        if (lstat(x.from, &st) < 0 || !S_ISREG(st.st_mode)) {
                side_files_done(&x, 1);
                return 0;
        }
        f[(*n)++] = x;
        return 0;
}

static int side_files_find(const CloneSource *s, const char *name, const char *new_name, const char *dest,
                           SideFile ret[static SIDE_FILES_MAX], size_t *ret_n) {
        static const char *const nspawn_dirs[] = { "/etc/systemd/nspawn", "/run/systemd/nspawn" };
        static const char *const beside[] = { ".nsboot", ".nspawn" };
        const char *from = source_place(s), *to = dest ?: from;
        size_t n = 0, len[2];
        int r = 0;

        for (size_t i = 0; i < ELEMENTSOF(nspawn_dirs) && r >= 0; i++) {
                len[0] = len[1] = strlen(nspawn_dirs[i]);
                r = side_file_add(ret, &n, nspawn_dirs[i], nspawn_dirs[i], len, name, new_name, ".nspawn");
        }
        len[0] = (size_t) (strrchr(from, '/') - from);
        len[1] = (size_t) (strrchr(to, '/') - to);
        for (size_t i = 0; i < ELEMENTSOF(beside) && r >= 0; i++)
                r = side_file_add(ret, &n, from, to, len, name, new_name, beside[i]);
        if (r < 0) {
                side_files_done(ret, n);
                return r;
        }
        *ret_n = n;
        return 0;
}

/* Copies of the side files, each with its mode; on failure none is left. */
static int side_files_copy(const SideFile *f, size_t n) {
        size_t i;
        int r = 0;

        for (i = 0; i < n && r >= 0; i++) {
                _cleanup_free_ char *text = NULL, *tmp = NULL;
                struct stat st;

                if (asprintf(&tmp, "%s.tmp", f[i].to) < 0)
                        return log_oom();
                r = read_full_file(f[i].from, &text, NULL);
                if (r >= 0 && stat(f[i].from, &st) < 0)
                        r = -errno;
                if (r >= 0)
                        r = write_file_atomic(NULL, f[i].to, tmp, text, st.st_mode & 07777);
                if (r < 0)
                        log_error_errno(r, "Failed to copy %s to %s: %m", f[i].from, f[i].to);
        }
        if (r < 0)
                for (size_t j = 0; j + 1 < i; j++)
                        (void) unlink(f[j].to);
        return r;
}

/* NEWNAME must be free everywhere nsboot -M NEWNAME or nsbootctl would look. */
static int check_new_name(const char *new_name, const char *dest, const SideFile *side, size_t n_side) {
        _cleanup_free_ char *dir = NULL, *raw = NULL;
        _cleanup_strv_free_ char **dirs = NULL;

        if (config_search_dirs(&dirs) < 0)
                return log_oom();
        for (size_t i = 0; i < ELEMENTSOF(default_config_dirs); i++)
                if (!strv_contains(dirs, default_config_dirs[i]) && strv_extend(&dirs, default_config_dirs[i]) < 0)
                        return log_oom();
        STRV_FOREACH(d, dirs) {
                _cleanup_free_ char *conf = NULL;

                if (asprintf(&conf, "%s/%s.conf", *d, new_name) < 0)
                        return log_oom();
                if (access(conf, F_OK) >= 0)
                        return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "Machine '%s' exists already: %s", new_name,
                                               conf);
        }
        for (size_t i = 0; i < n_side; i++)
                if (access(side[i].to, F_OK) >= 0)
                        return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "Machine '%s' exists already: %s", new_name,
                                               side[i].to);
        if (asprintf(&raw, MACHINES_DIR "/%s.raw", new_name) < 0)
                return log_oom();
        if (settings_find_machine_directory(new_name, &dir) >= 0)
                return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "Machine '%s' exists already: %s", new_name, dir);
        if (access(raw, F_OK) >= 0)
                return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "Machine '%s' exists already: %s", new_name, raw);
        if (dest && (access(dest, F_OK) >= 0 || errno != ENOENT))
                return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "Machine '%s' cannot have %s: it exists already",
                                       new_name, dest);
        return 0;
}

/* The new tree or image is made, and then changed, by path in dest's directory: anyone else who
 * can write there could swap it for a symlink in between (the copy into /etc, the new machine ID
 * into the host's). Only root may write there (a sticky /tmp is no better). */
static int check_dest_dir(const char *dest) {
        _cleanup_free_ char *dir = strndup(dest, (size_t) (strrchr(dest, '/') - dest));
        struct stat st;

        if (!dir)
                return log_oom();
        if (stat(*dir ? dir : "/", &st) < 0)
                return log_error_errno(errno, "Failed to stat %s: %m", dir);
        if (st.st_uid != 0 || (st.st_mode & 0022))
                return log_error_errno(SYNTHETIC_ERRNO(EPERM), "%s is writable by others than root (owner %u, mode "
                                       "%04o): not making %s there", dir, (unsigned) st.st_uid,
                                       (unsigned) (st.st_mode & 07777), dest);
        return 0;
}

/* Both machines' locks: the old one's (and its tree's) refuse a machine that runs, the new name's
 * keeps it from starting before it is complete. */
static int lock_machines(const char *name, const char *path, const char *new_name, const char *dest, Lock locks[static 3]) {
        _cleanup_free_ char *lock_name = NULL;
        int r;

        r = lock_machine(name, path, locks);
        if (r < 0)
                return r;
        if (asprintf(&lock_name, "machine-%s", new_name) < 0)
                r = log_oom();
        else
                r = lock_acquire(lock_name, new_name, dest ?: path, &locks[2]);
        if (r < 0) {
                lock_release(&locks[1]);
                lock_release(&locks[0]);
        }
        return r;
}

static void unlock_machines(Lock locks[static 3]) {
        for (int i = 2; i >= 0; i--)
                lock_release(&locks[i]);
}

/* config's directory with NEW_NAME.conf in it. NULL on OOM. */
static char *new_config_path(const char *config, const char *new_name) {
        char *path;

        return asprintf(&path, "%.*s/%s.conf", (int) (strrchr(config, '/') - config), config, new_name) < 0 ? NULL : path;
}

/* The config file under the new name: keys rewritten, the old file's owner, group, mode and ACL
 * (those of the file an admin's symlink points to). new_path: where the tree or image went, NULL
 * when it stayed. */
static int write_new_config(const CloneSource *s, const char *name, const char *new_name, const char *new_path,
                            bool clone, char **ret_path) {
        _cleanup_free_ char *text = NULL, *out = NULL, *path = NULL, *tmp = NULL, *real = NULL;
        ConfigRename rename = { .name = name, .new_name = new_name, .new_hwaddrs = clone };
        int r, dir_len;

        if (s->keyed && new_path) {
                *(s->image ? &rename.image : &rename.directory) = s->path;
                *(s->image ? &rename.new_image : &rename.new_directory) = new_path;
        }
        r = read_full_file(s->config, &text, NULL);
        if (r >= 0 && !(real = realpath(s->config, NULL)))
                r = -errno;
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", s->config);
        r = config_rename_text(text, &rename, &out);
        if (r < 0)
                return log_error_errno(r, "Failed to rewrite %s: %m", s->config);
        dir_len = (int) (strrchr(s->config, '/') - s->config);
        path = new_config_path(s->config, new_name);
        if (!path || asprintf(&tmp, "%.*s/.%s.conf.tmp", dir_len, s->config, new_name) < 0)
                return log_oom();
        r = config_write_like(real, path, tmp, out);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", path);
        *ret_path = TAKE_PTR(path);
        return 0;
}

static int args_check(const CtlArgs *a, const char **ret_name, const char **ret_new_name) {
        const char *name = a->args[1], *new_name = a->args[2];

        if (!machine_name_is_valid(name))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' is not a valid machine name", name);
        if (!machine_name_is_valid(new_name))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' is not a valid machine name", new_name);
        if (streq(name, new_name))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' and '%s' are the same name", name, new_name);
        *ret_name = name;
        *ret_new_name = new_name;
        return 0;
}

/* For the tests: stops here when NSBOOT_TEST_PAUSE names point, to be killed there. */
static void test_pause(const char *point) {
        if (streq_ptr(getenv("NSBOOT_TEST_PAUSE"), point))
                (void) raise(SIGSTOP);
}

/* The journal of a clone: what it makes (the config file, the side files, the copy) and the copy's
 * move into place, which a failure, or the next nsbootctl after a kill, undoes. */
static int clone_journal_plan(const CloneSource *s, const char *name, const char *new_name, const char *dest,
                              const char *partial, const SideFile *side, size_t n_side, RenameJournal *ret) {
        _cleanup_free_ char *conf = s->config ? new_config_path(s->config, new_name) : NULL;
        int r;

        if (s->config && !conf)
                return log_oom();
        r = rename_journal_new(name, new_name, NULL, NULL, ret);
        if (r < 0)
                return r;
        ret->clone = true;
        if (conf)
                r = rename_journal_add_made(ret, conf);
        for (size_t i = 0; r >= 0 && i < n_side; i++)
                r = rename_journal_add_made(ret, side[i].to);
        if (r >= 0)
                r = rename_journal_add_made(ret, partial);
        if (r >= 0)
                r = rename_journal_add_move(ret, partial, dest);
        return r;
}

/* Clone: copy, new IDs, config, then the copy into place; any failure removes what was made. */
static int clone_into(const CtlArgs *a, const CloneSource *s, const char *name, const char *new_name, const char *dest,
                      const SideFile *side, size_t n_side) {
        _cleanup_(rename_journal_done) RenameJournal j = {};
        _cleanup_(progress_freep) Progress *p = NULL;
        _cleanup_free_ char *partial = NULL, *conf = NULL;
        const char *base = strrchr(dest, '/') + 1;
        int r;

        r = clone_check_mounts(s->path);
        if (r < 0)
                return r;
        if (asprintf(&partial, "%.*s.%s.partial", (int) (base - dest), dest, base) < 0)
                return log_oom();
        if (startswith(dest, MACHINES_DIR "/") && (r = mkdir_p(MACHINES_DIR, 0700)) < 0)
                return log_error_errno(r, "Failed to create " MACHINES_DIR ": %m");
        /* What a clone that was killed left (we hold the new name's lock). */
        if (tree_remove(partial) < 0)
                return log_error_errno(SYNTHETIC_ERRNO(EBUSY), "Cannot remove the leftover %s", partial);
        r = clone_journal_plan(s, name, new_name, dest, partial, side, n_side, &j);
        if (r >= 0)
                r = rename_journal_begin(&j);
        if (r >= 0)
                r = progress_new(new_name, !a->quiet && isatty(STDERR_FILENO), &p);
        if (r < 0) {
                (void) rename_journal_undo(&j);
                return r;
        }
        r = clone_copy(s->path, partial, s->image, p);
        if (r >= 0)
                r = progress_interrupted("the copy");
        if (r >= 0 && !s->image && (r = tree_ids_set(partial, name, new_name, a->keep_machine_id)) < 0)
                log_error_errno(r, "Failed to give the copy %s its own machine ID and host name: %m", partial);
        /* An image whose file system cannot be written (squashfs, erofs) keeps them. */
        if (r >= 0 && s->image && tree_ids_set_image(partial, name, new_name, a->keep_machine_id) < 0)
                log_warning("The copy of the image %s keeps its machine ID and host name", s->path);
        if (r >= 0 && s->config)
                r = write_new_config(s, name, new_name, dest, /* clone= */ true, &conf);
        if (r >= 0)
                r = side_files_copy(side, n_side);
        if (r >= 0)
                r = progress_interrupted("the copy");
        test_pause("clone-copied");
        if (r >= 0 && renameat2(AT_FDCWD, partial, AT_FDCWD, dest, RENAME_NOREPLACE) < 0)
                r = log_error_errno(errno, "Failed to rename %s to %s: %m", partial, dest);
        if (r < 0) {
                progress_fail(p);
                if (rename_journal_undo(&j) < 0)
                        log_error("Could not remove the half-made copy '%s'", partial);
                return r;
        }
        r = rename_journal_finish(&j);
        if (r < 0)
                return r;
        progress_done(p, dest);
        return 0;
}

/* The journal of a rename: the new config file, every move it will make, and the tree or image
 * whose /etc/hostname its last steps set. */
static int rename_journal_plan(const CloneSource *s, const char *name, const char *new_name, const char *dest,
                               const SideFile *side, size_t n_side, const char *log, const char *new_log,
                               RenameJournal *ret) {
        _cleanup_free_ char *conf = s->config ? new_config_path(s->config, new_name) : NULL;
        int r;

        if (s->config && !conf)
                return log_oom();
        r = rename_journal_new(name, new_name, s->config, conf, ret);
        if (r >= 0 && !(ret->tree = strdup(dest ?: s->path)))
                r = log_oom();
        ret->image = s->image;
        if (r >= 0 && dest)
                r = rename_journal_add_move(ret, source_place(s), dest);
        for (size_t i = 0; r >= 0 && i < n_side; i++)
                r = rename_journal_add_move(ret, side[i].from, side[i].to);
        /* the log only when it is there to move: an old NEWNAME.log is no one's to move back */
        if (r >= 0 && path_lexists(log) && !path_lexists(new_log))
                r = rename_journal_add_move(ret, log, new_log);
        return r;
}

/* Moves what carries the name on the host: the tree or image (when named after the machine), the
 * config file, the side files, nsbootctl start's log; then, after the commit, the tree's
 * /etc/hostname. A journal written first lets a failure here, or the next nsbootctl or nsboot -M
 * after a kill, undo the moves until the commit, and finish them after it. */
static int rename_files(const CtlArgs *a, const CloneSource *s, const char *name, const char *new_name, const char *dest,
                        const SideFile *side, size_t n_side) {
        _cleanup_(rename_journal_done) RenameJournal j = {};
        _cleanup_free_ char *conf = NULL, *log = NULL, *new_log = NULL;
        int r;

        if (asprintf(&log, START_LOG_DIR "/%s.log", name) < 0 || asprintf(&new_log, START_LOG_DIR "/%s.log", new_name) < 0)
                return log_oom();
        r = rename_journal_plan(s, name, new_name, dest, side, n_side, log, new_log, &j);
        if (r >= 0)
                r = rename_journal_begin(&j);
        if (r < 0)
                return r;
        if (dest && renameat2(AT_FDCWD, source_place(s), AT_FDCWD, dest, RENAME_NOREPLACE) < 0)
                r = log_error_errno(errno, "Failed to rename %s to %s: %m", source_place(s), dest);
        test_pause("rename-moved");
        if (r >= 0 && s->config)
                r = write_new_config(s, name, new_name, dest, /* clone= */ false, &conf);
        for (size_t i = 0; r >= 0 && i < n_side; i++)
                if (renameat2(AT_FDCWD, side[i].from, AT_FDCWD, side[i].to, RENAME_NOREPLACE) < 0)
                        log_warning_errno(errno, "Could not rename %s to %s, ignoring: %m", side[i].from, side[i].to);
        if (r >= 0 && renameat2(AT_FDCWD, log, AT_FDCWD, new_log, RENAME_NOREPLACE) < 0 && errno != ENOENT)
                log_warning_errno(errno, "Could not rename %s to %s, ignoring: %m", log, new_log);
        if (r >= 0)
                r = rename_journal_commit(&j);
        if (r < 0) {
                (void) rename_journal_undo(&j);
                return r;
        }
        test_pause("rename-committed");
        r = rename_journal_finish(&j);
        if (r < 0)
                return r;
        if (!a->quiet)
                log_info("Renamed machine '%s' to '%s'%s%s", name, new_name, dest ? ": " : "", strempty(dest));
        return 0;
}

/* The steps clone and rename share: the source found, its new place, both machines locked and the
 * new name free; then the one or the other. */
static int clone_or_rename(const CtlArgs *a, bool clone) {
        _cleanup_(clone_source_done) CloneSource s = {};
        _cleanup_free_ char *dest = NULL;
        Lock locks[3] = { { .fd = -EBADF }, { .fd = -EBADF }, { .fd = -EBADF } };
        const char *name = NULL, *new_name = NULL;
        SideFile side[SIDE_FILES_MAX] = {};
        size_t n_side = 0;
        sigset_t saved;
        int r;

        r = args_check(a, &name, &new_name);
        if (r < 0)
                return r;
        rename_journal_repair(name);
        rename_journal_repair(new_name);
        r = source_find(name, &s);
        if (r < 0)
                return r;
        r = dest_path(&s, name, new_name, clone, &dest);
        if (r >= 0)
                r = side_files_find(&s, name, new_name, dest, side, &n_side);
        if (r >= 0 && (r = lock_machines(name, s.path, new_name, dest, locks)) < 0)
                side_files_done(side, n_side);
        if (r < 0)
                return r;
        progress_interrupts_block(&saved);
        r = check_new_name(new_name, dest, side, n_side);
        if (r >= 0 && dest)
                r = check_dest_dir(dest);
        if (r >= 0)
                r = clone ? clone_into(a, &s, name, new_name, dest, side, n_side)
                          : rename_files(a, &s, name, new_name, dest, side, n_side);
        unlock_machines(locks);
        side_files_done(side, n_side);
        (void) sigprocmask(SIG_SETMASK, &saved, NULL);
        return r;
}

int verb_clone(const CtlArgs *a) {
        return clone_or_rename(a, /* clone= */ true);
}

int verb_rename(const CtlArgs *a) {
        return clone_or_rename(a, /* clone= */ false);
}
