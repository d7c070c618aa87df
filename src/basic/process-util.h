/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Waiting for helper processes (hooks, scripts) and for the guest's setup so that a stop request
 * still works: nsboot keeps SIGTERM and SIGINT blocked for its event loop's signalfd, so a wait
 * outside the loop must look for them itself, or a helper that never ends would hold nsboot until
 * SIGKILL. Non-logging. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* SIGTERM or SIGINT is pending (blocked, not yet taken). */
bool stop_signal_pending(void);
/* Waits for the child pid (which leads a process group of its own) and sets *ret_status as
 * waitpid(). Once SIGTERM or SIGINT is pending, kills its process group, reaps it and returns
 * -EINTR. */
int wait_child_or_stop(pid_t pid, int *ret_status);
