/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guest's system call filter: nsboot's default deny list (systemd-nspawn's and more), changed by
 * --system-call-filter, with an LXC profile stacked on top. The parent parses the options; stage-init
 * builds and loads the filters right before execve(), before it drops capabilities. */
#pragma once

#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct SeccompProfile SeccompProfile;

/* Most entries --system-call-filter and nsboot.system-call-filter may add up. */
#define SYSCALL_FILTER_MAX 512
/* Most architectures one host runs (mips64: six ABIs). */
#define SECCOMP_ARCHES_MAX 8

typedef struct SyscallFilter {
        char **allow;   /* names and @groups allowed beyond the default */
        char **deny;    /* names and @groups denied; a deny wins over any allow */
} SyscallFilter;

void syscall_filter_done(SyscallFilter *f);
/* "NAME @GROUP ..." adds allows, "~NAME @GROUP ..." denies, "" empties both lists. -EINVAL for a
 * name neither libseccomp nor nsboot knows, -E2BIG past SYSCALL_FILTER_MAX. Non-logging. */
int syscall_filter_parse(SyscallFilter *f, const char *value);
/* True if value only denies, so a file beside the tree (untrusted) may give it. */
bool syscall_filter_value_restricts(const char *value);
/* One entry a line, denies as "~NAME". */
int syscall_filter_format(const SyscallFilter *f, char **ret);

/* True if the default filter, changed by f (may be NULL), lets a guest that keeps the capability
 * mask caps (1 << CAP_X) make the system call name. Non-logging. */
bool seccomp_syscall_allowed(const char *name, uint64_t caps, const SyscallFilter *f);
/* Names of the @groups nsboot knows, NULL-terminated; and the members of one ("\0"-separated,
 * ending in an empty string), or NULL. */
extern const char *const seccomp_group_names[];
const char *seccomp_group_members(const char *group);

/* The architectures this host's kernel runs system calls of, native first; returns how many. */
size_t seccomp_host_arches(uint32_t ret[static SECCOMP_ARCHES_MAX]);

/* Filters to load, in order. */
typedef struct SeccompFilters {
        scmp_filter_ctx items[4 * SECCOMP_ARCHES_MAX];
        size_t n;
} SeccompFilters;

void seccomp_filters_done(SeccompFilters *f);

/* Fills the part of a filter for one architecture; returns 0 or -errno. */
typedef int (*SeccompArchFill)(scmp_filter_ctx ctx, uint32_t arch, void *userdata);
/* Appends one filter per host architecture: default_action for that architecture's calls, each
 * filled by fill; the calls of other architectures pass (their own filter or the gate judges
 * them). libseccomp builds and compiles separate filters much faster than one merged one.
 * Non-logging. */
int seccomp_build(SeccompFilters *f, uint32_t default_action, SeccompArchFill fill, void *userdata);

/* Appends nsboot's filters: the gate (a system call of an architecture the host does not run
 * kills the process), the system call list (unknown calls ENOSYS, denied ones EPERM), and the
 * argument checks (TIOCSTI, TIOCLINUX, audit netlink sockets). Non-logging. */
int seccomp_build_default(SeccompFilters *f, uint64_t caps, const SyscallFilter *filter);

/* Loads nsboot's filters, then profile's (if any) on top. Needs CAP_SYS_ADMIN in the current user
 * namespace (no_new_privs stays as it is). Logs. */
int seccomp_install(uint64_t caps, const SyscallFilter *filter, const SeccompProfile *profile);

static inline void seccomp_releasep(scmp_filter_ctx *ctx) {
        if (*ctx)
                seccomp_release(*ctx);
}
