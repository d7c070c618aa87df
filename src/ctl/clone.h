/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The tree side of nsbootctl clone and rename: copying a stopped machine's tree or image
 * faithfully, and giving the copy its own identity. */
#pragma once

#include <stdbool.h>

#include "create.h"

/* -EBUSY, logged, when anything is mounted below path (at path itself is fine: its contents are
 * what is copied). Logs. */
int clone_check_mounts(const char *path);
/* Copies the tree or image src to dest (which must not exist): a btrfs snapshot when src is a
 * subvolume without subvolumes below it and dest is on the same file system, else cp with owners,
 * modes, ACLs, extended attributes (file capabilities), times, hard links, holes, device nodes,
 * FIFOs, sockets and symlinks as they are, sharing blocks by reflink where the file system can.
 * dest may be left half-made on failure. Logs. */
int clone_copy(const char *src, const char *dest, bool image, Progress *p);
/* In the tree at dir: /etc/hostname when it holds name gets new_name; unless keep_machine_id,
 * /etc/machine-id when it holds an ID gets a new random one, and /var/lib/dbus/machine-id when it
 * is a regular file with an ID gets the same (or a new one of its own if it differed). Files are
 * opened inside the tree, never through a symlink as their last component, and only when they are
 * regular files; the shape (trailing newline, owner, mode) stays. Non-logging. */
int clone_tree_ids(const char *dir, const char *name, const char *new_name, bool keep_machine_id);
/* The same inside the disk image at path, mounted writable as detached mounts over loop devices
 * (none left when it returns). Logs only what image_open() logs. */
int clone_image_ids(const char *image, const char *name, const char *new_name, bool keep_machine_id);
