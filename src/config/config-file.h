/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reads LXC-style config files: "key = value" lines, '#' comments, optional quotes, and includes of
 * files and directories (sorted; cycles and depth detected). Produces the assignments in file
 * order, each with its file and line, and every syntax problem at once. Non-logging. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_MAX_DEPTH 16          /* include nesting */
#define CONFIG_MAX_ASSIGNMENTS 4096  /* over all files of one machine */
#define CONFIG_MAX_LINE 4096

typedef struct ConfigAssignment {
        char *key;
        char *value;
        char *file;
        unsigned line;
} ConfigAssignment;

typedef struct ConfigFile {
        ConfigAssignment *items;
        size_t n_items;
        char **errors;          /* "file:line: message" */
        char **stack;           /* real paths of the files being read, for cycle detection */
        bool untrusted;         /* set by the caller: no includes then */
} ConfigFile;

/* Appends path's assignments (and its includes') to cf. Returns -ENOMEM only; problems with the
 * file itself end up in cf->errors. */
int config_file_read(ConfigFile *cf, const char *path);
/* Adds "file:line: key: message" to cf->errors. */
int config_file_error(ConfigFile *cf, const char *file, unsigned line, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
void config_file_done(ConfigFile *cf);
