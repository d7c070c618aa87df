/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/strv.h"
#include "lock.h"
#include "log.h"
#include "rename-journal.h"
#include "settings.h"
#include "tree-ids.h"
#include "tree.h"

#define MACHINES_DIR "/var/lib/machines"
#define JOURNAL_PREFIX ".nsbootctl-rename-"
#define JOURNAL_MAGIC "nsbootctl-rename"
#define JOURNAL_MAGIC_CLONE "nsbootctl-clone"
/* the lines before the moves */
#define JOURNAL_FIELDS 8

void rename_journal_done(RenameJournal *j) {
        free(j->path);
        free(j->name);
        free(j->new_name);
        free(j->config);
        free(j->new_config);
        free(j->tree);
        strv_free(j->moves);
        *j = (RenameJournal) {};
}

static char *strdup_or_null(const char *s, bool *oom) {
        char *p = s && *s ? strdup(s) : NULL;

        if (s && *s && !p)
                *oom = true;
        return p;
}

int rename_journal_new(const char *name, const char *new_name, const char *config, const char *new_config,
                       RenameJournal *ret) {
        RenameJournal j = {};
        bool oom = false;

        j.name = strdup_or_null(name, &oom);
        j.new_name = strdup_or_null(new_name, &oom);
        j.config = strdup_or_null(config, &oom);
        j.new_config = strdup_or_null(new_config, &oom);
        if (oom || asprintf(&j.path, MACHINES_DIR "/" JOURNAL_PREFIX "%s", name) < 0) {
                rename_journal_done(&j);
                return log_oom();
        }
        *ret = j;
        return 0;
}

int rename_journal_add_move(RenameJournal *j, const char *from, const char *to) {
        if (strv_extend(&j->moves, from) < 0 || strv_extend(&j->moves, to) < 0)
                return log_oom();
        return 0;
}

int rename_journal_add_made(RenameJournal *j, const char *path) {
        return rename_journal_add_move(j, path, "");
}

/* One line a field, the moves last: "nsbootctl-rename" (or -clone), pending or committed, the names,
 * the config files (empty: none), "tree" or "image" and its path (both empty: none), then FROM and
 * TO of each move. */
static int journal_write(const RenameJournal *j) {
        _cleanup_free_ char *text = NULL, *tmp = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        int r;

        if (!f)
                return log_oom();
        fprintf(f, "%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n", j->clone ? JOURNAL_MAGIC_CLONE : JOURNAL_MAGIC,
                j->committed ? "committed" : "pending", j->name, j->new_name, strempty(j->config),
                strempty(j->new_config), !j->tree ? "" : j->image ? "image" : "tree", strempty(j->tree));
        for (char **m = j->moves; m && *m; m++)
                fprintf(f, "%s\n", *m);
        if (fclose(f) != 0)
                return log_oom();
        if (strv_length(j->moves) % 2 != 0 || size == 0)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Bad rename journal");
        for (char **m = j->moves; m && *m; m++)
                if (strchr(*m, '\n'))
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s': a path with a newline", *m);
        if (j->tree && strchr(j->tree, '\n'))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s': a path with a newline", j->tree);
        if (asprintf(&tmp, "%s.tmp", j->path) < 0)
                return log_oom();
        r = mkdir_p(MACHINES_DIR, 0700);
        if (r >= 0)
                r = write_file_atomic(NULL, j->path, tmp, text, 0600);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", j->path);
        return 0;
}

int rename_journal_begin(RenameJournal *j) {
        j->committed = false;
        return journal_write(j);
}

int rename_journal_commit(RenameJournal *j) {
        j->committed = true;
        return journal_write(j);
}

static int journal_remove(const RenameJournal *j) {
        if (unlink(j->path) < 0 && errno != ENOENT)
                return log_error_errno(errno, "Failed to remove %s: %m", j->path);
        return 0;
}

/* The host name, resolved again: a symlink in the machine directory was renamed, not what it
 * points to. Done before the journal goes, and again by the repair of a rename killed after its
 * commit: a file that holds the new name already is left as it is. */
static void journal_set_hostname(const RenameJournal *j) {
        _cleanup_free_ char *tree = NULL;
        int r;

        if (!j->tree)
                return;
        tree = realpath(j->tree, NULL);
        r = !tree ? -errno
                  : j->image ? tree_ids_set_image(tree, j->name, j->new_name, /* keep_machine_id= */ true)
                             : tree_ids_set(tree, j->name, j->new_name, /* keep_machine_id= */ true);
        if (r < 0)
                log_warning_errno(r, "Could not set the host name in /etc/hostname of %s, ignoring: %m",
                                  j->tree);
}

int rename_journal_finish(RenameJournal *j) {
        journal_set_hostname(j);
        if (j->config && unlink(j->config) < 0 && errno != ENOENT)
                return log_error_errno(errno, "Failed to remove %s: %m", j->config);
        return journal_remove(j);
}

