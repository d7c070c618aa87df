/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one table of settings: each row names a key, its command-line spelling, the parser shared by
 * the command line and config files, and the Settings field it writes. Used by cli.c (and config files). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "settings.h"

typedef struct SettingDef SettingDef;

/* Parses value into the field at dest. Returns 0, or -EINVAL/-ERANGE/-ENOMEM; the caller builds the
 * message from the row's 'expect' text. */
typedef int (*SettingParser)(const SettingDef *def, const char *value, void *dest);

/* Appends the value of the field at src in config syntax ("" when unset). Returns -ENOMEM. */
typedef int (*SettingFormatter)(const void *src, char **ret);

typedef enum SettingFlags {
        SETTING_LIST = 1 << 0,      /* every assignment appends; an empty value clears the list */
        SETTING_FLAG = 1 << 1,      /* command-line option takes no argument: it assigns cli_value */
        SETTING_PRIVILEGED = 1 << 2,/* grants privilege or touches the host: trusted files only */
        SETTING_NO_PRINT = 1 << 3,  /* shares its field with another key, which --check prints */
        SETTING_NO_VALUE = 1 << 4,  /* a flag whose long form takes no value either (--pipe) */
} SettingFlags;

struct SettingDef {
        const char *key;            /* config key, NULL for command-line-only spellings */
        const char *lxc_key;        /* LXC 3+ spelling of the same setting, if any */
        const char *lxc_alt_key;    /* a second LXC spelling (cgroup v1 vs v2 keys) */
        const char *lxc_legacy_key; /* LXC <= 2.0 spelling, accepted with a warning */
        const char *long_option;    /* without the leading "--", NULL if none */
        char short_option;          /* 0 if none */
        SettingParser parse;
        size_t offset;              /* offsetof(Settings, field) */
        SettingFlags flags;
        const char *cli_value;      /* for SETTING_FLAG options */
        const char *metavar;        /* argument name in --help */
        const char *expect;         /* what a valid value looks like, for error messages */
        const char *doc;
        SettingFormatter format;
        /* For a SETTING_PRIVILEGED row: values that only take rights away, which an untrusted
         * file may give all the same (a system call filter's denies). */
        bool (*untrusted_ok)(const char *value);
};

extern const SettingDef settings_table[];
extern const size_t settings_table_size;

/* Finds a row by native, LXC or legacy LXC key; *ret_legacy tells which. */
const SettingDef *settings_table_find_key(const char *key);
const SettingDef *settings_table_find_any_key(const char *key, bool *ret_legacy);
const SettingDef *settings_table_find_long(const char *option);
const SettingDef *settings_table_find_short(char c);

/* Applies value through def's parser; logs "<where>: <message>" and returns -errno on bad input. */
int settings_assign(Settings *s, const SettingDef *def, const char *value, const char *where);
