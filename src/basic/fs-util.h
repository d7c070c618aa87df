/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Directory and file creation helpers. Non-logging. */
#pragma once

#include <fcntl.h>
#include <stdbool.h>
#include <sys/types.h>

int mkdir_p(const char *path, mode_t mode);
/* mkdir -p, the deepest level first (where the parents exist, the usual case, one mkdir() does it);
 * made(dir, userdata), when not NULL, is called for each level made, parents first. Returns 1 when
 * it made path, 0 when path existed. Non-logging. */
int mkdir_p_made(const char *path, mode_t mode, int (*made)(const char *dir, void *userdata), void *userdata);
/* Whether anything is at path, a dangling symlink too (lstat(2)). */
bool path_lexists(const char *path);
/* Creates an empty file (for use as a mount point) unless something exists there already. */
int touch_file(const char *path, mode_t mode);
/* Joins a root and an absolute path inside it: ("/t", "/proc") -> "/t/proc". NULL on OOM. */
char *path_join(const char *root, const char *path);
/* The target of the symlink name at dir_fd (AT_FDCWD: name is a path), allocated; -EINVAL when
 * it is no symlink, as readlink(2). */
int readlinkat_malloc(int dir_fd, const char *name, char **ret);
#define readlink_malloc(path, ret) readlinkat_malloc(AT_FDCWD, (path), (ret))
/* Removes name at dir and everything below it, never following a symlink; 0 if it does not exist,
 * -ELOOP below max_depth levels. */
int remove_tree_at(int dir, const char *name, unsigned max_depth);
