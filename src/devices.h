/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Device access policy of the machine's cgroup: a cgroup2 BPF device program that allows only the
 * nodes of the private /dev (and pty slaves), so a guest root cannot mknod and open host disks.
 * Parent stage, on the machine's cgroup before the child is cloned into it. */
#pragma once

#include <stdint.h>

typedef struct DeviceRule {
        char type;              /* 'c' or 'b' */
        uint32_t major_min, major_max;
        int64_t minor;          /* -1: any */
        const char *access;     /* subset of "rwm" */
} DeviceRule;

extern const DeviceRule device_allow_list[];

/* Loads the policy and attaches it to the cgroup directory. Logs. */
int devices_apply(const char *cgroup_path);
