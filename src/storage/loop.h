/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loop devices over a range of an image file, with autoclear: the device goes away when its last
 * user (our fd, then the file system mounted from it) is gone, so nothing leaks after SIGKILL.
 * Parent stage. Non-logging. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Attaches bytes [offset, offset+size) of image_fd (size 0: to the end) to a free loop device.
 * Returns the open device in *ret_fd and its path in *ret_path. */
int loop_attach(int image_fd, uint64_t offset, uint64_t size, bool read_only, int *ret_fd, char **ret_path);
