/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guest's user namespace: parsing --private-users= and lxc.idmap, picking a free id range for
 * the machine (locked while it runs), and writing the maps of the cloned child. Parent stage. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "basic/macro.h"
#include "lock.h"

typedef enum UserNsMode {
        USERNS_NO,              /* --private-users=no: root in the guest is root on the host */
        USERNS_PICK,            /* a free 64Ki range, chosen at start (the default) */
        USERNS_YES,             /* the range the tree was chowned to, else as pick */
        USERNS_FIXED,           /* BASE[:SIZE] */
        USERNS_IDENTITY,        /* 0..65535 mapped to themselves */
        USERNS_IDMAP,           /* lxc.idmap lines */
        _USERNS_MODE_MAX,
        _USERNS_MODE_INVALID = -EINVAL,
} UserNsMode;

typedef enum UserNsOwnership {
        USERNS_OWNERSHIP_AUTO,  /* map a root-owned tree, nothing for a tree already in the range */
        USERNS_OWNERSHIP_MAP,   /* an idmapped mount of the tree */
        USERNS_OWNERSHIP_CHOWN, /* shift the tree's owners on disk, once */
        USERNS_OWNERSHIP_OFF,   /* the tree as it is */
        _USERNS_OWNERSHIP_MAX,
        _USERNS_OWNERSHIP_INVALID = -EINVAL,
} UserNsOwnership;

const char *userns_ownership_to_string(UserNsOwnership o);
UserNsOwnership userns_ownership_from_string(const char *s);

#define USERNS_RANGE_SIZE 0x10000U
/* nspawn's pick range: above the ids of ordinary users, below the 2^31 that some tools mishandle. */
#define USERNS_PICK_MIN 0x00080000U
#define USERNS_PICK_MAX 0x6FFF0000U
/* lxc.idmap lines of each kind a config may have; the maps themselves have room for the lines of
 * --bind-user (two more a user at most) and the tree mount's host root. */
#define IDMAP_CONFIG_MAX 8
#define IDMAP_MAX 160

typedef struct IdMapEntry {
        uint32_t inside, outside, count;
} IdMapEntry;

typedef struct IdMap {
        IdMapEntry uid[IDMAP_MAX], gid[IDMAP_MAX];
        unsigned n_uid, n_gid;
} IdMap;

typedef struct UserNsConfig {
        UserNsMode mode;
        uint32_t base, size;    /* USERNS_FIXED */
        UserNsOwnership ownership;
        IdMap idmap;            /* USERNS_IDMAP */
} UserNsConfig;

/* "yes|no|pick|identity|BASE[:SIZE]" (and booleans). Non-logging. */
int userns_parse_mode(const char *value, UserNsConfig *c);
/* One lxc.idmap line, "u|g|b INSIDE OUTSIDE COUNT". Non-logging. */
int userns_parse_idmap_line(const char *value, IdMap *m);
/* Checks a complete lxc.idmap: both kinds present, no overlaps, 0 mapped. Non-logging. */
int idmap_check(const IdMap *m);

/* Whether the text of a passwd(5) or group(5) file names an id (its third field) in [base,
 * base+size). Non-logging. */
bool idfile_text_has_ids(const char *text, uint32_t base, uint32_t size);

/* The ranges of a reserved line "nsboot:START:COUNT" (else "root:...") of a subuid/subgid file;
 * -ENOENT when there is none. Non-logging. */
int userns_read_subid(const char *path, uint32_t *ret_start, uint32_t *ret_count);

/* What a running machine got: the maps written and the lock that keeps the range its own. */
typedef struct UserNs {
        bool enabled;
        IdMap map;
        uid_t root_uid;         /* the host uid of the guest's root */
        gid_t root_gid;
        bool idmap_tree;        /* mount the tree idmapped */
        bool chown_tree;
        Lock lock;
} UserNs;

/* Chooses the maps for the machine (picking and locking a range where needed), from the settings
 * and the owner of the tree's root directory. Logs. */
int userns_acquire(const UserNsConfig *c, const char *machine, const char *directory, UserNs *ret);
void userns_release(UserNs *u);
/* Writes uid_map, gid_map of the child pid. Logs. */
int userns_write_maps(const UserNs *u, pid_t pid);
/* Whether the user namespace c describes maps guest user (or, with group, group) id; a picked
 * range has USERNS_RANGE_SIZE ids. Without a user namespace every id but (uint32_t) -1 is one. */
bool userns_config_maps(const UserNsConfig *c, bool group, uint32_t id);
/* Maps guest id inside to host id outside alone, taken out of the range that mapped inside before:
 * -ERANGE when no range maps inside, -EEXIST when a range maps outside already, -E2BIG when the map
 * is full. Non-logging. */
int idmap_punch(IdMapEntry *e, unsigned *n, uint32_t inside, uint32_t outside);
/* The host id that guest id maps to, or (uint32_t) -1. */
uint32_t idmap_to_host(const IdMapEntry *e, unsigned n, uint32_t id);
/* "0 BASE SIZE\n..." as written to uid_map. */
char *idmap_format(const IdMapEntry *e, unsigned n);
