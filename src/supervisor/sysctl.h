/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-machine sysctls (lxc.sysctl.*, --sysctl=): only those the kernel keeps per namespace, so a
 * guest's setting never changes the host. Written by a helper that enters the guest's network,
 * UTS and IPC namespaces, before the guest's init starts. Parent stage. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Whether KEY (dotted, e.g. net.ipv4.ip_forward) is namespaced; net.* only with a private network. */
bool sysctl_is_namespaced(const char *key, bool private_network);
/* "KEY=VALUE" list. Logs. */
int sysctl_apply(pid_t pid, char *const *assignments);
