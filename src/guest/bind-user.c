/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/mount.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "bind-user.h"
#include "log.h"
#include "mount.h"
#include "settings.h"
#include "tree.h"
#include "userns-mount.h"
#include "userns.h"

bool bind_user_name_is_valid(const char *name) {
        if (!name || !*name || strlen(name) > 255 || !(name[0] == '_' || (name[0] >= 'A' && name[0] <= 'Z') ||
                                                      (name[0] >= 'a' && name[0] <= 'z')))
                return false;
        return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == strlen(name);
}

static void bound_user_done(BoundUser *u) {
        free(u->name);
        free(u->host_home);
        free(u->shell);
        *u = (BoundUser) {};
}

void bind_users_done(BoundUsers *b) {
        for (size_t i = 0; i < b->n; i++)
                bound_user_done(&b->items[i]);
        b->n = 0;
}

/* The tree's passwd(5) and group(5) files, read once, at most TREE_DB_MAX bytes each: a hostile
 * tree's huge file is refused, never parsed for minutes. A missing file, or one that is no regular
 * file (a FIFO is not waited on), has no entries. */
#define TREE_DB_MAX (1024 * 1024)

typedef struct TreeDb {
        char *text[2];          /* passwd, group */
} TreeDb;

static void tree_db_done(TreeDb *db) {
        free(db->text[0]);
        free(db->text[1]);
}

static int tree_db_read(int root, TreeDb *ret) {
        static const char *const files[2] = { "/etc/passwd", "/etc/group" };

        for (int i = 0; i < 2; i++) {
                _cleanup_close_ int fd = -EBADF;
                size_t n = 0;
                ssize_t k;

                if (tree_open_regular(root, files[i], &fd) < 0)
                        continue;
                ret->text[i] = malloc(TREE_DB_MAX + 1);
                if (!ret->text[i])
                        return log_oom();
                while (n <= TREE_DB_MAX && (k = read(fd, ret->text[i] + n, TREE_DB_MAX + 1 - n)) > 0)
                        n += (size_t) k;
                if (n > TREE_DB_MAX)
                        return log_error_errno(SYNTHETIC_ERRNO(EFBIG), "--bind-user: the guest's %s is larger than "
                                               "%u bytes, refusing to read it", files[i], TREE_DB_MAX);
                ret->text[i][n] = 0;
        }
        return 0;
}

/* Whether the tree's passwd (kind 0) or group (kind 1) file has an entry of that name, or, with
 * name NULL, with that id. */
static bool tree_db_has(const TreeDb *db, int kind, const char *name, uint32_t id) {
        if (!name)
                return idfile_text_has_ids(db->text[kind], id, 1);
        for (const char *line = db->text[kind]; line && *line;) {
                size_t len = strcspn(line, "\n");

                if (strcspn(line, ":\n") == strlen(name) && strncmp(line, name, strlen(name)) == 0)
                        return true;
                line += len + (line[len] == '\n');
        }
        return false;
}

/* The user's home, O_PATH: a directory the user owns, never the host's root directory (the home of
 * many a system user), which would give the guest the host's files. Logs. */
