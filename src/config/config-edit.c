/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "config-edit.h"
#include "settings-table.h"

/* Whether the line (without its newline) sets a key of def. */
static bool line_sets(const char *line, size_t len, const SettingDef *def) {
        _cleanup_free_ char *copy = strndup(line, len);
        char *key, *eq, *end;
        SettingMatch m;

        if (!copy)
                return false;
        key = copy + strspn(copy, " \t");
        eq = strchr(key, '=');
        if (*key == '#' || !eq)
                return false;
        for (end = eq; end > key && strchr(" \t", end[-1]); end--)
                ;
        *end = 0;
        return settings_table_lookup(key, &m) && !m.rest && m.def == def;
}

int config_set_text(const char *text, const char *key, const char *value, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        SettingMatch want;
        FILE *out;
        int k = 0;

        if (!settings_table_lookup(key, &want) || want.rest)
                return -EINVAL;
        out = open_memstream(&buf, &size);
        if (!out)
                return -ENOMEM;
        for (const char *p = text; *p && k >= 0;) {
                size_t len = strcspn(p, "\n");

                if (!line_sets(p, len, want.def) && (fwrite(p, 1, len, out) != len || fputc('\n', out) == EOF))
                        k = -ENOMEM;
                p += len + (p[len] == '\n');
        }
        if (k >= 0 && fprintf(out, "%s = %s\n", key, value) < 0)
                k = -ENOMEM;
        if (fclose(out) != 0 && k >= 0)
                k = -ENOMEM;
        if (k < 0)
                return k;
        *ret = TAKE_PTR(buf);
        return 0;
}
