/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Finding running machines from their state files, and the formatting the listing verbs share. */
#include <dirent.h>
#include <stdlib.h>
#include <time.h>

#include "basic/fileio.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "ctl.h"
#include "log.h"
#include "settings.h"

int ctl_machine_get(const char *name, MachineState *ret) {
        MachineState m;
        int r;

        if (!machine_name_is_valid(name))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' is not a valid machine name", name);
        r = machine_state_read(name, &m);
        if (r == -ENOENT)
                return log_error_errno(SYNTHETIC_ERRNO(ESRCH), "Machine '%s' is not running", name);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s/%s: %m", STATE_DIR, name);
        if (!machine_state_is_live(&m)) {
                machine_state_done(&m);
                return log_error_errno(SYNTHETIC_ERRNO(ESRCH), "Machine '%s' is not running (its nsboot is gone)", name);
        }
        *ret = m;
        return 0;
}

int ctl_machines_running(MachineState **ret, size_t *ret_n) {
        _cleanup_strv_free_ char **names = NULL;
        MachineState *l;
        size_t n = 0;
        int r;

        r = machine_state_list(&names);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", STATE_DIR);
        l = calloc(strv_length(names) + 1, sizeof *l);
        if (!l)
                return log_oom();
        STRV_FOREACH(name, names) {
                if (machine_state_read(*name, &l[n]) < 0)
                        continue; /* gone in between */
                if (!machine_state_is_live(&l[n])) {
                        machine_state_done(&l[n]);
                        continue;
                }
                n++;
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

void ctl_machines_free(MachineState *l, size_t n) {
        for (size_t i = 0; l && i < n; i++)
                machine_state_done(&l[i]);
        free(l);
}

#define CGROUP_DEPTH_MAX 32

static void walk_cgroup(const char *dir, unsigned depth, void (*fn)(pid_t pid, void *userdata), void *userdata) {
        _cleanup_free_ char *procs = NULL, *path = NULL;
        _cleanup_(closedirp) DIR *d = NULL;
        struct dirent *de;
        char *line, *save = NULL;

        if (asprintf(&path, "%s/cgroup.procs", dir) >= 0 && read_full_file(path, &procs, NULL) >= 0)
                for (line = strtok_r(procs, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                        int pid;

                        if (safe_atoi(line, &pid) >= 0 && pid > 0)
                                fn(pid, userdata);
                }
        if (depth >= CGROUP_DEPTH_MAX || !(d = opendir(dir)))
                return;
        while ((de = readdir(d))) {
                _cleanup_free_ char *sub = NULL;

                if (de->d_type != DT_DIR || de->d_name[0] == '.' || asprintf(&sub, "%s/%s", dir, de->d_name) < 0)
                        continue;
                walk_cgroup(sub, depth + 1, fn, userdata);
        }
}

void cgroup_foreach_pid(const char *dir, void (*fn)(pid_t pid, void *userdata), void *userdata) {
        walk_cgroup(dir, 0, fn, userdata);
}

uint64_t uptime_sec(uint64_t start_usec) {
        struct timespec ts;
        uint64_t now;

        clock_gettime(CLOCK_REALTIME, &ts);
        now = (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
        return now > start_usec ? (now - start_usec) / 1000000 : 0;
}

/* "45s", "12min 3s", "3h 4min", "2d 5h": the two largest units, as machinectl prints them. */
const char *format_timespan(uint64_t sec, char buf[static 32]) {
        if (sec < 60)
                snprintf(buf, 32, "%llus", (unsigned long long) sec);
        else if (sec < 3600)
                snprintf(buf, 32, "%llumin %llus", (unsigned long long) sec / 60, (unsigned long long) sec % 60);
        else if (sec < 86400)
                snprintf(buf, 32, "%lluh %llumin", (unsigned long long) sec / 3600,
                         (unsigned long long) sec % 3600 / 60);
        else
                snprintf(buf, 32, "%llud %lluh", (unsigned long long) sec / 86400,
                         (unsigned long long) sec % 86400 / 3600);
        return buf;
}

/* 1024-based with one decimal: "512K", "3.4M", "1.2G". */
const char *format_bytes(uint64_t bytes, char buf[static 32]) {
        static const char suffixes[] = "KMGTPE";
        double v = (double) bytes;
        size_t i = 0;

        if (bytes < 1024) {
                snprintf(buf, 32, "%lluB", (unsigned long long) bytes);
                return buf;
        }
        for (v /= 1024; v >= 1024 && i + 1 < sizeof suffixes - 1; i++)
                v /= 1024;
        snprintf(buf, 32, v < 10 ? "%.1f%c" : "%.0f%c", v, suffixes[i]);
        return buf;
}

