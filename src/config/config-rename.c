/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "basic/macro.h"
#include "config-rename.h"
#include "settings-table.h"

typedef enum RenameKind {
        RENAME_NONE,
        RENAME_DIRECTORY,       /* the tree's path */
        RENAME_IMAGE,           /* the image's path */
        RENAME_NAME,            /* the host name or machine name, when it is the machine's name */
        RENAME_PATH,            /* a per-machine file: components that are the name */
        RENAME_HWADDR,
} RenameKind;

static const struct {
        const char *key;
        RenameKind kind;
} rename_keys[] = {
        { "nsboot.directory",       RENAME_DIRECTORY },
        { "nsboot.image",           RENAME_IMAGE     },
        { "nsboot.hostname",        RENAME_NAME      },
        { "nsboot.machine",         RENAME_NAME      },
        { "nsboot.log-file",        RENAME_PATH      },
        { "nsboot.console.logfile", RENAME_PATH      },
};

/* What a key (in any of its spellings) is to a rename. */
static RenameKind rename_kind(const char *key) {
        SettingMatch m;

        /* LXC 2.0's unindexed "lxc.network.hwaddr" counts its blocks: any index will do here. */
        if (startswith(key, "lxc.network.") && endswith(key, ".hwaddr"))
                return RENAME_HWADDR;
        if (!settings_table_lookup(key, &m) || m.rest)
                return RENAME_NONE;
        if (m.def == settings_table_find_net("hwaddr", NULL))
                return RENAME_HWADDR;
        for (size_t i = 0; i < ELEMENTSOF(rename_keys); i++)
                if (m.def == settings_table_find_key(rename_keys[i].key))
                        return rename_keys[i].kind;
        return RENAME_NONE;
}

char *config_rename_path(const char *path, const char *name, const char *new_name) {
        size_t n = strlen(name), size = strlen(path) + 1;
        char *out, *o;

        /* Each component renamed grows by at most the difference. */
        size += (strlen(new_name) > n ? strlen(new_name) - n : 0) * (strlen(path) / (n + 1) + 1);
        out = o = malloc(size);
        if (!out)
                return NULL;
        for (const char *p = path; *p;) {
                size_t k = strcspn(p, "/");
                bool last = p[k] == 0;

                if (k >= n && memcmp(p, name, n) == 0 && (k == n || (last && p[n] == '.'))) {
                        o = stpcpy(o, new_name);
                        o = mempcpy(o, p + n, k - n);
                } else
                        o = mempcpy(o, p, k);
                p += k;
                if (*p)
                        *o++ = *p++;
        }
        *o = 0;
        return out;
}

/* A new MAC for a fixed one: the same first three octets (the admin's OUI, unicast or local as it
 * was), the rest random and different. A template with x digits is random at every start: kept. */
static int new_hwaddr(const char *old, char **ret) {
        uint8_t b[3];

        if (strlen(old) != 17 || strpbrk(old, "xX"))
                return 0;
        do
                if (getrandom(b, sizeof b, 0) != sizeof b)
                        return -EIO;
        while (b[0] == 0 && b[1] == 0 && b[2] == 0);
        if (asprintf(ret, "%.8s:%02x:%02x:%02x", old, b[0], b[1], b[2]) < 0)
                return -ENOMEM;
        if (strcasecmp(*ret, old) == 0)
                (*ret)[16] = (*ret)[16] == '0' ? '1' : '0';
        return 1;
}

/* Whether value (with LXC's "dir:" prefix or not) names path: as spelled, or resolved. */
static bool names_path(const char *value, const char *path) {
        _cleanup_free_ char *resolved = NULL;

        if (!path)
                return false;
        value = startswith(value, "dir:") ?: value;
        if (streq(value, path))
                return true;
        resolved = realpath(value, NULL);
        return resolved && streq(resolved, path);
}

