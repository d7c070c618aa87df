/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --image-policy=: which partitions of a disk image are used, ignored or must be absent, in
 * systemd's syntax (systemd.image-policy(7)) as far as nsboot can honour it: it has no dm-verity,
 * signatures or LUKS, so a policy that accepts a partition only with those refuses it. Non-logging. */
#pragma once

#include <stdint.h>

#include "basic/macro.h"

typedef enum PartitionDesignator {
        PARTITION_ROOT,
        PARTITION_USR,
        PARTITION_HOME,
        PARTITION_SRV,
        PARTITION_VAR,
        PARTITION_TMP,          /* /var/tmp */
        _PARTITION_DESIGNATOR_MAX,
        _PARTITION_DESIGNATOR_INVALID = -EINVAL,
} PartitionDesignator;

typedef enum PartitionPolicyFlags {
        PARTITION_POLICY_USE = 1 << 0,          /* "unprotected" (or "open"): mount it */
        PARTITION_POLICY_UNUSED = 1 << 1,       /* present but left alone */
        PARTITION_POLICY_ABSENT = 1 << 2,       /* need not be there */
        PARTITION_POLICY_PROTECTED = 1 << 3,    /* "verity", "signed", "encrypted": nsboot has none */
        PARTITION_POLICY_ALL = PARTITION_POLICY_USE | PARTITION_POLICY_UNUSED | PARTITION_POLICY_ABSENT,
} PartitionPolicyFlags;

typedef struct ImagePolicy {
        uint8_t flags[_PARTITION_DESIGNATOR_MAX];
} ImagePolicy;

const char *partition_designator_to_string(PartitionDesignator d);
PartitionDesignator partition_designator_from_string(const char *s);
/* Guest path where a partition is mounted ("/", "/usr", ...). */
const char *partition_designator_mount_point(PartitionDesignator d);

/* Parses s (NULL or "" for the default: every partition used when present). -EINVAL if bad. */
int image_policy_from_string(const char *s, ImagePolicy *ret);
