/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --link-journal: make the guest's journal visible to the host's journalctl (-m, -M), as
 * systemd-nspawn does: a symlink on the host to the guest's journal directory (guest), or the
 * host's directory bound into the guest (host). Parent stage decides and makes the host side; the
 * child binds. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include "id128-util.h"

typedef enum LinkJournal {
        LINK_JOURNAL_NO,
        LINK_JOURNAL_HOST,
        LINK_JOURNAL_TRY_HOST,
        LINK_JOURNAL_GUEST,
        LINK_JOURNAL_TRY_GUEST,
        LINK_JOURNAL_AUTO,
        _LINK_JOURNAL_MAX,
        _LINK_JOURNAL_INVALID = -EINVAL,
} LinkJournal;

const char *link_journal_to_string(LinkJournal l);
LinkJournal link_journal_from_string(const char *s);

/* Parent: makes the host side for mode. id_from_tree tells whether id is the tree's own machine ID
 * (nothing can be linked without one). *ret_bind says whether the child must bind the host's
 * directory into the guest. Logs; "try-" modes and auto fail quietly. */
int journal_link_prepare(LinkJournal mode, const char *root, Id128 id, bool id_from_tree, bool *ret_bind);
/* Parent: the host's /var/log/journal/ID as a detached mount, idmapped to userns_fd if >= 0. Logs. */
int journal_link_open(Id128 id, int userns_fd, int *ret_fd);
/* Child: attaches it at the guest's /var/log/journal/ID. Logs. */
int journal_link_bind(int fd, const char *root, Id128 id);
