/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sd_notify() to our own service manager (the one that set $NOTIFY_SOCKET, e.g. nsboot@.service):
 * the notify protocol is one datagram of "KEY=VALUE\n" lines to an AF_UNIX socket, path or
 * abstract ("@..."), written here so that the supervisor does not load libsystemd for it (see
 * event-loop.h). Parent stage; non-logging. */
#pragma once

#include "macro.h"

/* As sd_notify(): > 0 when sent, 0 when $NOTIFY_SOCKET is not set, -errno on failure. */
int daemon_notify(int unset_environment, const char *state);
int daemon_notifyf(int unset_environment, const char *format, ...) _printf_(2, 3);