int rename_journal_undo(RenameJournal *j) {
        int r = 0;

        /* The new config file was written from the old one, which is still there until the commit. */
        if (j->config && j->new_config && path_lexists(j->config) && unlink(j->new_config) < 0 && errno != ENOENT)
                r = log_error_errno(errno, "Could not remove %s: %m", j->new_config);
        for (size_t i = strv_length(j->moves) & ~(size_t) 1; i >= 2; i -= 2) {
                const char *from = j->moves[i - 2], *to = j->moves[i - 1];

                if (isempty(to)) {
                        if (tree_remove(from) < 0)
                                r = log_error_errno(SYNTHETIC_ERRNO(EBUSY), "Could not remove %s", from);
                        continue;
                }
                if (path_lexists(from) || !path_lexists(to))
                        continue; /* not made (or someone else's since) */
                if (renameat2(AT_FDCWD, to, AT_FDCWD, from, RENAME_NOREPLACE) < 0)
                        r = log_error_errno(errno, "Could not rename %s back to %s: %m", to, from);
        }
        return r < 0 ? r : journal_remove(j);
}

static int journal_load(const char *path, RenameJournal *ret) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **l = NULL;
        size_t n;
        int r;

        r = read_full_file(path, &text, NULL);
        if (r < 0)
                return r;
        l = strv_split_keep_empty(text, '\n');
        if (!l)
                return -ENOMEM;
        n = strv_length(l);
        /* the text ends in a newline: the last field is empty */
        if (n < JOURNAL_FIELDS + 1 || n % 2 == 0 || !isempty(l[n - 1]) ||
            (!streq(l[0], JOURNAL_MAGIC) && !streq(l[0], JOURNAL_MAGIC_CLONE)) ||
            (!streq(l[1], "pending") && !streq(l[1], "committed")) || !machine_name_is_valid(l[2]) ||
            !machine_name_is_valid(l[3]) ||
            !(isempty(l[6]) ? isempty(l[7]) : streq(l[6], "tree") || streq(l[6], "image")))
                return -EBADMSG;
        r = rename_journal_new(l[2], l[3], l[4], l[5], ret);
        if (r < 0)
                return r;
        ret->committed = streq(l[1], "committed");
        ret->clone = streq(l[0], JOURNAL_MAGIC_CLONE);
        ret->image = streq(l[6], "image");
        if (!isempty(l[7]) && !(ret->tree = strdup(l[7]))) {
                rename_journal_done(ret);
                return -ENOMEM;
        }
        for (size_t i = JOURNAL_FIELDS; i + 1 < n; i += 2)
                if (rename_journal_add_move(ret, l[i], l[i + 1]) < 0) {
                        rename_journal_done(ret);
                        return -ENOMEM;
                }
        return 0;
}

static int lock_name(const char *machine, Lock *ret) {
        _cleanup_free_ char *name = NULL;

        if (asprintf(&name, "machine-%s", machine) < 0)
                return -ENOMEM;
        return lock_try(name, machine, "(rename repair)", ret);
}

static void repair_one(RenameJournal *j) {
        Lock locks[2] = { { .fd = -EBADF }, { .fd = -EBADF } };
        const char *what = j->clone ? "clone" : "rename";
        int r;

        if (lock_name(j->name, &locks[0]) < 0 || lock_name(j->new_name, &locks[1]) < 0)
                log_warning("The %s of machine '%s' to '%s' was interrupted; one of them is in use now, "
                            "leaving it as it is", what, j->name, j->new_name);
        else if (j->committed) {
                r = rename_journal_finish(j);
                if (r >= 0)
                        log_info("Finished the %s of machine '%s' to '%s' that was interrupted", what, j->name,
                                 j->new_name);
        } else {
                r = rename_journal_undo(j);
                if (r >= 0)
                        log_info("Undid the %s of machine '%s' to '%s' that was interrupted", what, j->name,
                                 j->new_name);
        }
        /* and the locks the killed rename left (of the tree, say), not held by anyone */
        if (locks[1].fd >= 0) {
                (void) lock_remove_stale(j->name);
                (void) lock_remove_stale(j->new_name);
        }
        lock_release(&locks[1]);
        lock_release(&locks[0]);
}

void rename_journal_repair(const char *name) {
        _cleanup_(closedirp) DIR *d = opendir(MACHINES_DIR);

        for (struct dirent *de; d && (de = readdir(d));) {
                _cleanup_free_ char *path = NULL;
                RenameJournal j = {};

                if (!startswith(de->d_name, JOURNAL_PREFIX) || endswith(de->d_name, ".tmp") ||
                    asprintf(&path, MACHINES_DIR "/%s", de->d_name) < 0)
                        continue;
                if (journal_load(path, &j) < 0 || !streq(j.path, path)) {
                        rename_journal_done(&j);
                        log_warning("Ignoring %s: not a journal of nsbootctl rename", path);
                        continue;
                }
                if (streq(j.name, name) || streq(j.new_name, name))
                        repair_one(&j);
                rename_journal_done(&j);
        }
}
