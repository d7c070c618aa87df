/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --disk-quota, --disk-inodes: a per-machine disk quota on a directory tree, made of the kernel's
 * project quotas (ext4 with the project and quota features mounted prjquota, xfs mounted pquota).
 * The tree's files get a project ID (once), the project its limits (at every start). Config stage
 * (parsers), parent stage before the child starts (quota_apply), --check (quota_check). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "settings.h"

/* A limit's value in Settings: unset (nsboot leaves the tree's quota as it is), or "infinity" (no
 * limit: lifts one set before). Anything else is the limit. */
#define QUOTA_UNSET UINT64_C(0)
#define QUOTA_INFINITY UINT64_MAX

/* "10G", "512M", "1048576" (K, M, G, T suffixes as the memory limits take them, rounded up to whole
 * KiB, the kernel's unit), "infinity" or "max"; empty: unset. 0 is refused: the kernel would read
 * it as no limit. Non-logging: 0 or -EINVAL. */
int quota_parse_size(const char *s, uint64_t *ret);
/* The same syntax for a number of inodes ("100000", "100K" = 102400). Non-logging. */
int quota_parse_inodes(const char *s, uint64_t *ret);

/* The project ID nsboot proposes for a tree whose top has none yet: derived from the machine name,
 * in [QUOTA_PROJID_MIN, QUOTA_PROJID_MIN + QUOTA_PROJID_SPAN); attempt n probes the n-th next one
 * (quota_apply() skips IDs in use). Pure. */
#define QUOTA_PROJID_MIN UINT32_C(0x10000)
#define QUOTA_PROJID_SPAN UINT32_C(0x3fff0000)
uint32_t quota_projid_for_name(const char *machine, unsigned attempt);

/* Whether either key asks anything of the tree. */
bool quota_wanted(const Settings *s);

/* Checks, changing nothing, that the tree's file system enforces project quotas. Logs, naming the
 * option and what the administrator must do. */
int quota_check(const Settings *s);

/* Gives the tree its project ID (the one its top has, else a free one) on every directory and
 * regular file, once, and sets the project's limits. Needs root. Logs. */
int quota_apply(const Settings *s);
