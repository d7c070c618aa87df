/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Command line: getopt_long options generated from the settings table, plus --help and --version.
 * Called by main() before anything else. */
#pragma once

#include "settings.h"

typedef enum CliAction {
        CLI_RUN,
        CLI_HELP,
        CLI_VERSION,
} CliAction;

#define CLI_MAX_ASSIGNMENTS 256

typedef struct SettingDef SettingDef;

/* systemd-nspawn's --settings=: how the machine's file counts against the command line. */
typedef enum CliSettingsMode {
        CLI_SETTINGS_YES,           /* read; a file beside the tree untrusted; the command line wins */
        CLI_SETTINGS_TRUSTED,       /* a file beside the tree trusted too */
        CLI_SETTINGS_OVERRIDE,      /* trusted, and the file wins over the command line */
} CliSettingsMode;

/* What the command line said: the settings assignments in order (to apply again after a config
 * file), plus the options that are not settings. */
typedef struct CliArgs {
        CliAction action;
        const char *config;         /* --config=FILE */
        bool no_config;             /* --no-config, --settings=no */
        CliSettingsMode settings;   /* --settings= */
        bool check;                 /* --check */
        bool cleanup;               /* --cleanup */
        size_t n;
        const SettingDef *defs[CLI_MAX_ASSIGNMENTS];
        const char *values[CLI_MAX_ASSIGNMENTS];
} CliArgs;

/* Applies every option to s through the settings table and records it in ret. Logs; returns
 * -EINVAL on a usage error. */
int cli_parse(int argc, char *argv[], Settings *s, CliArgs *ret);
/* Applies the recorded assignments and the arguments of 'from' again, on top of a config file; with
 * --settings=override only those of settings the file did not set (s->file_fields). */
int cli_reapply(const CliArgs *a, const Settings *from, Settings *s);
void cli_help(void);
