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

/* What the command line said: the settings assignments in order (to apply again after a config
 * file), plus the options that are not settings. */
typedef struct CliArgs {
        CliAction action;
        const char *config;         /* --config=FILE */
        bool no_config;             /* --no-config */
        bool check;                 /* --check */
        bool cleanup;               /* --cleanup */
        size_t n;
        const SettingDef *defs[CLI_MAX_ASSIGNMENTS];
        const char *values[CLI_MAX_ASSIGNMENTS];
} CliArgs;

/* Applies every option to s through the settings table and records it in ret. Logs; returns
 * -EINVAL on a usage error. */
int cli_parse(int argc, char *argv[], Settings *s, CliArgs *ret);
/* Applies the recorded assignments and the arguments of 'from' again, on top of a config file. */
int cli_reapply(const CliArgs *a, const Settings *from, Settings *s);
void cli_help(void);
