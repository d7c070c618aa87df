/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/strv.h"

char **strv_free(char **l) {
        STRV_FOREACH(s, l)
                free(*s);
        free(l);
        return NULL;
}

size_t strv_length(char *const *l) {
        size_t n = 0;

        STRV_FOREACH(s, l)
                n++;
        return n;
}

char **strv_copy(char *const *l) {
        char **c = calloc(strv_length(l) + 1, sizeof(char *));
        size_t i = 0;

        if (!c)
                return NULL;
        STRV_FOREACH(s, l) {
                c[i] = strdup(*s);
                if (!c[i])
                        return strv_free(c);
                i++;
        }
        return c;
}

int strv_consume(char ***l, char *value) {
        size_t n;
        char **c;

        if (!value)
                return -ENOMEM;
        n = strv_length(*l);
        c = realloc(*l, (n + 2) * sizeof(char *));
        if (!c) {
                free(value);
                return -ENOMEM;
        }
        c[n] = value;
        c[n + 1] = NULL;
        *l = c;
        return 0;
}

int strv_extend(char ***l, const char *value) {
        return strv_consume(l, strdup(value));
}

bool strv_contains(char *const *l, const char *value) {
        STRV_FOREACH(s, l)
                if (strcmp(*s, value) == 0)
                        return true;
        return false;
}

static size_t env_name_length(const char *s) {
        const char *eq = strchr(s, '=');

        return eq ? (size_t) (eq - s) : strlen(s);
}

int strv_env_set(char ***l, const char *assignment) {
        size_t n = env_name_length(assignment);
        char *copy;

        for (char **s = *l; s && *s; s++)
                if (env_name_length(*s) == n && strncmp(*s, assignment, n) == 0) {
                        copy = strdup(assignment);
                        if (!copy)
                                return -ENOMEM;
                        free(*s);
                        *s = copy;
                        return 0;
                }
        return strv_extend(l, assignment);
}

const char *strv_env_get(char *const *l, const char *name) {
        size_t n = strlen(name);

        STRV_FOREACH(s, l)
                if (strncmp(*s, name, n) == 0 && (*s)[n] == '=')
                        return *s + n + 1;
        return NULL;
}

char **strv_split_keep_empty(const char *s, char sep) {
        _cleanup_strv_free_ char **l = NULL;

        for (const char *p = s;;) {
                const char *end = strchrnul(p, sep);

                if (strv_consume(&l, strndup(p, (size_t) (end - p))) < 0)
                        return NULL;
                if (!*end)
                        break;
                p = end + 1;
        }
        return TAKE_PTR(l);
}
