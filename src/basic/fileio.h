/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small whole-file reads and writes. Non-logging. */
#pragma once

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

/* All n bytes of buf to fd, again after EINTR and short writes. */
int loop_write(int fd, const void *buf, size_t n);
/* Writes s (plus a newline unless s ends in one) to an existing file, e.g. in /proc or /sys. */
int write_string_file(const char *path, const char *s);
/* Creates or truncates path with mode and writes s as is. */
int write_file_mode(const char *path, const char *s, mode_t mode);
/* Writes s to tmp (in the same directory; made anew, never followed if a symlink), then renames
 * it to path: readers see the old or the new content, never a part. Creates the directory dir
 * first if not NULL. */
int write_file_atomic(const char *dir, const char *path, const char *tmp, const char *s, mode_t mode);
/* Reads up to 1 MiB; the result is NUL-terminated. */
int read_full_file(const char *path, char **ret, size_t *ret_size);
/* The same, of a regular file only (-EBADFD for a FIFO, a device, ..., never blocked on); flags
 * adds to the open()'s, e.g. O_NOFOLLOW (-ELOOP for a symlink). The file's stat in *ret_st. */
int read_regular_file(const char *path, int flags, char **ret, size_t *ret_size, struct stat *ret_st);
/* s as a JSON string: in quotes, with '"', backslash and control characters escaped, and each byte
 * that is not part of valid UTF-8 as \ufffd (U+FFFD); NULL as "". */
void json_string(FILE *f, const char *s);
/* Reads the first line without its newline. */
int read_one_line(const char *path, char **ret);
