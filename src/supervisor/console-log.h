/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lxc.console.logfile: a host file that gets everything the guest writes to its console, written by
 * the supervisor, with LXC's size limit (lxc.console.size) and rotation to FILE.1
 * (lxc.console.rotate). Parent stage. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/macro.h"
#include "console-ring.h"

typedef struct ConsoleLog ConsoleLog;

/* Opens path for appending: created 0600 when missing, never through a symbolic link in its last
 * component, and only a regular file (a FIFO or device could block or grow without bound). size 0
 * means no limit. ring_size > 0 also keeps the last ring_size bytes in memory (lxc.console.buffer.size);
 * with path NULL only those. Logs. */
int console_log_open(const char *path, uint64_t size, bool rotate, size_t ring_size, ConsoleLog **ret);
/* Appends n bytes. At the limit, what fits goes in, then the file is rotated (FILE.1 replaced) or
 * emptied, and the rest goes on in the new one. A failing file is reported once and then left
 * alone: the console goes on. */
void console_log_write(ConsoleLog *l, const void *buf, size_t n);
ConsoleLog *console_log_free(ConsoleLog *l);
DEFINE_TRIVIAL_CLEANUP_FUNC(ConsoleLog *, console_log_free);
/* The in-memory ring, or NULL. */
ConsoleRing *console_log_ring(ConsoleLog *l);
