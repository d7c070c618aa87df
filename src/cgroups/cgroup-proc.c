/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/fileio.h"
#include "basic/macro.h"
#include "cgroup-proc.h"

int cgroup_proc_read(pid_t pid, char **ret) {
        char path[64];

        if (pid == 0)
                return read_full_file("/proc/self/cgroup", ret, NULL);
        snprintf(path, sizeof path, "/proc/%d/cgroup", (int) pid);
        return read_full_file(path, ret, NULL);
}

int cgroup_proc_v2_path(const char *text, char **ret) {
        const char *p = startswith(text, "0::");

        if (!p) {
                p = strstr(text, "\n0::");
                if (!p)
                        return -ENOMEDIUM;
                p += 4;
        }
        *ret = strndup(p, strcspn(p, "\n"));
        return *ret ? 0 : -ENOMEM;
}

int cgroup_proc_v1_foreach(const char *text, CGroupProcV1Func f, void *userdata) {
        for (const char *line = text; *line;) {
                const char *end = strchrnul(line, '\n');
                _cleanup_free_ char *buf = strndup(line, (size_t) (end - line));
                char *ctrl, *path;
                int r;

                if (!buf)
                        return -ENOMEM;
                line = *end ? end + 1 : end;
                /* The path is everything after the second ':': cgroup names may have ':' too. */
                if (!(ctrl = strchr(buf, ':')) || !(path = strchr(++ctrl, ':')) || ctrl == path)
                        continue; /* "0::PATH" is cgroup2's */
                *path++ = 0;
                r = f((unsigned) strtoul(buf, NULL, 10), ctrl, path, userdata);
                if (r != 0)
                        return r;
        }
        return 0;
}

bool cgroup_proc_v1_has(const char *controllers, const char *controller) {
        size_t n = strlen(controller);

        for (const char *p = controllers; *p;) {
                size_t len = strcspn(p, ",");
                const char *name = startswith(p, "name=") && len > 5 ? p + 5 : p;
                size_t name_len = len - (size_t) (name - p);

                if (name_len == n && strncmp(name, controller, n) == 0)
                        return true;
                p += len;
                if (*p)
                        p++;
        }
        return false;
}
