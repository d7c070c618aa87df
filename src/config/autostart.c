/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "autostart.h"
#include "basic/strv.h"
#include "config.h"
#include "log.h"
#include "settings.h"

static int compare(const void *a, const void *b) {
        const AutostartMachine *x = a, *y = b;

        return x->order != y->order ? (x->order < y->order ? -1 : 1) : strcmp(x->name, y->name);
}

/* The machine of the config file path, if it starts at boot. */
static int read_config(const char *name, const char *path, AutostartMachine *m, size_t *n) {
        _cleanup_(settings_freep) Settings *s = settings_new();

        if (!s)
                return log_oom();
        if (config_load(s, path, true) < 0) {
                log_warning("%s has errors, not starting machine '%s' at boot", path, name);
                return 0;
        }
        if (!s->start_auto)
                return 0;
        m[*n] = (AutostartMachine) { .name = strdup(name), .order = s->start_order, .delay = s->start_delay,
                                     .config = strdup(path) };
        if (!m[*n].name || !m[*n].config) {
                free(m[*n].name);
                free(m[*n].config);
                return log_oom();
        }
        (*n)++;
        return 0;
}

int autostart_list(AutostartMachine **ret, size_t *ret_n) {
        _cleanup_strv_free_ char **names = NULL, **paths = NULL;
        AutostartMachine *m;
        size_t n = 0;
        int r;

        /* A name in an earlier directory hides it in a later one, as for nsboot -M. */
        r = config_list_machines(&names, &paths);
        if (r < 0)
                return log_error_errno(r, "Failed to list the machines' config files: %m");
        m = calloc(AUTOSTART_MAX, sizeof *m);
        if (!m)
                return log_oom();
        for (size_t i = 0; names && names[i] && r >= 0; i++) {
                if (n >= AUTOSTART_MAX) {
                        log_warning("More than %u machines to start at boot: not starting those of %s and after",
                                    AUTOSTART_MAX, paths[i]);
                        break;
                }
                r = read_config(names[i], paths[i], m, &n);
        }
        if (r < 0) {
                autostart_free(m, n);
                return r;
        }
        qsort(m, n, sizeof *m, compare);
        *ret = m;
        *ret_n = n;
        return 0;
}

void autostart_free(AutostartMachine *m, size_t n) {
        for (size_t i = 0; m && i < n; i++) {
                free(m[i].name);
                free(m[i].config);
        }
        free(m);
}
