/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one table of settings: each row names a key, its command-line spelling, the parser shared by
 * the command line and config files, and the Settings field it writes. Used by cli.c (and config files). */
#pragma once

#include <stddef.h>

#include "settings.h"

typedef struct SettingDef SettingDef;

/* Parses value into the field at dest. Returns 0, or -EINVAL/-ERANGE/-ENOMEM; the caller builds the
 * message from the row's 'expect' text. */
typedef int (*SettingParser)(const SettingDef *def, const char *value, void *dest);

typedef enum SettingFlags {
        SETTING_LIST = 1 << 0,      /* every assignment appends */
        SETTING_FLAG = 1 << 1,      /* command-line option takes no argument: it assigns cli_value */
} SettingFlags;

struct SettingDef {
        const char *key;            /* config key, NULL for command-line-only spellings */
        const char *long_option;    /* without the leading "--", NULL if none */
        char short_option;          /* 0 if none */
        SettingParser parse;
        size_t offset;              /* offsetof(Settings, field) */
        SettingFlags flags;
        const char *cli_value;      /* for SETTING_FLAG options */
        const char *metavar;        /* argument name in --help */
        const char *expect;         /* what a valid value looks like, for error messages */
        const char *doc;
};

extern const SettingDef settings_table[];
extern const size_t settings_table_size;

const SettingDef *settings_table_find_key(const char *key);
const SettingDef *settings_table_find_long(const char *option);
const SettingDef *settings_table_find_short(char c);

/* Applies value through def's parser; logs "<where>: <message>" and returns -errno on bad input. */
int settings_assign(Settings *s, const SettingDef *def, const char *value, const char *where);
