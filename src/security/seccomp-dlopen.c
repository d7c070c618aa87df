/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dlfcn.h>
#include <errno.h>

#include "seccomp-dlopen.h"

typeof(seccomp_arch_add) *sym_seccomp_arch_add;
typeof(seccomp_arch_native) *sym_seccomp_arch_native;
typeof(seccomp_arch_remove) *sym_seccomp_arch_remove;
typeof(seccomp_attr_set) *sym_seccomp_attr_set;
typeof(seccomp_export_bpf) *sym_seccomp_export_bpf;
typeof(seccomp_init) *sym_seccomp_init;
typeof(seccomp_release) *sym_seccomp_release;
typeof(seccomp_rule_add_exact) *sym_seccomp_rule_add_exact;
typeof(seccomp_rule_add_exact_array) *sym_seccomp_rule_add_exact_array;
typeof(seccomp_syscall_resolve_name) *sym_seccomp_syscall_resolve_name;
typeof(seccomp_syscall_resolve_name_arch) *sym_seccomp_syscall_resolve_name_arch;
typeof(seccomp_syscall_resolve_num_arch) *sym_seccomp_syscall_resolve_num_arch;
typeof(seccomp_version) *sym_seccomp_version;

#define LIBSECCOMP_SONAME "libseccomp.so.2"

int dlopen_libseccomp(void) {
        static void *dl = NULL;
        static const DlopenLibrary lib = {
                .soname = LIBSECCOMP_SONAME,
                .package = "libseccomp2",
                .feature = "The system call filter (libseccomp)",
        };

        return dlopen_many_sym(&dl, &lib,
                               DLSYM_ARG(seccomp_arch_add),
                               DLSYM_ARG(seccomp_arch_native),
                               DLSYM_ARG(seccomp_arch_remove),
                               DLSYM_ARG(seccomp_attr_set),
                               DLSYM_ARG(seccomp_export_bpf),
                               DLSYM_ARG(seccomp_init),
                               DLSYM_ARG(seccomp_release),
                               DLSYM_ARG(seccomp_rule_add_exact),
                               DLSYM_ARG(seccomp_rule_add_exact_array),
                               DLSYM_ARG(seccomp_syscall_resolve_name),
                               DLSYM_ARG(seccomp_syscall_resolve_name_arch),
                               DLSYM_ARG(seccomp_syscall_resolve_num_arch),
                               DLSYM_ARG(seccomp_version),
                               NULL);
}

int libseccomp_loaded_file(struct stat *ret) {
        Dl_info info;

        if (!sym_seccomp_init)
                return -ENOENT;
        if (dladdr((void *) sym_seccomp_init, &info) == 0 || !info.dli_fname)
                return -ENOENT;
        return stat(info.dli_fname, ret) < 0 ? -errno : 0;
}

int libseccomp_file(struct stat *ret) {
        int r;

        if (libseccomp_loaded_file(ret) >= 0)
                return 0;
        if (stat(LIBSECCOMP_LIBDIR "/" LIBSECCOMP_SONAME, ret) >= 0)
                return 0;
        r = dlopen_libseccomp();
        return r < 0 ? r : libseccomp_loaded_file(ret);
}
