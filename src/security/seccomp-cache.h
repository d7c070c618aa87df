/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Compiled system call filters kept in /run/nsboot/cache between starts: building them with
 * libseccomp is ~2 ms of CPU at every start (a tenth of a start), and their input rarely changes.
 * An entry holds its whole key, compared byte for byte: the nsboot binary and libseccomp's file
 * (device, inode, size, mtime of each; the file, not the version, so that a cached start need not
 * load the library), the host's architectures and the policy (capabilities kept,
 * --system-call-filter, shared superblocks). Filters with an LXC seccomp profile are not cached.
 * Non-logging; any failure is a miss and the filters are built as before. */
#pragma once

#include <sys/types.h>

#include "seccomp-filter.h"

#define SECCOMP_CACHE_DIR "/run/nsboot/cache"
/* Entries kept at most; the oldest written go first. */
#define SECCOMP_CACHE_MAX 32

typedef struct SeccompCacheKey {
        char *data;
        size_t size;
        char name[17];          /* hex of a hash of data: the file name's part */
        dev_t lib_dev;          /* libseccomp's file in the key */
        ino_t lib_ino;
} SeccompCacheKey;

int seccomp_cache_key(const SeccompPolicy *policy, SeccompCacheKey *ret);
void seccomp_cache_key_done(SeccompCacheKey *k);
/* 1 and p filled if an entry with exactly this key exists, else 0. */
int seccomp_cache_load(const SeccompCacheKey *k, SeccompPrepared *p);
int seccomp_cache_store(const SeccompCacheKey *k, const SeccompPrepared *p);
