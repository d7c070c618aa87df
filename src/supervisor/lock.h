/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-machine and per-tree locks under /run/nsboot/locks, held by the parent for the machine's
 * whole life. flock() locks vanish with the process, so a killed nsboot never leaves a lock held. */
#pragma once

#include <stdbool.h>

#include "basic/macro.h"

#define LOCK_DIR "/run/nsboot/locks"

typedef struct Lock {
        int fd;
        char *path;
        bool shared;
} Lock;

/* Opens and flock()s path (made 0644 if missing), waiting for it with wait, else -EBUSY; retries when
 * the file was unlinked by its previous holder in between, so a holder may unlink it before it lets
 * go (then the next one makes a new file). Returns the descriptor. Non-logging. */
int lock_open(const char *path, bool wait);
/* The same with a shared lock (LOCK_SH), without waiting. Non-logging. */
int lock_open_shared(const char *path);
/* Takes the lock at LOCK_DIR/<name> without waiting, writing "PID MACHINE DIRECTORY" into it;
 * -EBUSY when another process holds it. Non-logging. */
int lock_try(const char *name, const char *machine, const char *directory, Lock *ret);
/* The same; on -EBUSY logs who holds it. Logs. */
int lock_acquire(const char *name, const char *machine, const char *directory, Lock *ret);
void lock_release(Lock *l);

/* Both locks of a machine: "machine-NAME" and "tree-DEV:INO" of its root directory (or image); with
 * directory NULL only the first. Logs. */
int lock_machine(const char *machine, const char *directory, Lock ret[static 2]);
/* The same, with the tree's lock shared, for a machine that never writes to its tree (-x,
 * --volatile, --read-only) or a reader of it (nsbootctl export): many may hold it at once, and
 * none while a machine that writes to the tree runs (or is removed, renamed, ...). Logs. */
int lock_machine_read(const char *machine, const char *directory, Lock ret[static 2]);

/* Removes the lock files that name machine and that no process holds: what a killed nsboot of it
 * left (its tree and id range locks). Never another machine's, never a held one. Returns how many
 * it removed. Non-logging. */
int lock_remove_stale(const char *machine);
