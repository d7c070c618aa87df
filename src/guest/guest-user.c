/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "guest-user.h"
#include "log.h"

void guest_user_done(GuestUser *u) {
        free(u->name);
        free(u->home);
        free(u->shell);
}

/* A file of the tree that must be a regular one: a FIFO there must not block (O_NONBLOCK), nor a
 * device be read. NULL with errno, ENOENT for one that is not a regular file. */
static FILE *fopen_tree_file(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        struct stat st;
        FILE *f;

        if (fd < 0 || fstat(fd, &st) < 0)
                return NULL;
        if (!S_ISREG(st.st_mode)) {
                errno = ENOENT;
                return NULL;
        }
        if (fcntl(fd, F_SETFL, 0) < 0 || !(f = fdopen(fd, "re")))
                return NULL;
        TAKE_FD(fd);
        return f;
}

int guest_user_lookup(const char *spec, GuestUser *ret) {
        _cleanup_(fclosep) FILE *f = fopen_tree_file("/etc/passwd");
        unsigned uid;
        bool numeric = safe_atou(spec, &uid) >= 0;
        struct passwd *pw;

        if (!f)
                return errno == ENOENT && streq(spec, "root") ? 0 : -errno;
        while ((pw = fgetpwent(f)))
                if (numeric ? pw->pw_uid == uid : streq(pw->pw_name, spec)) {
                        *ret = (GuestUser) { .uid = pw->pw_uid, .gid = pw->pw_gid, .name = strdup(pw->pw_name),
                                             .home = strdup(pw->pw_dir), .shell = strdup(pw->pw_shell) };
                        return ret->name && ret->home && ret->shell ? 1 : -ENOMEM;
                }
        return -ESRCH;
}

void guest_user_groups(GuestUser *u) {
        _cleanup_(fclosep) FILE *f = fopen_tree_file("/etc/group");
        struct group *gr;

        u->n_groups = 0;
        u->groups[u->n_groups++] = u->gid;
        while (f && u->n_groups < GUEST_GROUPS_MAX && (gr = fgetgrent(f)))
                if (gr->gr_gid != u->gid && strv_contains(gr->gr_mem, u->name))
                        u->groups[u->n_groups++] = gr->gr_gid;
}

int guest_user_become(const GuestUser *u) {
        if (setgroups(u->n_groups, u->groups) < 0 || setresgid(u->gid, u->gid, u->gid) < 0 ||
            setresuid(u->uid, u->uid, u->uid) < 0)
                return log_error_errno(errno, "Failed to become user %u (group %u, %d supplementary groups): %m",
                                       (unsigned) u->uid, (unsigned) u->gid, u->n_groups);
        return 0;
}
