/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl rename's journal: what a rename moves (the tree or image, side files, the log) and the
 * config files it writes and removes, written before the first move. A rename killed at any point
 * is undone (before it committed) or finished (after) by the next nsbootctl that looks at either
 * name: rename, clone, remove, create, export, start. */
#pragma once

#include <stdbool.h>

typedef struct RenameJournal {
        char *path;
        bool committed;
        char *name, *new_name;
        char *config, *new_config;      /* the old and the new config file; NULL: the machine has none */
        char **moves;                   /* FROM, TO, FROM, TO ...: renames, in the order made */
} RenameJournal;

void rename_journal_done(RenameJournal *j);
/* A journal of a rename of name to new_name, with its config files (NULL: none). Logs. */
int rename_journal_new(const char *name, const char *new_name, const char *config, const char *new_config,
                       RenameJournal *ret);
/* Adds a rename that the rename will make. Logs. */
int rename_journal_add_move(RenameJournal *j, const char *from, const char *to);
/* Writes the journal, before anything is moved. Logs. */
int rename_journal_begin(RenameJournal *j);
/* From here on the rename is finished, not undone. Logs. */
int rename_journal_commit(RenameJournal *j);
/* The old config file removed, then the journal. Logs. */
int rename_journal_finish(RenameJournal *j);
/* Moves taken back (those that were made), the new config file removed, then the journal. Logs. */
int rename_journal_undo(RenameJournal *j);
/* Undoes or finishes a killed rename from or to name, with both names' locks; a rename that runs
 * holds them, and is left alone. Call it before taking any lock of these names. Logs. */
void rename_journal_repair(const char *name);
