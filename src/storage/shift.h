/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --private-users-ownership=chown: shifts the owners of a tree on disk into the guest's range, once,
 * for file systems that cannot be mounted idmapped. Parent stage, before the child starts. */
#pragma once

#include <stdint.h>

/* Adds uid_base to every owner and gid_base to every group below 'size' of every file of the tree
 * at directory (one file system, symlinks not followed), keeping set-user-ID and set-group-ID bits;
 * ids already in the target range stay. Logs. */
int tree_shift_owners(const char *directory, uint32_t uid_base, uint32_t gid_base, uint32_t size);
