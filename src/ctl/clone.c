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
#include "basic/parse-util.h"
#include "clone.h"
#include "config-rename.h"
#include "config.h"
#include "create.h"
#include "ctl.h"
#include "lock.h"
#include "log.h"
#include "settings.h"
#include "tree.h"

#define MACHINES_DIR "/var/lib/machines"
#define CONFIG_DIR "/etc/nsboot"
#define START_LOG_DIR "/var/log/nsboot"

typedef struct CloneSource {
        char *config;           /* /etc/nsboot/NAME.conf, NULL when there is none */
        char *path;             /* the tree or the image, resolved */
        bool image;
        bool keyed;             /* the config file names path (else it was found by the machine's name) */
} CloneSource;

static void clone_source_done(CloneSource *s) {
        free(s->config);
        free(s->path);
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
                return s->path ? 0 : log_error_errno(errno, "Failed to resolve %s: %m", dir);
        }
        if (asprintf(&raw, MACHINES_DIR "/%s.raw", name) < 0)
                return log_oom();
        if (stat(raw, &st) < 0 || !S_ISREG(st.st_mode))
                return 0;
        s->path = TAKE_PTR(raw);
        s->image = true;
        return 0;
}

static int source_find(const char *name, CloneSource *ret) {
        CloneSource s = {};
        int r;

        if (asprintf(&s.config, CONFIG_DIR "/%s.conf", name) < 0)
                return log_oom();
        if (access(s.config, F_OK) < 0) {
                free(s.config);
                s.config = NULL;
                r = source_by_name(name, &s);
        } else {
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
        const char *suffix = s->image ? ".raw" : "", *base = strrchr(s->path, '/') + 1;
        _cleanup_free_ char *own = NULL;
        int r;

        *ret = NULL;
        if (asprintf(&own, "%s%s", name, suffix) < 0)
                return log_oom();
        if (streq(base, own) && (s->keyed || !clone))
                r = asprintf(ret, "%.*s%s%s", (int) (base - s->path), s->path, new_name, suffix);
        else if (clone)
                r = asprintf(ret, MACHINES_DIR "/%s%s", new_name, suffix);
        else
                return 0;
        return r < 0 ? log_oom() : 0;
}

/* NEWNAME must be free everywhere nsboot -M NEWNAME or nsbootctl would look. */
static int check_new_name(const char *new_name, const char *dest) {
        _cleanup_free_ char *conf = NULL, *dir = NULL, *raw = NULL;

        if (asprintf(&conf, CONFIG_DIR "/%s.conf", new_name) < 0 || asprintf(&raw, MACHINES_DIR "/%s.raw", new_name) < 0)
                return log_oom();
        if (access(conf, F_OK) >= 0)
                return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "Machine '%s' exists already: %s", new_name, conf);
        if (settings_find_machine_directory(new_name, &dir) >= 0)
                return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "Machine '%s' exists already: %s", new_name, dir);
        if (access(raw, F_OK) >= 0)
                return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "Machine '%s' exists already: %s", new_name, raw);
        if (dest && (access(dest, F_OK) >= 0 || errno != ENOENT))
                return log_error_errno(SYNTHETIC_ERRNO(EEXIST), "Machine '%s' cannot have %s: it exists already",
                                       new_name, dest);
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

/* The config file under the new name: keys rewritten, the old file's mode. new_path: where the
 * tree or image went, NULL when it stayed. */
static int write_new_config(const CloneSource *s, const char *name, const char *new_name, const char *new_path,
                            bool clone, char **ret_path) {
        _cleanup_free_ char *text = NULL, *out = NULL, *path = NULL, *tmp = NULL;
        ConfigRename rename = { .name = name, .new_name = new_name, .new_hwaddrs = clone };
        struct stat st;
        int r;

        if (s->keyed && new_path) {
                *(s->image ? &rename.image : &rename.directory) = s->path;
                *(s->image ? &rename.new_image : &rename.new_directory) = new_path;
        }
        r = read_full_file(s->config, &text, NULL);
        if (r < 0 || stat(s->config, &st) < 0)
                return log_error_errno(r < 0 ? r : -errno, "Failed to read %s: %m", s->config);
        r = config_rename_text(text, &rename, &out);
        if (r < 0)
                return log_error_errno(r, "Failed to rewrite %s: %m", s->config);
        if (asprintf(&path, CONFIG_DIR "/%s.conf", new_name) < 0 || asprintf(&tmp, CONFIG_DIR "/.%s.conf.tmp", new_name) < 0)
                return log_oom();
        r = write_file_atomic(NULL, path, tmp, out, st.st_mode & 07777);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", path);
        *ret_path = TAKE_PTR(path);
        return 0;
}

/* SIGINT, SIGTERM and SIGHUP wait while a clone runs, so that it can remove its half copy first:
 * blocked here (cp, which Ctrl-C reaches too, runs without), looked at between the steps, and
 * delivered when the mask is restored. */
