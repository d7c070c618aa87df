/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --bind-user: a host user, with its home directory, in the guest, as systemd-nspawn does it. The
 * user gets a guest id of 60514..60577 that the guest's user namespace maps to its host uid (and
 * its group's gid) alone, its home appears at /run/host/home/NAME, and JSON user and group records
 * in /run/host/userdb make it known to the guest's systemd (userdbctl, nss-systemd). The guest's
 * own /etc/passwd and /etc/group stay as they are. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* systemd's MAP_UID_MIN and MAP_UID_MAX: the guest ids bound users get, the first one free in the
 * tree's /etc/passwd and /etc/group first. */
#define BIND_USER_ID_MIN 60514U
#define BIND_USER_ID_MAX 60577U
#define BIND_USER_MAX (BIND_USER_ID_MAX - BIND_USER_ID_MIN + 1)
#define BIND_USER_HOME_DIR "/run/host/home"
#define BIND_USER_USERDB_DIR "/run/host/userdb"

typedef struct BoundUser {
        char *name;             /* the user's name and that of its group, on the host and in the guest */
        uid_t host_uid;
        gid_t host_gid;
        uint32_t guest_id;      /* its uid and gid in the guest */
        char *host_home;
        char *shell;            /* NULL: the guest's default */
} BoundUser;

typedef struct BoundUsers {
        BoundUser items[BIND_USER_MAX];
        size_t n;
} BoundUsers;

typedef struct Settings Settings;
typedef struct UserNs UserNs;

/* The syntax of a user name --bind-user accepts. */
bool bind_user_name_is_valid(const char *name);

/* Parent, before anything is made: resolves the users of --bind-user on the host and picks their
 * guest ids against the files of the guest's root (a directory fd, looked into as the guest would).
 * Logs, naming the option. */
int bind_users_prepare(const Settings *s, int root, BoundUsers *ret);
/* Parent, once the guest's maps are chosen: maps each user's guest id to its host ids. Logs. */
int bind_users_map(const BoundUsers *b, UserNs *u);
void bind_users_done(BoundUsers *b);
static inline void bind_users_donep(BoundUsers **b) {
        if (*b)
                bind_users_done(*b);
}

/* Parent: the home directory of user i as a detached mount, nosuid and nodev, idmapped to the
 * user's ids alone. Logs. */
int bind_user_open_home(const BoundUser *u, int *ret_fd);
/* Child, while /run/host below root is writable: the records in /run/host/userdb and the mount
 * points /run/host/home/NAME. Logs. */
int bind_users_setup(const BoundUsers *b, const char *root);
/* Child, on top of the read-only /run/host (so that its bind does not copy them): the homes, homes[i]
 * from bind_user_open_home(). Logs. */
int bind_users_mount_homes(const BoundUsers *b, const int *homes, const char *root);
/* The bound user that spec (a name or a guest uid) names, else NULL. */
const BoundUser *bind_users_find(const BoundUsers *b, const char *spec);
