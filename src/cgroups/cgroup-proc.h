/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A process's cgroups, read from /proc/PID/cgroup: the cgroup2 line "0::PATH" (the only one on a
 * pure cgroup2 host, the last on a hybrid one) and the v1 lines "ID:CONTROLLER,...:PATH".
 * Non-logging. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* The text of /proc/PID/cgroup (pid 0: our own). */
int cgroup_proc_read(pid_t pid, char **ret);
/* The cgroup2 path in text, e.g. "/machine.slice/machine-web.scope", "/" for the hierarchy's root;
 * -ENOMEDIUM when the text has no cgroup2 line. */
int cgroup_proc_v2_path(const char *text, char **ret);
/* Calls f for each v1 line of text with the hierarchy's ID, its controllers ("cpu,cpuacct",
 * "name=systemd") and the path ("/" for the root), until f returns non-zero, which is returned; -ENOMEM. */
typedef int (*CGroupProcV1Func)(unsigned id, const char *controllers, const char *path, void *userdata);
int cgroup_proc_v1_foreach(const char *text, CGroupProcV1Func f, void *userdata);
/* Whether the controller list of a v1 line has controller (or "name=" controller, for "systemd"). */
bool cgroup_proc_v1_has(const char *controllers, const char *controller);