static int open_home(const char *name, const char *home, uid_t uid, int *ret_fd) {
        _cleanup_close_ int fd = open(home, O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct stat st, root;

        if (fd < 0 || fstat(fd, &st) < 0)
                return log_error_errno(errno, "--bind-user=%s: the user's home directory %s: %m", name, home);
        if (stat("/", &root) < 0)
                return log_error_errno(errno, "Failed to look at /: %m");
        if (st.st_dev == root.st_dev && st.st_ino == root.st_ino)
                return log_error_errno(SYNTHETIC_ERRNO(EPERM), "--bind-user=%s: the user's home is the host's root "
                                       "directory, which is not bound into a guest", name);
        if (st.st_uid != uid)
                return log_error_errno(SYNTHETIC_ERRNO(EPERM), "--bind-user=%s: the user's home %s belongs to uid %u, "
                                       "not to the user (%u): a system user's directory is not bound into a guest",
                                       name, home, (unsigned) st.st_uid, (unsigned) uid);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* The host's user name: its passwd entry, its own group, its home. Logs. */
static int resolve_host_user(const char *name, const char *shell, BoundUser *ret) {
        _cleanup_close_ int home = -EBADF;
        struct passwd pw, *pwp = NULL;
        struct group gr, *grp = NULL;
        char buf[16384], gbuf[16384];
        int r;

        r = getpwnam_r(name, &pw, buf, sizeof buf, &pwp);
        if (r != 0 || !pwp)
                return log_error_errno(r ? -r : SYNTHETIC_ERRNO(ESRCH), "--bind-user=%s: no such user on the host%s",
                                       name, r ? ": %m" : "");
        if (pw.pw_uid == 0)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--bind-user=%s: the host's root cannot be bound "
                                       "into a guest", name);
        if (pw.pw_uid == 65534 || pw.pw_gid == 65534)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--bind-user=%s: the host's nobody (65534) cannot be "
                                       "bound into a guest", name);
        r = getgrgid_r(pw.pw_gid, &gr, gbuf, sizeof gbuf, &grp);
        if (r != 0 || !grp)
                return log_error_errno(r ? -r : SYNTHETIC_ERRNO(ESRCH), "--bind-user=%s: the user's group %u has no "
                                       "entry on the host", name, (unsigned) pw.pw_gid);
        /* One user and one group go into the guest: only a group of the user's own (as systemd-nspawn). */
        if (!streq(gr.gr_name, name))
                return log_error_errno(SYNTHETIC_ERRNO(EOPNOTSUPP), "--bind-user=%s: the user's group is '%s', not a "
                                       "group of its own of the same name, which a bound user needs", name, gr.gr_name);
        if (!pw.pw_dir || pw.pw_dir[0] != '/')
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--bind-user=%s: the user's home directory '%s' is no "
                                       "absolute path", name, strempty(pw.pw_dir));
        r = open_home(name, pw.pw_dir, pw.pw_uid, &home);
        if (r < 0)
                return r;
        if (shell && streq(shell, "yes"))
                shell = pw.pw_shell && pw.pw_shell[0] == '/' ? pw.pw_shell : NULL;
        *ret = (BoundUser) { .host_uid = pw.pw_uid, .host_gid = pw.pw_gid, .name = strdup(name),
                             .host_home = strdup(pw.pw_dir), .shell = shell ? strdup(shell) : NULL };
        if (!ret->name || !ret->host_home || (shell && !ret->shell))
                return log_oom();
        return 0;
}

int bind_users_prepare(const Settings *s, int root, BoundUsers *ret) {
        _cleanup_(tree_db_done) TreeDb db = {};
        uint32_t next = BIND_USER_ID_MIN;
        int r;

        *ret = (BoundUsers) {};
        if (!s->bind_users)
                return 0;
        if (s->userns.mode == USERNS_NO)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--bind-user= needs the guest's own user namespace, "
                                       "which --private-users=no turns off");
        r = tree_db_read(root, &db);
        if (r < 0)
                return r;
        STRV_FOREACH(n, s->bind_users) {
                BoundUser *u = &ret->items[ret->n];

                r = resolve_host_user(*n, s->bind_user_shell, u);
                if (r < 0) {
                        bound_user_done(u);
                        goto fail;
                }
                ret->n++;
                if (tree_db_has(&db, 0, u->name, 0) || tree_db_has(&db, 1, u->name, 0)) {
                        r = log_error_errno(SYNTHETIC_ERRNO(EBUSY), "--bind-user=%s: the guest has a user or group of "
                                            "that name in its /etc/passwd or /etc/group already", u->name);
                        goto fail;
                }
                /* The first id from the last on that neither file of the tree uses, as uid and gid. */
                while (next <= BIND_USER_ID_MAX && (tree_db_has(&db, 0, NULL, next) || tree_db_has(&db, 1, NULL, next)))
                        next++;
                if (next > BIND_USER_ID_MAX) {
                        r = log_error_errno(SYNTHETIC_ERRNO(EBUSY), "--bind-user=%s: no id of %u..%u is free in the "
                                            "guest's /etc/passwd and /etc/group", u->name, BIND_USER_ID_MIN,
                                            BIND_USER_ID_MAX);
                        goto fail;
                }
                if (!userns_config_maps(&s->userns, false, next) || !userns_config_maps(&s->userns, true, next)) {
                        r = log_error_errno(SYNTHETIC_ERRNO(ERANGE), "--bind-user=%s: the guest's user namespace does "
                                            "not map id %u, which a bound user gets", u->name, next);
                        goto fail;
                }
                u->guest_id = next++;
        }
        return 0;
