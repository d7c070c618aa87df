/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers of nsbootctl create and remove: running a build tool with a progress line on the
 * terminal (steps, and package counts from debootstrap's messages) and silence in scripts. */
#pragma once

#include <signal.h>
#include <stdbool.h>

#include "basic/macro.h"

/* Where nsbootctl create puts a machine's tree and its config file. */
#define MACHINES_DIR "/var/lib/machines"
#define CONFIG_DIR "/etc/nsboot"

typedef struct Progress Progress;

/* tty: show steps and counts on stderr; otherwise print only failures. Logs. */
int progress_new(const char *machine, bool tty, Progress **ret);
Progress *progress_free(Progress *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(Progress *, progress_free);

void progress_step(Progress *p, const char *format, ...) _printf_(2, 3);
/* Runs argv with stdin from /dev/null and its output followed; < 0 with the command's last lines
 * logged when it fails. Logs. */
int progress_run(Progress *p, const char *const *argv);
/* The same in the directory dir_fd (-EBADF: ours), which may be a detached mount. Logs. */
int progress_run_at(Progress *p, int dir_fd, const char *const *argv);
/* The end: a success line with the tree, or nothing more after a failure. */
void progress_done(Progress *p, const char *tree);
void progress_fail(Progress *p);

/* SIGINT, SIGTERM and SIGHUP wait while a command makes something it must remove when stopped
 * half way: blocked (the old mask into ret_old, for the caller to restore at the end) ... */
void progress_interrupts_block(sigset_t *ret_old);
/* ... and looked at between the steps: -EINTR, logged with what is removed, when one is pending. */
int progress_interrupted(const char *what);
