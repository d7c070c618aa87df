/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Settings of one machine: filled through the key table (command line now, config files later),
 * checked across keys by settings_validate(), then read-only for every stage. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-id128.h>

#include "basic/macro.h"

typedef enum ConsoleMode {
        CONSOLE_INTERACTIVE,
        CONSOLE_READ_ONLY,
        CONSOLE_PASSIVE,
        CONSOLE_PIPE,
        _CONSOLE_MODE_MAX,
        _CONSOLE_MODE_INVALID = -EINVAL,
} ConsoleMode;

const char *console_mode_to_string(ConsoleMode m);
ConsoleMode console_mode_from_string(const char *s);

typedef struct Settings {
        char *directory;
        bool boot;
        char *machine;
        char *hostname;
        char *user;
        char *chdir;
        char **environment;
        sd_id128_t uuid;            /* SD_ID128_NULL: take it from the tree or make one up */
        bool as_pid2;
        int kill_signal;            /* 0: default for the start mode */
        ConsoleMode console_mode;   /* _CONSOLE_MODE_INVALID: pick from the terminal */
        bool private_network;
        bool quiet;
        char **parameters;          /* init arguments with --boot, else the command */
} Settings;

Settings *settings_new(void);
Settings *settings_free(Settings *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(Settings *, settings_free);

/* Fills in defaults that depend on other keys and checks combinations. Logs. */
int settings_validate(Settings *s, bool stdin_tty, bool stdout_tty);

/* Machine names follow hostname rules: 1-64 of [A-Za-z0-9._-], no leading '.' or '-', no "..". */
bool machine_name_is_valid(const char *s);
bool hostname_is_valid(const char *s);
