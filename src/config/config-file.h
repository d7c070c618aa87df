/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reads LXC-style config files: "key = value" lines, '#' comments, optional quotes, and includes of
 * files and directories (sorted; cycles and depth detected). Produces the assignments in file
 * order, each with its file and line, and every syntax problem at once. Non-logging. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
/* Appends one assignment (copies). Returns -ENOMEM only. */
int config_file_add(ConfigFile *cf, const char *file, unsigned line, const char *key, const char *value);
/* Opens path for reading if it is a regular file, without blocking on a FIFO: 1 and *ret, or 0 with
 * the problem in cf->errors, or -ENOMEM. */
int config_file_open(ConfigFile *cf, const char *path, FILE **ret);
/* One line of a file (without its newline check): returns < 0 only for -ENOMEM. */
typedef int (*ConfigLineFn)(ConfigFile *cf, const char *file, unsigned line, char *text, void *userdata);
/* Calls fn for each line of f; a line longer than CONFIG_MAX_LINE is an error of cf, a line with a
 * NUL byte is skipped. */
int config_file_read_lines(ConfigFile *cf, FILE *f, const char *file, ConfigLineFn fn, void *userdata);
/* Adds "file:line: key: message" to cf->errors. */
int config_file_error(ConfigFile *cf, const char *file, unsigned line, const char *key, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
void config_file_done(ConfigFile *cf);
