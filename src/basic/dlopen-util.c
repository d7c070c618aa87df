/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dlfcn.h>
#include <stdarg.h>

#include "dlopen-util.h"
#include "log.h"

/* Resolves every pair of the list; stops at the first missing symbol and returns its name. */
static const char *resolve_all(void *dl, va_list ap) {
        for (;;) {
                void **ptr = va_arg(ap, void **);
                const char *name;

                if (!ptr)
                        return NULL;
                name = va_arg(ap, const char *);
                *ptr = dlsym(dl, name);
                if (!*ptr)
                        return name;
        }
}

static void clear_all(va_list ap) {
        for (;;) {
                void **ptr = va_arg(ap, void **);

                if (!ptr)
                        return;
                *ptr = NULL;
                (void) va_arg(ap, const char *);
        }
}

int dlopen_many_sym(void **dl, const DlopenLibrary *lib, ...) {
        const char *missing;
        void *handle;
        va_list ap;

        if (*dl)
                return 0;

        handle = dlopen(lib->soname, RTLD_NOW | RTLD_NODELETE | RTLD_LOCAL);
        if (!handle)
                return log_error_errno(SYNTHETIC_ERRNO(EOPNOTSUPP),
                                       "%s needs %s, which cannot be loaded (install the package %s): %s",
                                       lib->feature, lib->soname, lib->package, dlerror());

        va_start(ap, lib);
        missing = resolve_all(handle, ap);
        va_end(ap);
        if (missing) {
                va_start(ap, lib);
                clear_all(ap);
                va_end(ap);
                (void) dlclose(handle);
                return log_error_errno(SYNTHETIC_ERRNO(EOPNOTSUPP),
                                       "%s needs %s, which has no symbol %s (install the package %s)",
                                       lib->feature, lib->soname, missing, lib->package);
        }

        log_debug("Loaded %s for %s", lib->soname, lib->feature);
        *dl = handle;
        return 0;
}
