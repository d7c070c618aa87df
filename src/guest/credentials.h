/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guest's /run/host/credentials, as systemd-nspawn makes it: a ramfs (never swapped out) of
 * mode 0700 with one file a credential, 0400, the directory then 0500 and the mount read-only.
 * Child stage, as the guest's root, before /run/host becomes read-only. */
#pragma once

#include "credential.h"

/* Nothing without credentials. Logs. */
int credentials_setup(const char *root, const CredentialList *l);
