/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A machine's config file under another name (nsbootctl clone and rename): the lines whose keys
 * carry the old name or the old tree or image path are rewritten, and for a clone the fixed MAC
 * addresses get new random ones; every other byte (comments, spacing, order) is kept.
 * Non-logging. */
#pragma once

#include <stdbool.h>

typedef struct ConfigRename {
        const char *name, *new_name;
        /* Set when the tree (or image) moves and the file names its path: the old path (as the
         * file spells it, or its realpath) and the new one. */
        const char *directory, *new_directory;
        const char *image, *new_image;
        bool new_hwaddrs;       /* a clone: nsboot.net.N.hwaddr / lxc.net.N.hwaddr get new random MACs */
} ConfigRename;

/* The text of a config file rewritten as r asks. When the new tree or image path was set but no line
 * of text named the old one (it came from an included file), a line setting it is appended.
 * -ENOMEM, or -EIO when no random bytes could be had. */
int config_rename_text(const char *text, const ConfigRename *r, char **ret);

/* path with each component that is name, and a last component "name.EXT", under new_name; NULL on
 * OOM. "/var/log/nsboot/web.log" -> "/var/log/nsboot/web2.log". */
char *config_rename_path(const char *path, const char *name, const char *new_name);
