/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The tree side of nsbootctl clone and rename: copying a stopped machine's tree or image
 * faithfully (tree-ids.h gives it its own identity). */
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
