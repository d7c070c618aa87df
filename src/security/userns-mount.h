/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The user namespace that the tree's idmapped mount uses: the guest's maps plus one line for the
 * host's root, so that host-side tools (machinectl copy-to) can write into the running guest's
 * tree. Parent stage, once per boot, before the root is handed to the child. */
#pragma once

#include "userns.h"

/* The id that files the host's root creates through the idmapped tree get on disk, and that the
 * guest sees as nobody: systemd's UID_MAPPED_ROOT, so trees run by systemd-nspawn -U agree. */
#define USERNS_MOUNT_HOST_ROOT 2147483646U

/* Adds "USERNS_MOUNT_HOST_ROOT 0 1" to the uid and gid maps of m unless its ranges already use
 * either id or the map is full. Non-logging. */
void userns_mount_add_host_root(IdMap *m);
/* Opens a new user namespace with the maps m, for MOUNT_ATTR_IDMAP. Logs. */
int userns_open_maps(const IdMap *m, int *ret_fd);
/* Opens a new user namespace with the machine's maps and the host root's line, for
 * MOUNT_ATTR_IDMAP. Logs. */
int userns_mount_open(const UserNs *u, int *ret_fd);
