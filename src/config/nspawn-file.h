/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reads systemd-nspawn's settings files (systemd.nspawn(5): [Exec], [Files] and [Network] sections
 * of Key=Value lines) as nsboot assignments: each setting becomes the nsboot.* key of the same
 * meaning, with its file and line, so the usual rules apply to it (an untrusted file cannot set a
 * privileged key, the command line wins). A setting without an nsboot equivalent is an error naming
 * FILE:LINE, never silently dropped. Used by config_load() and nsbootctl convert-nspawn.
 * Non-logging. */
#pragma once

#include <stdbool.h>

#include "config-file.h"

/* Whether path names an .nspawn file (by its suffix). */
bool nspawn_file_is(const char *path);

/* Appends path's settings to cf. Returns -ENOMEM only; problems end up in cf->errors. */
int nspawn_file_read(ConfigFile *cf, const char *path);
