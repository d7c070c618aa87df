/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "blkid-dlopen.h"

typeof(blkid_do_safeprobe) *sym_blkid_do_safeprobe;
typeof(blkid_free_probe) *sym_blkid_free_probe;
typeof(blkid_new_probe) *sym_blkid_new_probe;
typeof(blkid_partition_get_flags) *sym_blkid_partition_get_flags;
typeof(blkid_partition_get_partno) *sym_blkid_partition_get_partno;
typeof(blkid_partition_get_size) *sym_blkid_partition_get_size;
typeof(blkid_partition_get_start) *sym_blkid_partition_get_start;
typeof(blkid_partition_get_type) *sym_blkid_partition_get_type;
typeof(blkid_partition_get_type_string) *sym_blkid_partition_get_type_string;
typeof(blkid_partlist_get_partition) *sym_blkid_partlist_get_partition;
typeof(blkid_partlist_numof_partitions) *sym_blkid_partlist_numof_partitions;
typeof(blkid_probe_enable_partitions) *sym_blkid_probe_enable_partitions;
typeof(blkid_probe_enable_superblocks) *sym_blkid_probe_enable_superblocks;
typeof(blkid_probe_get_partitions) *sym_blkid_probe_get_partitions;
typeof(blkid_probe_lookup_value) *sym_blkid_probe_lookup_value;
typeof(blkid_probe_set_device) *sym_blkid_probe_set_device;
typeof(blkid_probe_set_partitions_flags) *sym_blkid_probe_set_partitions_flags;
typeof(blkid_probe_set_superblocks_flags) *sym_blkid_probe_set_superblocks_flags;

int dlopen_libblkid(void) {
        static void *dl = NULL;
        static const DlopenLibrary lib = {
                .soname = "libblkid.so.1",
                .package = "libblkid1",
                .feature = "Disk images (-i, libblkid)",
        };

        return dlopen_many_sym(&dl, &lib,
                               DLSYM_ARG(blkid_do_safeprobe),
                               DLSYM_ARG(blkid_free_probe),
                               DLSYM_ARG(blkid_new_probe),
                               DLSYM_ARG(blkid_partition_get_flags),
                               DLSYM_ARG(blkid_partition_get_partno),
                               DLSYM_ARG(blkid_partition_get_size),
                               DLSYM_ARG(blkid_partition_get_start),
                               DLSYM_ARG(blkid_partition_get_type),
                               DLSYM_ARG(blkid_partition_get_type_string),
                               DLSYM_ARG(blkid_partlist_get_partition),
                               DLSYM_ARG(blkid_partlist_numof_partitions),
                               DLSYM_ARG(blkid_probe_enable_partitions),
                               DLSYM_ARG(blkid_probe_enable_superblocks),
                               DLSYM_ARG(blkid_probe_get_partitions),
                               DLSYM_ARG(blkid_probe_lookup_value),
                               DLSYM_ARG(blkid_probe_set_device),
                               DLSYM_ARG(blkid_probe_set_partitions_flags),
                               DLSYM_ARG(blkid_probe_set_superblocks_flags),
                               NULL);
}
