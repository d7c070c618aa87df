/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The last step in the child, after pivot_root: console as stdio, environment, keyring, system
 * call filter, capabilities, user, working directory, then execve() of init or the command (or
 * the stub init with --as-pid2). */
#pragma once

#include "stage-child.h"

/* Environment of PID 1: fixed entries, then the user's, then -E. NULL on OOM. Non-logging. */
char **stage_init_environment(const ChildParams *p, const char *home, const char *user, const char *shell);

/* Returns only on failure, with -errno of the failed step; *ret_exec tells whether execve() failed. */
int stage_init_exec(const ChildParams *p, bool *ret_exec_failed);
