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

/* Applies every option to s through the settings table. Logs; returns -EINVAL on a usage error. */
int cli_parse(int argc, char *argv[], Settings *s, CliAction *ret_action);
void cli_help(void);