/* The new value of one assignment, or NULL (and 0) to keep it. */
static int new_value(RenameKind kind, const char *value, const ConfigRename *r, bool *seen_dir, bool *seen_image,
                     char **ret) {
        *ret = NULL;
        switch (kind) {
        case RENAME_DIRECTORY:
                if (!r->new_directory || !names_path(value, r->directory))
                        return 0;
                *seen_dir = true;
                return asprintf(ret, "%s%s", startswith(value, "dir:") ? "dir:" : "", r->new_directory) < 0 ? -ENOMEM : 0;
        case RENAME_IMAGE:
                if (!r->new_image || !names_path(value, r->image))
                        return 0;
                *seen_image = true;
                *ret = strdup(r->new_image);
                break;
        case RENAME_NAME:
                if (!streq(value, r->name))
                        return 0;
                *ret = strdup(r->new_name);
                break;
        case RENAME_PATH:
                *ret = config_rename_path(value, r->name, r->new_name);
                break;
        case RENAME_HWADDR:
                return r->new_hwaddrs ? new_hwaddr(value, ret) : 0;
        default:
                return 0;
        }
        return *ret ? 0 : -ENOMEM;
}

/* One line (without its newline) into out: rewritten where its value changes, else as it was. */
static int rename_line(const char *line, size_t len, const ConfigRename *r, bool *seen_dir, bool *seen_image, FILE *out) {
        _cleanup_free_ char *copy = strndup(line, len), *v = NULL;
        char *key, *eq, *value, *end;
        int q;

        if (!copy)
                return -ENOMEM;
        key = copy + strspn(copy, " \t");
        eq = strchr(key, '=');
        if (*key == '#' || !eq)
                return fwrite(line, 1, len, out) == len ? 0 : -ENOMEM;
        for (end = eq; end > key && strchr(" \t", end[-1]); end--)
                ;
        *end = 0;
        value = eq + 1 + strspn(eq + 1, " \t");
        for (end = value + strlen(value); end > value && strchr(" \t\r", end[-1]); end--)
                ;
        /* A quoted value: the quotes stay where they are. */
        q = end - value >= 2 && strchr("\"'", *value) && end[-1] == *value;
        value += q;
        end -= q;
        *end = 0;
        q = new_value(rename_kind(key), value, r, seen_dir, seen_image, &v);
        if (q < 0)
                return q;
        if (!v)
                return fwrite(line, 1, len, out) == len ? 0 : -ENOMEM;
        return fprintf(out, "%.*s%s%.*s", (int) (value - copy), line, v, (int) (len - (size_t) (end - copy)),
                       line + (end - copy)) < 0 ? -ENOMEM : 0;
}

int config_rename_text(const char *text, const ConfigRename *r, char **ret) {
        _cleanup_free_ char *buf = NULL;
        bool seen_dir = false, seen_image = false;
        size_t size = 0;
        FILE *out = open_memstream(&buf, &size);
        int k = 0;

        if (!out)
                return -ENOMEM;
        for (const char *p = text; *p && k >= 0;) {
                size_t len = strcspn(p, "\n");

                k = rename_line(p, len, r, &seen_dir, &seen_image, out);
                p += len;
                if (*p == '\n' && k >= 0) {
                        k = fputc('\n', out) == EOF ? -ENOMEM : 0;
                        p++;
                }
        }
        if (k >= 0 && fflush(out) == 0 && size > 0 && buf[size - 1] != '\n' &&
            ((r->new_directory && !seen_dir) || (r->new_image && !seen_image)))
                k = fputc('\n', out) == EOF ? -ENOMEM : 0;
        if (k >= 0 && r->new_directory && !seen_dir)
                k = fprintf(out, "nsboot.directory = %s\n", r->new_directory) < 0 ? -ENOMEM : 0;
        if (k >= 0 && r->new_image && !seen_image)
                k = fprintf(out, "nsboot.image = %s\n", r->new_image) < 0 ? -ENOMEM : 0;
        if (fclose(out) != 0 && k >= 0)
                k = -ENOMEM;
        if (k < 0)
                return k;
        *ret = TAKE_PTR(buf);
        return 0;
}
