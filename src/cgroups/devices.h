/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Device access policy of the machine's cgroup: a cgroup2 BPF device program that allows only the
 * nodes of the private /dev (and pty slaves), so a guest root cannot mknod and open host disks.
 * Parent stage, on the machine's cgroup before the child is cloned into it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct DeviceRule {
        char type;              /* 'c', 'b', or 'a' for both */
        uint32_t major_min, major_max;
        int64_t minor;          /* -1: any */
        const char *access;     /* subset of "rwm" */
} DeviceRule;

extern const DeviceRule device_allow_list[];

#define DEVICE_RULES_MAX 128

/* The machine's allow list: device_allow_list until a config changes it. */
typedef struct DeviceRules {
        DeviceRule *items;
        size_t n;
        bool custom;            /* false: the default list applies */
} DeviceRules;

/* "TYPE MAJOR:MINOR ACCESS" as cgroup v1's devices.allow (TYPE c, b or a; '*' for any number;
 * ACCESS of r, w, m), or "a" for everything. Non-logging. */
int device_rules_allow(DeviceRules *l, const char *rule);
/* "a" clears the list; an exact rule removes that rule; an empty value returns to the default
 * list. A deny that would cut into a wider allow is -EOPNOTSUPP. Non-logging. */
int device_rules_deny(DeviceRules *l, const char *rule);
int device_rules_format(const DeviceRules *l, char **ret);
void device_rules_done(DeviceRules *l);

/* Loads the policy of rules and attaches it to the cgroup directory. Logs. */
int devices_apply(const char *cgroup_path, const DeviceRules *rules);