fail:
        bind_users_done(ret);
        return r;
}

static int punch(IdMapEntry *e, unsigned *n, const BoundUser *u, bool group) {
        uint32_t host = group ? u->host_gid : u->host_uid;
        int r = idmap_punch(e, n, u->guest_id, host);

        if (r == -EEXIST)
                return log_error_errno(r, "--bind-user=%s: host %s %u is one of the guest's own already (its range "
                                       "maps it): pick a range without it", u->name, group ? "gid" : "uid",
                                       (unsigned) host);
        if (r < 0)
                return log_error_errno(r, "--bind-user=%s: cannot map guest id %u to host %s %u: %m", u->name,
                                       u->guest_id, group ? "gid" : "uid", (unsigned) host);
        return 0;
}

int bind_users_map(const BoundUsers *b, UserNs *u) {
        for (size_t i = 0; i < b->n; i++) {
                int r = punch(u->map.uid, &u->map.n_uid, &b->items[i], false);

                if (r >= 0)
                        r = punch(u->map.gid, &u->map.n_gid, &b->items[i], true);
                if (r < 0)
                        return r;
        }
        return 0;
}

int bind_user_open_home(const BoundUser *u, int *ret_fd) {
        IdMap only = { .uid = { { u->host_uid, u->host_uid, 1 } }, .gid = { { u->host_gid, u->host_gid, 1 } },
                       .n_uid = 1, .n_gid = 1 };
        _cleanup_close_ int home = -EBADF, fd = -EBADF, userns = -EBADF;
        struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_IDMAP };
        int r;

        r = open_home(u->name, u->host_home, u->host_uid, &home);
        if (r < 0)
                return r;
        /* The home alone, not what is mounted below it. */
        fd = open_tree(home, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (fd < 0)
                return log_error_errno(errno, "--bind-user=%s: cannot bind the home directory %s: %m", u->name,
                                       u->host_home);
        /* Idmapped to the user's ids alone: the guest's other users, its root included, can change the
         * user's files but make none of their own there (EOVERFLOW), so no file of another owner, a
         * setuid one say, appears in the host user's home. */
        r = userns_open_maps(&only, &userns);
        if (r < 0)
                return r;
        attr.userns_fd = (uint64_t) userns;
        if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
                if (!IN_SET(errno, EINVAL, EOPNOTSUPP, EPERM))
                        return log_error_errno(errno, "--bind-user=%s: cannot set up the bind of %s: %m", u->name,
                                               u->host_home);
                log_warning_errno(errno, "--bind-user=%s: the file system of %s cannot be mounted idmapped (%m): files "
                                  "the guest's other users make in the home keep their host ids", u->name,
                                  u->host_home);
                attr = (struct mount_attr) { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
                if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
                        return log_error_errno(errno, "--bind-user=%s: cannot make the bind of %s nosuid: %m", u->name,
                                               u->host_home);
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* NAME.SUFFIX with the JSON text, and ID.SUFFIX as a symlink to it, in dir (userdb's drop-in names). */
static int write_record(int dir, const char *name, uint32_t id, const char *suffix, const char *json, mode_t mode) {
        char file[300], link[64];
        _cleanup_close_ int fd = -EBADF;
        int r;

        snprintf(file, sizeof file, "%s%s", name, suffix);
        snprintf(link, sizeof link, "%u%s", id, suffix);
        fd = openat(dir, file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        r = fd < 0 ? -errno : loop_write(fd, json, strlen(json));
        if (r >= 0 && symlinkat(file, dir, link) < 0)
                r = -errno;
        if (r < 0)
                return log_error_errno(r, "Failed to write %s/%s: %m", BIND_USER_USERDB_DIR, file);
        return 0;
}

static int write_records(int dir, const BoundUser *u) {
        _cleanup_free_ char *user = NULL, *group = NULL;
        size_t n;
        FILE *f;
        int r;

        if (!(f = open_memstream(&user, &n)))
                return log_oom();
        fputs("{\"userName\":", f);
        json_string(f, u->name);
        fprintf(f, ",\"uid\":%u,\"gid\":%u,\"homeDirectory\":\"" BIND_USER_HOME_DIR "/", u->guest_id, u->guest_id);
        fputs(u->name, f); /* bind_user_name_is_valid(): nothing to escape */
        fputs("\",\"service\":\"nsboot\"", f);
        if (u->shell) {
                fputs(",\"shell\":", f);
                json_string(f, u->shell);
        }
        fputs("}\n", f);
        if (fclose(f) != 0)
                return log_oom();
        if (!(f = open_memstream(&group, &n)))
                return log_oom();
        fputs("{\"groupName\":", f);
        json_string(f, u->name);
        fprintf(f, ",\"gid\":%u,\"service\":\"nsboot\"}\n", u->guest_id);
        if (fclose(f) != 0)
                return log_oom();
        r = write_record(dir, u->name, u->guest_id, ".group", group, 0644);
        return r < 0 ? r : write_record(dir, u->name, u->guest_id, ".user", user, 0644);
}

int bind_users_setup(const BoundUsers *b, const char *root) {
        _cleanup_free_ char *homedir = path_join(root, BIND_USER_HOME_DIR), *dbdir = path_join(root, BIND_USER_USERDB_DIR);
        _cleanup_close_ int db = -EBADF, home = -EBADF;
        int r;

        if (!b || b->n == 0)
                return 0;
        if (!homedir || !dbdir)
                return log_oom();
        /* In nsboot's own /run/host (a fresh tmpfs below it), nothing of the tree's. */
        if (mkdir(homedir, 0755) < 0 || mkdir(dbdir, 0755) < 0)
                return log_error_errno(errno, "Failed to create %s and %s: %m", homedir, dbdir);
        db = open(dbdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        home = open(homedir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (db < 0 || home < 0)
                return log_error_errno(errno, "Failed to open %s or %s: %m", dbdir, homedir);
        for (size_t i = 0; i < b->n; i++) {
                r = write_records(db, &b->items[i]);
                if (r < 0)
                        return r;
                if (mkdirat(home, b->items[i].name, 0755) < 0)
                        return log_error_errno(errno, "Failed to create %s/%s: %m", homedir, b->items[i].name);
        }
        return 0;
}

int bind_users_mount_homes(const BoundUsers *b, const int *homes, const char *root) {
        for (size_t i = 0; b && i < b->n; i++) {
                _cleanup_free_ char *where = NULL;
                _cleanup_close_ int point = -EBADF;
                int r;

                if (asprintf(&where, "%s" BIND_USER_HOME_DIR "/%s", root, b->items[i].name) < 0)
                        return log_oom();
                point = open(where, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (point < 0)
                        return log_error_errno(errno, "Failed to open %s: %m", where);
                r = mount_attach_at(homes[i], point, where);
                if (r < 0)
                        return r;
        }
        return 0;
}

const BoundUser *bind_users_find(const BoundUsers *b, const char *spec) {
        unsigned id;
        bool numeric = safe_atou(spec, &id) >= 0;

        for (size_t i = 0; b && i < b->n; i++)
                if (numeric ? b->items[i].guest_id == id : streq(b->items[i].name, spec))
                        return &b->items[i];
        return NULL;
}
