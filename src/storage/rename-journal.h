/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The journal of nsbootctl rename and clone: what a rename moves (the tree or image, side files, the
 * log) and the config files it writes and removes, or what a clone makes, written before the first
 * step. One killed at any point is undone (a rename before it committed, a clone before its copy
 * is in place) or finished (a rename after it committed) by the next nsbootctl that looks at either
 * name (rename, clone, remove, create, export, start, enable, disable), or nsboot -M of either name
 * before it looks for the machine's config file and tree. */
#pragma once

#include <stdbool.h>

typedef struct RenameJournal {
        char *path;
        bool committed;
        bool clone;                     /* a clone's: nothing to finish, only to undo */
        char *name, *new_name;
        char *config, *new_config;      /* the old and the new config file; NULL: the machine has none */
        char *tree;                     /* a rename's: the tree or image after it, whose /etc/hostname
                                         * gets the new name; NULL: none (a clone) */
        bool image;                     /* tree is a disk image */
        char **moves;                   /* FROM, TO, ...: renames in the order made; TO empty: FROM was made */
} RenameJournal;

void rename_journal_done(RenameJournal *j);
/* A journal of a rename of name to new_name, with its config files (NULL: none). Logs. */
int rename_journal_new(const char *name, const char *new_name, const char *config, const char *new_config,
                       RenameJournal *ret);
/* Adds a rename that the rename will make. Logs. */
int rename_journal_add_move(RenameJournal *j, const char *from, const char *to);
/* Adds a file or tree that the clone will make (which did not exist). Logs. */
int rename_journal_add_made(RenameJournal *j, const char *path);
/* Writes the journal, before anything is moved. Logs. */
int rename_journal_begin(RenameJournal *j);
/* From here on the rename is finished, not undone. Logs. */
int rename_journal_commit(RenameJournal *j);
/* The last steps, each of which can be done again: /etc/hostname in the tree or image set to the new
 * name when it holds the old one (a failure is only warned about), the old config file removed,
 * then the journal. Logs. */
int rename_journal_finish(RenameJournal *j);
/* Moves taken back (those that were made), what was made removed, the new config file removed, then
 * the journal. Logs. */
int rename_journal_undo(RenameJournal *j);
/* Undoes or finishes a killed rename from or to name, with both names' locks; a rename that runs
 * holds them, and is left alone. Call it before taking any lock of these names. Logs. */
void rename_journal_repair(const char *name);
