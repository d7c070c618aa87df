/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parent orchestration: checks the tree, takes the locks, then boots the guest (again after each
 * reboot) and tears everything down in reverse. The only caller is main(). */
#pragma once

#include "settings.h"

/* Runs the machine to its end. Returns < 0 on a failure nsboot itself reported (exit 1), else the
 * exit status to use: the guest's code, 0 after poweroff, 128+S when killed by S, 126/127 when the
 * command could not be executed. */
int container_run(const Settings *s);
/* The checks container_run() makes before it creates anything (tree, init). Logs. */
int container_check(const Settings *s);
