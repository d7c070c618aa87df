/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guest's own clocks: a time namespace whose boot-time and monotonic clocks start at the
 * guest's start (again at each reboot inside), so /proc/uptime, sysinfo() and CLOCK_BOOTTIME count
 * from its boot; or offsets the admin chose (lxc.time.offset.*). Child stage, just before exec. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct TimeOffset {
        bool set;
        int64_t ns;
} TimeOffset;

/* "-1h", "30s", "1500ms", "10" (seconds), as LXC takes lxc.time.offset.*: units h, m, s, ms, us,
 * ns. Non-logging. */
int time_offset_from_string(const char *s, TimeOffset *ret);
/* "" when unset, else nanoseconds with "ns". Non-logging. */
int time_offset_to_string(const TimeOffset *o, char **ret);

/* Moves the calling (single-threaded) process into a new time namespace, with the boot-time and
 * monotonic clocks at the given offsets or, where unset, at zero now. Logs. */
int timens_setup(const TimeOffset *boot, const TimeOffset *monotonic);
