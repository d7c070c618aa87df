/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine's cgroup on the host's cgroup2 hierarchy (pure v2, or the "unified" one of a hybrid
 * host). Parent stage: create before the child starts, attach the child, remove after it is gone. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "cgroup-v1.h"

typedef struct CGroup {
        char *root;      /* cgroup2 mount point on the host, e.g. /sys/fs/cgroup/unified */
        char *path;      /* absolute directory of the machine's cgroup: its limits and usage */
        char *payload;   /* the guest's cgroup, root of its cgroup namespace: PATH/payload, or PATH
                          * itself with --keep-unit (then PATH is already UNIT/payload) */
        CGroupV1 v1;     /* hybrid host: its cgroups in the v1 hierarchies */
} CGroup;

/* Finds the host's cgroup2 mount. Non-logging. */
int cgroup_find_v2_root(char **ret);
/* "machine-<escaped name>.scope", escaped as systemd escapes unit names. Non-logging. */
char *cgroup_scope_name(const char *machine);

/* The directories cgroup_create() and cgroup_create_v1() make for machine (the cgroup2 one first,
 * then one per v1 hierarchy of a hybrid host), without making them: for a record written before
 * they exist. The v1 ones are kept in cg for cgroup_create_v1() (cgroup_v1_plan()). Non-logging. */
int cgroup_planned_dirs(CGroup *cg, const char *machine, bool keep_unit, const char *slice, char ***ret);
/* Creates <root>/machine.slice/machine-NAME.scope and its payload (with keep_unit: <own
 * cgroup>/payload, moving nsboot to <own cgroup>/supervisor), removing an empty leftover first.
 * Logs. */
int cgroup_create(CGroup *cg, const char *machine, bool keep_unit, const char *slice);
/* A hybrid host's controllers are on v1: the machine's cgroups there (cgroup_v1_create()), made once
 * cgroup_create() made the cgroup2 one; a no-op on a cgroup v2 host. Separate, so that they can be
 * made while the child sets up: the child needs them only for its cgroup namespace. The guest gets a
 * payload cgroup below the machine's limits only when its root is the host's (host_root_guest, no
 * user namespace): only that root could write the files of a v1 hierarchy it mounts, all owned by
 * the host's root; the guest's own cgroups are on cgroup2. Logs. */
int cgroup_create_v1(CGroup *cg, const char *machine, bool keep_unit, const char *slice, bool host_root_guest);
/* Once the machine is registered, before its init runs: the leader back into the payload when
 * leader_moved (a scope that machined starts takes it into its own cgroup), and the controllers
 * handed down to the payload, which the guest's init delegates further. Logs. */
int cgroup_delegate(const CGroup *cg, pid_t leader, bool leader_moved);
/* The cgroup path of a slice unit: "machine-web.slice" -> "/machine.slice/machine-web.slice". */
char *cgroup_slice_path(const char *slice);
int cgroup_attach(const CGroup *cg, pid_t pid);
/* Gives the payload's directory and its delegation files to the guest's root. Logs. */
int cgroup_chown(const CGroup *cg, uid_t uid, gid_t gid);
/* Whether the cgroup2 hierarchy is the "unified" one of a hybrid host (controllers on v1). */
bool cgroup_is_hybrid(const CGroup *cg);
/* Where the machine's cgroups go below nsboot's own one in each v1 hierarchy. Non-logging. */
int cgroup_v1_suffix(const char *machine, bool keep_unit, const char *slice, char **ret);
/* Removes the directory and any empty sub-cgroups the guest left, retrying while the last
 * processes leave. Non-logging. */
int cgroup_remove_dir(const char *path);
/* The same at once, without waiting: -EBUSY while processes are in it or below it. Non-logging. */
int cgroup_remove_tree(const char *path);
/* After a machine's directory dir is gone: the slices above it that a --slice made (NAME.slice; not
 * the default machine.slice, which stays, as with systemd), each removed if it is empty now, up to
 * the first that is not. Non-logging. */
void cgroup_remove_slices(const char *dir);
/* Removes the machine's cgroups (cgroup2 and v1), and the empty slices above them. Logs. */
int cgroup_remove(CGroup *cg);
void cgroup_done(CGroup *cg);
