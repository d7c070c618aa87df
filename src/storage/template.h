/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --template=DIR: a tree that does not exist yet is made as a copy of DIR on the first start, as
 * systemd-nspawn does: file contents shared by reflink (FICLONE) where the file system can, else
 * copied; owners, modes, times, extended attributes (file capabilities, ACLs), symlinks and device
 * nodes kept; one file system only. Parent stage, before anything else looks at the tree. Logs. */
#pragma once

/* Copies template to directory if directory does not exist, through a temporary directory beside
 * it that is renamed into place at the end, so an interrupted copy never looks like a tree. */
int template_populate(const char *template, const char *directory);