static const int interrupts[] = { SIGINT, SIGTERM, SIGHUP };

static void interrupts_block(sigset_t *ret_old) {
        sigset_t set;

        sigemptyset(&set);
        for (size_t i = 0; i < ELEMENTSOF(interrupts); i++)
                sigaddset(&set, interrupts[i]);
        (void) sigprocmask(SIG_BLOCK, &set, ret_old);
}

static int interrupts_check(void) {
        sigset_t pending;

        if (sigpending(&pending) < 0)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(interrupts); i++)
                if (sigismember(&pending, interrupts[i]) == 1)
                        return log_error_errno(SYNTHETIC_ERRNO(EINTR), "Interrupted by %s, removing the copy",
                                               signal_to_string(interrupts[i], (char[16]) {}));
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

/* Clone: copy, new IDs, config, then the copy into place; any failure removes what was made. */
static int clone_into(const CtlArgs *a, const CloneSource *s, const char *name, const char *new_name, const char *dest) {
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
        r = progress_new(new_name, !a->quiet && isatty(STDERR_FILENO), &p);
        if (r < 0)
                return r;
        r = clone_copy(s->path, partial, s->image, p);
        if (r >= 0)
                r = interrupts_check();
        if (r >= 0 && !s->image && (r = clone_tree_ids(partial, name, new_name, a->keep_machine_id)) < 0)
                log_error_errno(r, "Failed to give the copy %s its own machine ID and host name: %m", partial);
        if (r >= 0 && s->config)
                r = write_new_config(s, name, new_name, dest, /* clone= */ true, &conf);
        if (r >= 0)
                r = interrupts_check();
        if (r >= 0 && renameat2(AT_FDCWD, partial, AT_FDCWD, dest, RENAME_NOREPLACE) < 0)
                r = log_error_errno(errno, "Failed to rename %s to %s: %m", partial, dest);
        if (r < 0) {
                progress_fail(p);
                if (conf)
                        (void) unlink(conf);
                if (tree_remove(partial) < 0)
                        log_error("Could not remove the half-made copy '%s'", partial);
                return r;
        }
        progress_done(p, dest);
        return 0;
}

/* Moves what carries the name on the host: the tree or image (when named after the machine), the
 * config file, nsbootctl start's log. Undone up to the config file when a step fails. */
static int rename_files(const CtlArgs *a, const CloneSource *s, const char *name, const char *new_name, const char *dest) {
        _cleanup_free_ char *conf = NULL, *log = NULL, *new_log = NULL;
        int r = 0;

        if (dest && renameat2(AT_FDCWD, s->path, AT_FDCWD, dest, RENAME_NOREPLACE) < 0)
                return log_error_errno(errno, "Failed to rename %s to %s: %m", s->path, dest);
        if (s->config)
                r = write_new_config(s, name, new_name, dest, /* clone= */ false, &conf);
        if (r >= 0 && s->config && unlink(s->config) < 0)
                r = log_error_errno(errno, "Failed to remove %s: %m", s->config);
        if (r < 0) {
                if (conf)
                        (void) unlink(conf);
                if (dest && rename(dest, s->path) < 0)
                        log_error_errno(errno, "Could not rename %s back to %s: %m", dest, s->path);
                return r;
        }
        if (!s->image && (r = clone_tree_ids(dest ?: s->path, name, new_name, /* keep_machine_id= */ true)) < 0)
                log_warning_errno(r, "Could not set the host name in %s/etc/hostname, ignoring: %m", dest ?: s->path);
        if (asprintf(&log, START_LOG_DIR "/%s.log", name) < 0 || asprintf(&new_log, START_LOG_DIR "/%s.log", new_name) < 0)
                return log_oom();
        if (renameat2(AT_FDCWD, log, AT_FDCWD, new_log, RENAME_NOREPLACE) < 0 && errno != ENOENT)
                log_warning_errno(errno, "Could not rename %s to %s, ignoring: %m", log, new_log);
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
        sigset_t saved;
        int r;

        r = args_check(a, &name, &new_name);
        if (r < 0)
                return r;
        r = source_find(name, &s);
        if (r < 0)
                return r;
        r = dest_path(&s, name, new_name, clone, &dest);
        if (r < 0)
                return r;
        r = lock_machines(name, s.path, new_name, dest, locks);
        if (r < 0)
                return r;
        interrupts_block(&saved);
        r = check_new_name(new_name, dest);
        if (r >= 0)
                r = clone ? clone_into(a, &s, name, new_name, dest) : rename_files(a, &s, name, new_name, dest);
        unlock_machines(locks);
        (void) sigprocmask(SIG_SETMASK, &saved, NULL);
        return r;
}

int verb_clone(const CtlArgs *a) {
        return clone_or_rename(a, /* clone= */ true);
}

int verb_rename(const CtlArgs *a) {
        return clone_or_rename(a, /* clone= */ false);
}
