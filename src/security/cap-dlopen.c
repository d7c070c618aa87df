/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cap-dlopen.h"

typeof(cap_free) *sym_cap_free;
typeof(cap_from_name) *sym_cap_from_name;
typeof(cap_to_name) *sym_cap_to_name;

int dlopen_libcap(void) {
        static void *dl = NULL;
        static const DlopenLibrary lib = {
                .soname = "libcap.so.2",
                .package = "libcap2",
                .feature = "Capability names (libcap)",
        };

        return dlopen_many_sym(&dl, &lib,
                               DLSYM_ARG(cap_free),
                               DLSYM_ARG(cap_from_name),
                               DLSYM_ARG(cap_to_name),
                               NULL);
}
