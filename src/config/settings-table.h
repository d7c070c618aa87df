/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one table of keys: each row names a key in all its spellings (native, LXC 3+, LXC <= 2.0, and
 * key families such as lxc.prlimit.NAME), its command-line option, the parser shared by the command
 * line and config files, and the field it writes; or, for an LXC key nsboot has no setting for, what
 * nsboot does with it and why. Used by cli.c and config.c, and by netdev-config.c for lxc.net.N.*. */
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

/* What a key means to nsboot. */
typedef enum KeyStatus {
        KEY_SETTING,            /* a setting: the row's parser applies the value */
        KEY_NETDEV,             /* an indexed network key, lxc.net.N.* (netdev-config.c applies it) */
        KEY_ACCEPTED,           /* describes what nsboot does anyway (a parser may still check the value) */
        KEY_UNSUPPORTED,        /* its feature is not there: refused, never silently accepted */
        KEY_IGNORED,            /* cannot be honoured here (e.g. AppArmor): warned about once */
        KEY_OBSOLETE,           /* removed in LXC 3.0 without replacement: warned about */
        KEY_UNKNOWN,
} KeyStatus;

typedef enum SettingFlags {
        SETTING_LIST = 1 << 0,      /* every assignment appends; an empty value clears the list */
        SETTING_FLAG = 1 << 1,      /* command-line option takes no argument: it assigns cli_value */
        SETTING_PRIVILEGED = 1 << 2,/* grants privilege or touches the host: trusted files only */
        SETTING_NO_PRINT = 1 << 3,  /* shares its field with another key, which --check prints */
        SETTING_NO_VALUE = 1 << 4,  /* a flag whose long form takes no value either (--pipe) */
        SETTING_NET = 1 << 5,       /* "nsboot.net.N.SUB": the field is in the NetDevConfig of index N */
        SETTING_FAMILY = 1 << 6,    /* "KEY.REST = V" is "KEY = REST=V" (nsboot.rlimit.nofile = 1024) */
        SETTING_SECRET = 1 << 7,    /* "NAME:SECRET": messages show NAME only */
} SettingFlags;

/* Spellings: "N" in a SETTING_NET row's keys stands for the interface index; an LXC spelling that ends
 * in '.' names a key family, "PREFIX.REST = V" being "REST=V" for the row (lxc.prlimit.nofile = 1024),
 * or, in a row that is not a setting, every key below PREFIX. */
struct SettingDef {
        const char *key;            /* native config key, NULL for command-line-only and LXC-only rows */
        const char *lxc_key;        /* LXC 3+ spelling of the same setting, if any */
        const char *lxc_alt_key;    /* a second LXC spelling (cgroup v1 vs v2 keys) */
        const char *lxc_legacy_key; /* LXC <= 2.0 spelling, accepted with a warning */
        KeyStatus status;           /* KEY_SETTING (or KEY_NETDEV) for a setting */
        const char *note;           /* for the other statuses: why; for a setting: said when it is used */
        unsigned net_types;         /* SETTING_NET: bit (1 << NetDevType) of each type the key applies to */
        const char *long_option;    /* without the leading "--", NULL if none */
        char short_option;          /* 0 if none */
        SettingParser parse;
        size_t offset;              /* offsetof(Settings, field), or of NetDevConfig for SETTING_NET */
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

/* A key resolved against the table. */
typedef struct SettingMatch {
        const SettingDef *def;
        bool legacy;                /* spelled the LXC <= 2.0 way */
        const char *rest;           /* key family: the part of the key after the prefix, else NULL */
        int index;                  /* SETTING_NET: the interface index, else -1 */
} SettingMatch;

/* Finds the row of a config key in any spelling: exact spellings first, then net keys by pattern,
 * then the longest family prefix. Returns false for an unknown key. */
bool settings_table_lookup(const char *key, SettingMatch *ret);
/* The LXC 3+ spelling of what m matched ("lxc.net.0.link" for "lxc.network.link" at index 0). */
char *settings_match_modern_key(const SettingMatch *m);
/* The net row of subkey sub ("link", "ipv4.address"); *ret_ordinal numbers the net rows from 0. */
const SettingDef *settings_table_find_net(const char *sub, unsigned *ret_ordinal);
/* The n-th net row, NULL past the last. */
const SettingDef *settings_table_net_row(unsigned n);
/* "link" for the row of nsboot.net.N.link. */
const char *settings_net_sub(const SettingDef *def);
const SettingDef *settings_table_find_key(const char *key);
const SettingDef *settings_table_find_long(const char *option);
const SettingDef *settings_table_find_short(char c);

/* Applies value through def's parser; logs "<where>: <message>" and returns -errno on bad input. */
int settings_assign(Settings *s, const SettingDef *def, const char *value, const char *where);
