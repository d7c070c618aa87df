/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Directory and file creation helpers. Non-logging. */
#pragma once

#include <sys/types.h>

int mkdir_p(const char *path, mode_t mode);
/* Creates an empty file (for use as a mount point) unless something exists there already. */
int touch_file(const char *path, mode_t mode);
/* Joins a root and an absolute path inside it: ("/t", "/proc") -> "/t/proc". NULL on OOM. */
char *path_join(const char *root, const char *path);
