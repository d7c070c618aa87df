/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "basic/macro.h"
#include "log.h"
#include "timens.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define NSEC_PER_SEC 1000000000LL

int time_offset_from_string(const char *s, TimeOffset *ret) {
        static const struct {
                const char *unit;
                int64_t ns;
        } units[] = {
                { "h", 3600 * NSEC_PER_SEC }, { "min", 60 * NSEC_PER_SEC }, { "m", 60 * NSEC_PER_SEC },
                { "s", NSEC_PER_SEC }, { "ms", 1000000 }, { "us", 1000 }, { "ns", 1 }, { "", NSEC_PER_SEC },
        };
        long long v;
        int n = 0;

        if (isempty(s)) {
                *ret = (TimeOffset) {};
                return 0;
        }
        if (sscanf(s, "%lld%n", &v, &n) != 1 || (s[0] != '-' && (s[0] < '0' || s[0] > '9')))
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(units); i++)
                if (streq(s + n, units[i].unit)) {
                        /* the kernel takes offsets of up to about 292 years either way */
                        if (v > INT64_MAX / units[i].ns || v < -(INT64_MAX / units[i].ns))
                                return -ERANGE;
                        *ret = (TimeOffset) { .set = true, .ns = v * units[i].ns };
                        return 0;
                }
        return -EINVAL;
}

int time_offset_to_string(const TimeOffset *o, char **ret) {
        if (!o->set)
                return (*ret = strdup("")) ? 0 : -ENOMEM;
        return asprintf(ret, "%lldns", (long long) o->ns) < 0 ? -ENOMEM : 0;
}

/* "CLOCK SECONDS NANOSECONDS" with 0 <= NANOSECONDS < 1e9, as /proc/PID/timens_offsets takes it
 * (time_namespaces(7)); unset: minus the clock's value now, so that it starts at about zero. */
static void offset_line(clockid_t clock, const TimeOffset *o, char *buf, size_t size) {
        struct timespec now = {};
        int64_t ns = o->ns, sec;

        if (!o->set) {
                (void) clock_gettime(clock, &now);
                ns = -((int64_t) now.tv_sec * NSEC_PER_SEC + now.tv_nsec);
        }
        sec = ns / NSEC_PER_SEC;
        ns %= NSEC_PER_SEC;
        if (ns < 0) {
                sec -= 1;
                ns += NSEC_PER_SEC;
        }
        snprintf(buf, size, "%d %lld %lld\n", (int) clock, (long long) sec, (long long) ns);
}

int timens_setup(const TimeOffset *boot, const TimeOffset *monotonic) {
        _cleanup_close_ int fd = -EBADF, ns = -EBADF;
        char line[128];

        if (unshare(CLONE_NEWTIME) < 0) {
                if (errno == EINVAL) /* Linux < 5.6, or without CONFIG_TIME_NS */
                        return log_warning_errno(errno, "No time namespaces in this kernel, the guest sees the "
                                                 "host's uptime: %m"), 0;
                return log_error_errno(errno, "Failed to create a time namespace: %m");
        }
        fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to open /proc/self/timens_offsets: %m");
        /* Possible only while no process is in the namespace yet (time_namespaces(7)). */
        offset_line(CLOCK_BOOTTIME, boot, line, sizeof line);
        if (write(fd, line, strlen(line)) < 0)
                return log_error_errno(errno, "Failed to set the boot-time clock offset '%s': %m", line);
        offset_line(CLOCK_MONOTONIC, monotonic, line, sizeof line);
        if (write(fd, line, strlen(line)) < 0)
                return log_error_errno(errno, "Failed to set the monotonic clock offset '%s': %m", line);
        ns = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
        if (ns < 0 || setns(ns, CLONE_NEWTIME) < 0)
                return log_error_errno(errno, "Failed to enter the new time namespace: %m");
        return 0;
}
