/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sysinfo(2) answered by the supervisor: a one-syscall seccomp filter whose listener (seccomp user
 * notification, Linux 5.0) goes to the parent, which writes the guest's own figures (the /proc
 * view's) into the caller's struct sysinfo. Kept apart from the main syscall filter, stacked on it.
 * Child stage: installed just before exec; parent stage: served from the event loop. */
#pragma once

#include <sys/sysinfo.h>
#include <sys/types.h>
#include "event-loop.h"

/* Installs the filter in the calling process and its future children; *ret_fd is the listener.
 * Logs. */
int seccomp_notify_install(int *ret_fd);

/* Fills the answer to a sysinfo() of pid. Non-logging. */
typedef int (*SeccompSysinfoFill)(void *userdata, pid_t pid, struct sysinfo *ret);

/* Serves the listener fd (taken over) from e. Logs. */
int seccomp_notify_attach(Event *e, int fd, SeccompSysinfoFill fill, void *userdata, EventSource **ret);
