/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Detached mounts (new mount API, Linux 5.2+): file systems and bind mounts that exist only as file
 * descriptors, never in any mount table, so they vanish with their last fd, even after SIGKILL. The
 * parent builds the guest's root this way; the child attaches it with move_mount(). Non-logging,
 * except detached_fs_*(), detached_tmpfs() and detached_mounts_idmap(), which log. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "basic/macro.h"

/* One detached mount and where it goes in the guest ("/" for the root). */
typedef struct DetachedMount {
        char *target;
        int fd;
        bool idmapped;          /* done, or not needed: an overlay over idmapped layers */
} DetachedMount;

/* The guest's root first, then mounts below it in the order they must be attached. */
typedef struct DetachedMounts {
        DetachedMount *items;
        size_t n;
} DetachedMounts;

#define DETACHED_MOUNTS_MAX 64

/* Appends (target, fd), taking the fd in every case. */
int detached_mounts_add(DetachedMounts *l, const char *target, int fd);
void detached_mounts_done(DetachedMounts *l);

/* A recursive clone of the directory at path (open_tree(OPEN_TREE_CLONE|AT_RECURSIVE)). */
int detached_clone(int dir_fd, const char *path, int *ret);
/* A new file system of type fstype from source (NULL for none), with comma-separated options (may be
 * NULL). Logs the kernel's own message on failure, naming what. */
int detached_fs_open(const char *fstype, const char *source, const char *options, bool read_only,
                     const char *what, int *ret);
/* Creates the file system configured on fsfd (from fsopen()) and a detached mount of it. Logs. */
int detached_fs_finish(int fsfd, const char *fstype, bool read_only, const char *what, int *ret);
/* A fresh tmpfs, mode 0755, with more options (may be NULL). Logs. */
int detached_tmpfs(const char *options, int *ret);
/* Sets attributes (MOUNT_ATTR_*) on the whole detached tree. */
int detached_set_read_only(int fd, bool read_only);
/* Idmaps the detached tree with the mapping of the user namespace userns_fd. */
int detached_idmap(int fd, int userns_fd);
/* Idmaps every mount of l not idmapped yet. Logs. */
int detached_mounts_idmap(DetachedMounts *l, int userns_fd);
/* Mounts the others of l on its root (l->items[0]), so that one detached tree is left, as far as
 * the kernel can (Linux 6.15); what it cannot stays in l. Logs. */
int detached_mounts_assemble(DetachedMounts *l);
/* The same, when one tree must be left: takes its fd, or fails naming the mount left over. Logs. */
int detached_mounts_assemble_root(DetachedMounts *l, int *ret_fd);
/* True when a file system of this type is in /proc/filesystems. */
bool detached_fs_known(const char *fstype);
