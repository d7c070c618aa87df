/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Looking into a container tree from the host, resolving every path inside the tree (symlinks
 * included) as the guest would. Parent stage, before anything is created. And removing a whole tree
 * (nsbootctl, and the repair of a killed rename or clone). Non-logging. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>
#include "id128-util.h"

/* Opens path below root_fd as if root_fd were "/"; flags as for openat(). */
int tree_open(int root_fd, const char *path, int flags);
/* The same with a mode for O_CREAT. */
int tree_open_mode(int root_fd, const char *path, int flags, mode_t mode);
/* Opens path for reading if it is a regular file: never a FIFO or a device node. -EBADFD for
 * anything else (-EISDIR for a directory). */
int tree_open_regular(int root_fd, const char *path, int *ret);
/* The same with open flags (O_RDWR); O_NOFOLLOW: a symlink as the last component is -EBADFD. */
int tree_open_regular_flags(int root_fd, const char *path, int flags, int *ret);
/* True when the tree has /etc/os-release or /usr/lib/os-release, as a regular file. */
bool tree_has_os_release(int root_fd);
/* Writes the guest path of the first executable init candidate (systemd first, then /sbin/init). */
int tree_find_init(int root_fd, const char **ret);
/* Reads /etc/machine-id of the tree; -ENOMEDIUM when missing, empty or "uninitialized", -EBADMSG
 * when it is no regular file or no valid ID. */
int tree_read_machine_id(int root_fd, Id128 *ret);

/* Creates path (and missing parents) as directories inside the tree, resolving every existing
 * component inside it: a symlink in the tree can never make us create something on the host. */
int tree_mkdir_p(int root_fd, const char *path, mode_t mode);
/* The same for an empty file at path (parents are directories). */
int tree_touch(int root_fd, const char *path, mode_t mode);
/* The same, appending each directory or file they make (parents first) to *made, even when they
 * fail half way: for tree_unmake(). */
int tree_mkdir_p_made(int root_fd, const char *path, mode_t mode, char ***made);
int tree_touch_made(int root_fd, const char *path, mode_t mode, char ***made);
/* Removes what made lists, the last first: directories that are empty and files that are empty,
 * never anything else. Non-logging. */
void tree_unmake(int root_fd, char **made);

typedef enum TreeCreate {
        TREE_CREATE_NONE,
        TREE_CREATE_DIR,        /* tree_mkdir_p(), 0755 */
        TREE_CREATE_FILE,       /* tree_touch(), 0644 */
} TreeCreate;

/* Opens path of the tree at the directory root O_PATH (plus flags), creating it first as asked:
 * the one way mount points and other paths of a tree are reached by path. Non-logging. */
int tree_open_at_path(const char *root, const char *path, TreeCreate create, int flags);

typedef enum TreeInitKind {
        TREE_INIT_SYSTEMD,
        TREE_INIT_SYSVINIT,     /* also OpenRC started by sysvinit-core */
        TREE_INIT_OPENRC,       /* openrc-init as PID 1 */
        TREE_INIT_RUNIT,        /* runit-init */
        TREE_INIT_BUSYBOX,
        TREE_INIT_OTHER,
        _TREE_INIT_KIND_MAX,
        _TREE_INIT_KIND_INVALID = -EINVAL,
} TreeInitKind;

/* Which init the guest path init of the tree is (following its symlinks inside the tree). */
TreeInitKind tree_init_kind(int root_fd, const char *init);
const char *tree_init_kind_to_string(TreeInitKind k);

extern const char *const tree_init_candidates[];

/* rm -rf of path, staying on its file system; -EBUSY when anything is mounted at or below it
 * (unmounted first when it is what a build tool left: proc, sys, dev below path). */
int tree_remove(const char *path);
