/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NULL-terminated string arrays. Non-logging. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

char **strv_free(char **l);
static inline void strv_freep(char ***l) {
        *l = strv_free(*l);
}
#define _cleanup_strv_free_ __attribute__((cleanup(strv_freep)))

size_t strv_length(char *const *l);
char **strv_copy(char *const *l);
/* Appends a copy of value; returns 0 or -ENOMEM. */
int strv_extend(char ***l, const char *value);
/* Takes ownership of value even on failure. */
int strv_consume(char ***l, char *value);
bool strv_contains(char *const *l, const char *value);
/* For "NAME=VALUE" lists: replaces an entry with the same NAME or appends. */
int strv_env_set(char ***l, const char *assignment);
const char *strv_env_get(char *const *l, const char *name);
/* Splits s at every sep character, keeping empty fields ("a::b" gives "a", "", "b"); NULL on OOM. */
char **strv_split_keep_empty(const char *s, char sep);

#define STRV_FOREACH(s, l) for (char *const *s = (l); s && *s; s++)
