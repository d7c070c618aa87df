/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* System credentials for the guest's init (--set-credential, --load-credential), as
 * systemd-nspawn passes them: read on the host when the settings are loaded, written by the child
 * into a ramfs at /run/host/credentials (guest/credentials.c), named to init by
 * $CREDENTIALS_DIRECTORY; a systemd guest imports them as its system credentials. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CREDENTIALS_DIR "/run/host/credentials"
/* All of a machine's credentials together, as systemd-nspawn (CREDENTIALS_TOTAL_SIZE_MAX). */
#define CREDENTIALS_TOTAL_MAX (1024U * 1024U)

typedef struct Credential {
        char *id;
        char *data;
        size_t size;
} Credential;

typedef struct CredentialList {
        Credential *items;
        size_t n;
} CredentialList;

/* A name systemd takes for a credential: a file name (no '/', not "." or ".."), printable. */
bool credential_id_valid(const char *id);
/* "ID:VALUE", VALUE with C escapes (\n, \t, \\, \xHH, ...). -EINVAL, -EEXIST (ID given before),
 * -E2BIG (over CREDENTIALS_TOTAL_MAX together); empty clears the list. Non-logging. */
int credential_set(CredentialList *l, const char *spec);
/* "ID:PATH": PATH a regular file, absolute or a name in nsboot's own $CREDENTIALS_DIRECTORY (as
 * when nsboot@.service has LoadCredential=); read now. -ENOENT, -EINVAL (not a regular file, a
 * relative path with '/'), -EEXIST, -E2BIG, errors of open() and read(). Non-logging. */
int credential_load(CredentialList *l, const char *spec);
void credential_list_done(CredentialList *l);
