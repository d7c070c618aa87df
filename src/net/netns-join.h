/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --network-namespace-path (lxc.namespace.share.net): the network namespace a guest joins instead of
 * getting its own or the host's. Parent stage: the supervisor opens it before anything is made and
 * enters it only around what must happen inside it (the clone of the guest, a sysfs instance). */
#pragma once

/* Opens the network namespace of spec: a namespace file (followed only if it is one: a FIFO or a
 * device there is never opened), a PID, or the name of a running nsboot machine. Logs, naming the
 * option. */
int netns_join_open(const char *spec, int *ret_fd);

/* Enters the network namespace fd; *ret_saved gets the caller's own, for netns_join_leave(). Logs. */
int netns_join_enter(int fd, int *ret_saved);
/* Returns to the namespace netns_join_enter() saved, and closes it. Logs. */
int netns_join_leave(int saved);
