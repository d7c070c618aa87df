/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Namespaces a guest joins instead of getting its own: --network-namespace-path,
 * --uts-namespace-path and --ipc-namespace-path (LXC's lxc.namespace.share.net, .uts, .ipc). Parent
 * stage: the supervisor opens them before anything is made and enters them only around what must
 * happen inside them (the clone of the guest, a sysfs instance). */
#pragma once

#include <stdbool.h>

#include "settings.h"

typedef enum JoinedNs {
        JOINED_NET,
        JOINED_UTS,
        JOINED_IPC,
        _JOINED_MAX,
} JoinedNs;

/* The setting's value for type: a namespace file, a PID or a machine's name; NULL if not set. */
const char *ns_join_spec(const Settings *s, JoinedNs type);
/* Whether spec names a process by its PID (all digits), not a file or a machine. */
bool ns_join_spec_is_pid(const char *spec);
/* CLONE_NEWNET, CLONE_NEWUTS or CLONE_NEWIPC. */
int ns_join_flag(JoinedNs type);

/* Opens the namespace of type that spec names: a namespace file (opened only if it is one: a FIFO or
 * a device there never is), a PID, or the name of a running nsboot machine. Logs, naming the option. */
int ns_join_open(JoinedNs type, const char *spec, int *ret_fd);
/* Whether fd is the caller's own namespace of type (the host's, for the supervisor). */
bool ns_join_is_own(JoinedNs type, int fd);

/* Enters the namespace fd of type; *ret_saved gets the caller's own, for ns_join_leave(). Logs. */
int ns_join_enter(JoinedNs type, int fd, int *ret_saved);
/* Returns to the namespace ns_join_enter() saved, and closes it. Logs. */
int ns_join_leave(JoinedNs type, int saved);
