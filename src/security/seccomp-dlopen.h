/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libseccomp, loaded at its first use: by the parser of --system-call-filter and of an LXC seccomp
 * profile, and by seccomp_prepare() when the compiled filters are not in the cache
 * (src/security/seccomp-cache.c). A start whose filters are cached, the common case, loads
 * precompiled BPF and does not map the library at all. Only ever called on the host, before any
 * setns() or chroot(): a dlopen() there would load the guest's copy. */
#pragma once

#include <seccomp.h>
#include <sys/stat.h>

#include "dlopen-util.h"

extern typeof(seccomp_arch_add) *sym_seccomp_arch_add;
extern typeof(seccomp_arch_native) *sym_seccomp_arch_native;
extern typeof(seccomp_arch_remove) *sym_seccomp_arch_remove;
extern typeof(seccomp_attr_set) *sym_seccomp_attr_set;
extern typeof(seccomp_export_bpf) *sym_seccomp_export_bpf;
extern typeof(seccomp_init) *sym_seccomp_init;
extern typeof(seccomp_release) *sym_seccomp_release;
extern typeof(seccomp_rule_add_exact) *sym_seccomp_rule_add_exact;
extern typeof(seccomp_rule_add_exact_array) *sym_seccomp_rule_add_exact_array;
extern typeof(seccomp_syscall_resolve_name) *sym_seccomp_syscall_resolve_name;
extern typeof(seccomp_syscall_resolve_name_arch) *sym_seccomp_syscall_resolve_name_arch;
extern typeof(seccomp_syscall_resolve_num_arch) *sym_seccomp_syscall_resolve_num_arch;
extern typeof(seccomp_version) *sym_seccomp_version;

/* Loads libseccomp at the first call; logs and returns -EOPNOTSUPP when it is missing. */
int dlopen_libseccomp(void);
/* The file libseccomp is (or would be) loaded from: the loaded one, else the soname's file in the
 * build's library directory (LIBSECCOMP_LIBDIR, from pkg-config), else -- loading it -- whatever
 * the loader finds. Identifies the compiler in the filter cache's key without loading it. */
int libseccomp_file(struct stat *ret);
/* The file loaded, or -ENOENT if it is not loaded yet. */
int libseccomp_loaded_file(struct stat *ret);
