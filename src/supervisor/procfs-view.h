/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The contents of the guest's /proc/meminfo, /proc/cpuinfo, /proc/stat, ... computed from the
 * machine's own cgroup (cgroup2 or the v1 controllers of a hybrid host) and the host's files, as
 * lxcfs computes them. Parent stage, called by the procfs server. Non-logging. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/sysinfo.h>

#include "cgroup.h"

typedef enum ProcfsFile {
        PROCFS_MEMINFO,
        PROCFS_SWAPS,
        PROCFS_CPUINFO,
        PROCFS_STAT,
        PROCFS_LOADAVG,
        PROCFS_DISKSTATS,
        PROCFS_CPU_ONLINE,
        PROCFS_UPTIME,          /* only without a time namespace */
        _PROCFS_FILE_MAX,
} ProcfsFile;

/* The file's name in the FUSE file system and the path it covers in the guest. */
const char *procfs_file_name(ProcfsFile f);
const char *procfs_file_target(ProcfsFile f);

typedef struct ProcfsView {
        const CGroup *cg;
        uint64_t start_usec;    /* CLOCK_BOOTTIME of the guest's start */
        bool timens;            /* the guest has its own clocks: its btime is its start */
        double load[3];         /* 1, 5, 15 minute averages of runnable tasks */
        unsigned running, total;
} ProcfsView;

/* Renders f into a new NUL-terminated buffer. */
int procfs_view_render(const ProcfsView *v, ProcfsFile f, char **ret, size_t *ret_size);
/* sysinfo(2) as the guest should see it: its uptime, load, memory and swap. */
int procfs_view_sysinfo(const ProcfsView *v, struct sysinfo *ret);
/* Counts the guest's runnable tasks and folds them into the load averages (every 5 s). */
void procfs_view_sample_load(ProcfsView *v);
