/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libblkid, loaded at the first use by image.c (the supervisor, on the host, before the guest exists):
 * only machines started from a disk image (-i) map it. */
#pragma once

#include <blkid.h>

#include "dlopen-util.h"

extern typeof(blkid_do_safeprobe) *sym_blkid_do_safeprobe;
extern typeof(blkid_free_probe) *sym_blkid_free_probe;
extern typeof(blkid_new_probe) *sym_blkid_new_probe;
extern typeof(blkid_partition_get_flags) *sym_blkid_partition_get_flags;
extern typeof(blkid_partition_get_partno) *sym_blkid_partition_get_partno;
extern typeof(blkid_partition_get_size) *sym_blkid_partition_get_size;
extern typeof(blkid_partition_get_start) *sym_blkid_partition_get_start;
extern typeof(blkid_partition_get_type) *sym_blkid_partition_get_type;
extern typeof(blkid_partition_get_type_string) *sym_blkid_partition_get_type_string;
extern typeof(blkid_partlist_get_partition) *sym_blkid_partlist_get_partition;
extern typeof(blkid_partlist_numof_partitions) *sym_blkid_partlist_numof_partitions;
extern typeof(blkid_probe_enable_partitions) *sym_blkid_probe_enable_partitions;
extern typeof(blkid_probe_enable_superblocks) *sym_blkid_probe_enable_superblocks;
extern typeof(blkid_probe_get_partitions) *sym_blkid_probe_get_partitions;
extern typeof(blkid_probe_lookup_value) *sym_blkid_probe_lookup_value;
extern typeof(blkid_probe_set_device) *sym_blkid_probe_set_device;
extern typeof(blkid_probe_set_partitions_flags) *sym_blkid_probe_set_partitions_flags;
extern typeof(blkid_probe_set_superblocks_flags) *sym_blkid_probe_set_superblocks_flags;

/* Loads libblkid.so.1 at the first call; logs and returns -EOPNOTSUPP when it is missing. */
int dlopen_libblkid(void);
