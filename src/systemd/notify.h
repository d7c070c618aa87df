/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* daemon_notify() for the guest: the child binds a datagram socket at /run/host/notify in the container
 * (NOTIFY_SOCKET for its init); the parent relays the guest's READY=1 and STATUS= to the service
 * manager that started nsboot (a Type=notify nsboot@.service). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>
#include "event-loop.h"

#include "basic/macro.h"

#define NOTIFY_SOCKET_PATH "/run/host/notify"

/* Child stage, below root before /run/host is made read-only: returns the bound socket. Logs. */
int notify_bind(const char *root);

typedef struct Notify Notify;

/* Parent: watches fd (taken over) for datagrams from leader; with wait_for_ready READY=1 is only
 * passed on once the guest sends it, else it is sent at once. Logs. */
int notify_new(Event *e, int fd, pid_t leader, bool wait_for_ready, Notify **ret);
Notify *notify_free(Notify *n);
DEFINE_TRIVIAL_CLEANUP_FUNC(Notify *, notify_free);

/* Relays one datagram's text from the guest: READY=1 and STATUS=. Returns true if it said READY=1.
 * Non-logging; exposed for tests. */
bool notify_relay(const char *text, size_t n, bool wait_for_ready);
