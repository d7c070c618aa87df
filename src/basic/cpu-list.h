/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CPU lists as the kernel writes them (cpuset.cpus, /sys/devices/system/cpu/online: "0-3,8,10-11")
 * and as admins give them (--cpu-affinity: spaces also separate, as systemd's CPUAffinity=). */
#pragma once

#include <stdbool.h>

#define CPU_LIST_MAX 1024 /* CPU_SETSIZE */

/* Sets the CPUs of list in set (cleared first); a trailing newline is fine. Returns how many, or
 * -EINVAL for text that is not such a list, a range that runs backwards or a CPU >= CPU_LIST_MAX. */
int cpu_list_parse(const char *list, bool set[static CPU_LIST_MAX]);
/* The shortest list of set ("0-3,8"), "" when it is empty. Returns 0 or -ENOMEM. */
int cpu_list_format(const bool set[static CPU_LIST_MAX], char **ret);
