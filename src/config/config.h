/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-machine config files: where they are, how far they are trusted, and how their keys (native,
 * LXC 3+ and LXC <= 2.0 spellings) map onto the settings table. Called by main() before the
 * command line is applied. */
#pragma once

#include <stdbool.h>

#include "config-file.h"
#include "settings-table.h"
#include "settings.h"

/* Resolves a key: rewrites LXC <= 2.0 spellings into *ret_modern (NULL if none), and says what
 * nsboot does with it; *ret_note explains unsupported and ignored keys. net_index numbers
 * unindexed lxc.network.* blocks. Non-logging. */
KeyStatus config_key_status(const char *key, const char *value, unsigned *net_index, char **ret_modern,
                            const char **ret_note);
/* The known key closest to an unknown one, for "did you mean". */
const char *config_key_suggest(const char *key);

/* Where machines' config files are, in the order config_find() looks: NAME.conf (in
 * config_search_dirs()), then LXC's NAME/config, then systemd-nspawn's NAME.nspawn. */
#define CONFIG_DIRS "/etc/nsboot", "/run/nsboot"
#define LXC_PATH "/var/lib/lxc"
#define NSPAWN_DIRS "/etc/systemd/nspawn", "/run/systemd/nspawn"

/* The directories of nsboot's own config files NAME.conf, in the order they are looked in:
 * CONFIG_DIRS, or instead the absolute directories that $NSBOOT_CONFIG_PATH lists (colon-separated;
 * set but empty: none), for nsboot -M, nsbootctl and the start at boot alike. Non-logging. */
int config_search_dirs(char ***ret);
/* Every NAME.conf of a valid machine name in config_search_dirs(), the first of each name (the one
 * config_find() takes, whatever its type): ret_paths[i] is the file of machine ret_names[i]. Both
 * NULL when there is none. Non-logging. */
int config_list_machines(char ***ret_names, char ***ret_paths);

/* Finds the machine's file: NAME.conf in config_search_dirs() (/etc/nsboot, /run/nsboot), LXC's
 * /var/lib/lxc/NAME/config (trusted; said at info level), else NAME.nsboot beside the tree
 * (untrusted). Returns 0 and NULL when there is none. */
int config_find(const char *machine, const char *directory, char **ret_path, bool *ret_trusted);

/* Reads path (and its includes) into s. Every problem is logged as "path:line: key: message";
 * returns -EINVAL if there were any. */
int config_load(Settings *s, const char *path, bool trusted);

/* Prints the effective settings as "key = value" lines. */
int config_print(const Settings *s);
