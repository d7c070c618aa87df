/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A user of the guest, looked up in its own /etc/passwd and /etc/group with fgetpwent() and
 * fgetgrent() (no NSS module of the host or the guest runs), and becoming it: for nsboot -u (stage
 * init) and nsbootctl enter -u. Called with the guest's root as /; a FIFO or device where the files
 * belong is never waited on. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#define GUEST_GROUPS_MAX 64

/* Whom a process runs as: ids, supplementary groups, and what the environment says of them. */
typedef struct GuestUser {
        uid_t uid;
        gid_t gid;
        gid_t groups[GUEST_GROUPS_MAX];
        int n_groups;
        char *name, *home, *shell;
} GuestUser;

void guest_user_done(GuestUser *u);
/* The user spec names (a name or a uid) in /etc/passwd: 1 found, -ESRCH when not there, 0 for root
 * of a tree without /etc/passwd, else -errno. Non-logging. */
int guest_user_lookup(const char *spec, GuestUser *ret);
/* The user's group and those of /etc/group that list it, into u->groups. */
void guest_user_groups(GuestUser *u);
/* setgroups(), setresgid(), setresuid() to u. Logs. */
int guest_user_become(const GuestUser *u);
