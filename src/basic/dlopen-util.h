/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Libraries that only optional features need (libnl-route-3 for network interfaces, libip4tc for
 * NAT) are loaded with dlopen() at their first use, as systemd does for libiptc since v255, so that
 * a machine which uses none of them does not map them: the supervisor stays small. Each wrapper
 * (src/net/nl-dlopen.c, src/net/iptc-dlopen.c) declares one pointer per symbol it uses,
 * sym_NAME, with the library's own prototype, and resolves them all at once. */
#pragma once

#include "macro.h"

/* One library: the file dlopen() loads, the Debian package that ships it and what nsboot needs it
 * for, for the message when it is missing. */
typedef struct DlopenLibrary {
        const char *soname;
        const char *package;
        const char *feature;
} DlopenLibrary;

/* Type-checked pair for dlopen_many_sym(): the address of sym_NAME and the symbol's name. */
#define DLSYM_ARG(name)                                                                          \
        ((void) sizeof(char[1 - 2 * !__builtin_types_compatible_p(typeof(sym_##name),          \
                                                                  typeof(&name))]),              \
         (void **) &sym_##name), #name

/* Loads lib at the first call (later calls return 0 at once) and resolves the NULL-terminated list
 * of DLSYM_ARG() pairs; on failure every pointer is left NULL. Logs an error naming the library,
 * its package and the feature, and returns -EOPNOTSUPP when the library or a symbol is missing. */
int dlopen_many_sym(void **dl, const DlopenLibrary *lib, ...) _sentinel_;
