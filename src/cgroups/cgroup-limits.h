/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Putting the machine's limits into effect: each FILE=VALUE goes to the backend that has its
 * controller for this machine, cgroup2 (pure v2 hosts, delegated units) or cgroup v1 (hybrid
 * hosts); with a scope from machined, those with a unit property went there instead. Parent stage,
 * after registration and before the guest's init runs; --check. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"

/* The machine's limits in one list: lxc.cgroup2.* and native keys, then the --property values
 * that are limits (MemoryMax=2G as memory.max=2147483648). Non-logging. */
int cgroup_limits_collect(char *const *cgroup_settings, char *const *properties, char ***ret);

/* The limit on the machine's tasks when its settings set none: 15 % of the lower of kernel.pid_max
 * and kernel.threads-max (systemd's DefaultTasksMax=), at most 16384 (TasksMax= of
 * systemd-nspawn@.service), so that a fork bomb in one guest cannot take the host's last PIDs.
 * Non-logging. */
uint64_t cgroup_default_tasks_max(void);
/* Adds pids.max=cgroup_default_tasks_max() to limits unless they have a pids.max already, where the
 * machine has a pids controller (cgroup2 or v1; none: nothing added, logged at debug level). Logs. */
int cgroup_limits_add_default_tasks(const CGroup *cg, char ***limits);

/* Writes every limit (skipping those with a scope property when via_scope). Logs, naming the
 * limit and why it cannot be applied. */
int cgroup_limits_apply(const CGroup *cg, char *const *limits, bool via_scope);

/* Writes the one limit assignment, all being every limit in effect (a v1 swap limit needs the memory
 * one). Logs. */
int cgroup_limits_apply_one(const CGroup *cg, const char *assignment, char *const *all);

/* Names every limit this host cannot apply (no controller, no v1 equivalent, a v1 file the kernel
 * lacks). Logs each; returns the last error. */
int cgroup_limits_check(char *const *limits);
