/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "autostart.h"
#include "basic/fs-util.h"
#include "basic/strv.h"
#include "config.h"
#include "log.h"
#include "settings.h"

static int compare(const void *a, const void *b) {
        const AutostartMachine *x = a, *y = b;

        return x->order != y->order ? (x->order < y->order ? -1 : 1) : strcmp(x->name, y->name);
}

/* Reads every NAME.conf of dir; a name seen in an earlier directory wins, as with nsboot itself. */
static int read_dir(const char *dir, AutostartMachine *m, size_t *n, char ***seen) {
        _cleanup_(closedirp) DIR *d = opendir(dir);
        struct dirent *de;

        while (d && (de = readdir(d))) {
                size_t len = strlen(de->d_name);
                _cleanup_free_ char *name = NULL, *path = NULL;
                _cleanup_(settings_freep) Settings *s = NULL;

                if (len < 6 || !streq(de->d_name + len - 5, ".conf"))
                        continue;
                if (*n >= AUTOSTART_MAX) {
                        log_warning("More than %u machines in %s and before: not starting '%s' and the rest at boot",
                                    AUTOSTART_MAX, dir, de->d_name);
                        break;
                }
                name = strndup(de->d_name, len - 5);
                if (!name)
                        return log_oom();
                if (!machine_name_is_valid(name) || strv_contains(*seen, name))
                        continue;
                if (strv_extend(seen, name) < 0 || !(s = settings_new()) ||
                    asprintf(&path, "%s/%s", dir, de->d_name) < 0)
                        return log_oom();
                if (config_load(s, path, true) < 0) {
                        log_warning("%s has errors, not starting machine '%s' at boot", path, name);
                        continue;
                }
                if (s->start_auto)
                        m[(*n)++] = (AutostartMachine) { .name = TAKE_PTR(name), .order = s->start_order,
                                                         .delay = s->start_delay, .config = TAKE_PTR(path) };
        }
        return 0;
}

int autostart_list(AutostartMachine **ret, size_t *ret_n) {
        _cleanup_strv_free_ char **seen = NULL;
        const char *path = getenv("NSBOOT_CONFIG_PATH") ?: "/etc/nsboot:/run/nsboot";
        AutostartMachine *m = calloc(AUTOSTART_MAX, sizeof *m);
        size_t n = 0;
        int r = 0;

        if (!m)
                return log_oom();
        for (const char *p = path; *p && r >= 0;) {
                size_t k = strcspn(p, ":");
                _cleanup_free_ char *dir = strndup(p, k);

                r = dir ? read_dir(dir, m, &n, &seen) : log_oom();
                p += k + (p[k] == ':');
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
