/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A minimal init for --as-pid2: runs the command as PID 2, reaps orphans, turns the stop signals
 * an init receives into SIGTERM for the command, and exits with the command's status; after a
 * reboot request (SIGINT, SIGRTMIN+5, SIGRTMIN+6) it reboots instead, and the guest starts again. */
#pragma once

#include "basic/macro.h"

/* Returns only if fork() fails. */
int stub_pid1_run(const char *path, char **argv, char **envp);
