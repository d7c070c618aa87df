/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resource limits of a machine, in one form: cgroup2 "FILE=VALUE" with the value as the kernel's
 * cgroup2 file takes it. Parsed from native keys (nsboot.memory.max), lxc.cgroup2.* and the v1
 * lxc.cgroup.* keys (config stage), from --property=MemoryMax=... ; turned into systemd scope
 * properties (machined), cgroup2 writes or cgroup v1 writes (parent stage). Non-logging. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* "100M", "2G", "infinity", "512" -> bytes (also counts: TasksMax takes the same syntax). */
int limit_parse_size(const char *s, uint64_t *ret);

/* The canonical cgroup2 value of FILE=VALUE for the files nsboot knows ("memory.max=2G" ->
 * "memory.max=2147483648", "cpu.max=50%" -> "cpu.max=50000 100000"); other files pass unchanged.
 * -EINVAL for a bad value of a known file. */
int limit_normalize(const char *assignment, char **ret);

/* --property=MemoryMax=2G -> "memory.max=2147483648". -ENOENT when the property is no limit
 * (Description=), -EINVAL for a bad value. */
int limit_from_property(const char *property, char **ret);

/* "memory.max=2147483648" -> "MemoryMax=2147483648", as machined_append_property() takes it.
 * -EOPNOTSUPP when the scope has no property for the file (nsboot then writes the file). */
int limit_to_property(const char *assignment, char **ret);

/* The cgroup2 form of an LXC cgroup v1 key (lxc.cgroup.FILE = VALUE); current is the limit list so
 * far (memory.memsw.limit_in_bytes needs memory.max). -EOPNOTSUPP when nsboot knows no
 * equivalent, -EINVAL for a bad value, -ENOKEY when the memory limit it depends on is missing. */
int limit_from_v1(const char *file, const char *value, char *const *current, char **ret);

/* One write into a cgroup v1 hierarchy. */
typedef struct LimitV1Write {
        const char *controller;         /* "memory", "cpu", "cpuset", "pids", "blkio" */
        const char *file;
        char value[128];
} LimitV1Write;

#define LIMIT_V1_WRITES_MAX 4

/* The cgroup v1 writes that give the effect of assignment; all is the whole limit list (swap
 * needs memory.max). Returns how many (up to LIMIT_V1_WRITES_MAX), -EOPNOTSUPP when v1 has no
 * equivalent, -ENOKEY when a limit it depends on is missing. */
int limit_to_v1(const char *assignment, char *const *all, LimitV1Write ret[static LIMIT_V1_WRITES_MAX]);

/* "memory.max=..." -> does FILE belong to controller "memory"? */
bool limit_is_of_controller(const char *assignment, const char *controller);
