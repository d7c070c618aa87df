/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guest's system call filter: nsboot's default deny list (systemd-nspawn's and more), changed by
 * --system-call-filter, with an LXC profile stacked on top. The parent parses the options and,
 * while the child sets up the container, compiles the filters into shared memory; stage-init loads
 * them right before execve(), before it drops capabilities. */
#pragma once

#include <linux/filter.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "seccomp-dlopen.h"

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
 * name neither libseccomp nor nsboot knows, -E2BIG past SYSCALL_FILTER_MAX. Non-logging, but for
 * the error of a missing libseccomp (-EOPNOTSUPP). */
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

/* x32's getpid(), __X32_SYSCALL_BIT + 39 (asm/unistd_x32.h): whether the kernel runs x32 calls is
 * asked with it, without libseccomp's table (the unit test checks the number against it). */
#define SECCOMP_X32_NR_GETPID (0x40000000 + 39)
/* libseccomp's native architecture (SCMP_ARCH_*), without loading libseccomp on the common ones. */
uint32_t seccomp_native_arch(void);
/* The architectures this host's kernel runs system calls of, native first; returns how many.
 * Loads no library. */
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
 * filled by fill; the calls of other architectures pass (their own filter, or the ceiling, judges
 * them). libseccomp builds and compiles separate filters much faster than one merged one.
 * Non-logging. */
int seccomp_build(SeccompFilters *f, uint32_t default_action, SeccompArchFill fill, void *userdata);

/* What nsboot's own filters depend on. */
typedef struct SeccompPolicy {
        uint64_t caps;                  /* capabilities the guest keeps, 1 << CAP_X */
        const SyscallFilter *filter;    /* --system-call-filter; may be NULL */
        bool host_superblocks;          /* no user namespace: the guest shares superblocks with the host */
        bool suppress_sync;             /* --suppress-sync: sync(), fsync(), ... succeed doing nothing */
} SeccompPolicy;

/* Appends nsboot's libseccomp filters: the deny list (EPERM) and the argument checks (TIOCSTI,
 * TIOCLINUX, audit netlink sockets, and with host_superblocks superblock remounts), and with
 * suppress_sync the no-op sync calls.
 * seccomp_prepare() adds the ceiling in front: unknown calls ENOSYS, other architectures' calls
 * kill. Non-logging. */
int seccomp_build_default(SeccompFilters *f, const SeccompPolicy *policy);

/* Compiled filters, ready to load. The parent compiles them into memory it shares with the child
 * while the child sets up the container (libseccomp takes milliseconds for it), and stage-init
 * loads them right before execve(). */
#define SECCOMP_PROGRAMS_MAX (4 * SECCOMP_ARCHES_MAX)

typedef struct SeccompPrepared {
        uint32_t n;
        uint32_t len[SECCOMP_PROGRAMS_MAX];
        struct sock_filter insns[SECCOMP_PROGRAMS_MAX][BPF_MAXINSNS];
} SeccompPrepared;

/* A shared anonymous mapping to hold them, or NULL. Non-logging. */
SeccompPrepared *seccomp_prepared_new(void);
SeccompPrepared *seccomp_prepared_free(SeccompPrepared *p);
static inline void seccomp_prepared_freep(SeccompPrepared **p) {
        *p = seccomp_prepared_free(*p);
}

/* Builds nsboot's filters and profile's (if any, on top) and compiles them into p: the ceiling,
 * then one filter per host architecture for the deny list, the argument checks and the profile.
 * Logs. */
int seccomp_prepare(SeccompPrepared *p, const SeccompPolicy *policy, const SeccompProfile *profile);
/* Loads the filters of p in order. Needs CAP_SYS_ADMIN in the current user namespace (no_new_privs
 * stays as it is). Logs. */
int seccomp_load_prepared(const SeccompPrepared *p);

static inline void seccomp_releasep(scmp_filter_ctx *ctx) {
        if (*ctx)
                sym_seccomp_release(*ctx);
}
