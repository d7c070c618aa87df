/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* LXC seccomp profiles (lxc.seccomp.profile, formats 1 and 2): read in the parent while the
 * settings are checked, turned into one more filter by stage-init, stacked on nsboot's own. */
#pragma once

#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>

#include "basic/macro.h"
#include "seccomp-filter.h"

/* Most rules one profile may hold. */
#define SECCOMP_PROFILE_RULES_MAX 4096

typedef struct SeccompProfileRule {
        char *name;             /* system call; NULL in format 1, which gives nr */
        int nr;                 /* format 1: number on the native architecture */
        uint32_t arch;          /* SCMP_ARCH_*; 0 for every architecture the host runs */
        uint32_t action;        /* SCMP_ACT_* */
        unsigned n_args;
        struct scmp_arg_cmp args[6];
        unsigned line;
} SeccompProfileRule;

struct SeccompProfile {
        char *path;
        uint32_t default_action;
        SeccompProfileRule *rules;
        size_t n_rules;
};

typedef struct SeccompProfile SeccompProfile;

SeccompProfile *seccomp_profile_free(SeccompProfile *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(SeccompProfile *, seccomp_profile_free);

/* Parses a profile from f. On bad input returns -EINVAL (-EOPNOTSUPP for what nsboot does not
 * do, -E2BIG past the limit) with the line number and a message in *ret_line and *ret_error;
 * rules of architectures this host does not run are skipped, as LXC does. Non-logging. */
int seccomp_profile_parse(FILE *f, const char *path, SeccompProfile **ret, unsigned *ret_line, char **ret_error);
/* Reads the profile at path; logs "PATH:LINE: message" on bad input, and warns about system calls
 * libseccomp does not know (they are left out, as LXC does). */
int seccomp_profile_load(const char *path, SeccompProfile **ret);

/* Appends the profile's filters, one per architecture the host runs. On failure *ret_line (may be
 * NULL) is the line of the rule libseccomp refused. Non-logging. */
int seccomp_profile_build(const SeccompProfile *p, SeccompFilters *f, unsigned *ret_line);
