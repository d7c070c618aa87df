/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl stat, in the spirit of vserver-stat: per machine its processes, their virtual and
 * resident memory, the CPU time and memory of its cgroup, and its uptime. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "basic/fileio.h"
#include "basic/parse-util.h"
#include "ctl.h"
#include "log.h"

/* Adds one process's VmSize and RSS from /proc/PID/stat (fields 23 and 24). */
static void add_process(pid_t pid, void *userdata) {
        MachineStats *st = userdata;
        _cleanup_free_ char *line = NULL;
        unsigned long long vsize, rss;
        char path[64];
        const char *p;

        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        if (read_one_line(path, &line) < 0 || !(p = strrchr(line, ')')))
                return; /* exited meanwhile */
        if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %*u %llu %llu",
                   &vsize, &rss) != 2)
                return;
        st->procs++;
        st->vsz += vsize;
        st->rss += rss * (uint64_t) sysconf(_SC_PAGESIZE);
}

/* One "KEY VALUE" line of a flat-keyed cgroup file such as cpu.stat. */
static int read_keyed(const char *cgroup, const char *file, const char *key, uint64_t *ret) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        char *line, *save = NULL;
        const char *v;

        if (asprintf(&path, "%s/%s", cgroup, file) < 0)
                return -ENOMEM;
        if (read_full_file(path, &text, NULL) < 0)
                return -ENOENT;
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                if ((v = startswith(line, key)) && *v == ' ')
                        return safe_atou64(v + 1, ret);
        return -ENOENT;
}

/* A single-value cgroup file: a number, or "max" (UINT64_MAX). */
static int read_value(const char *cgroup, const char *file, uint64_t *ret) {
        _cleanup_free_ char *path = NULL, *line = NULL;

        if (asprintf(&path, "%s/%s", cgroup, file) < 0)
                return -ENOMEM;
        if (read_one_line(path, &line) < 0)
                return -ENOENT;
        if (streq(line, "max")) {
                *ret = UINT64_MAX;
                return 0;
        }
        return safe_atou64(line, ret);
}

int machine_stats_read(const MachineState *m, MachineStats *ret) {
        MachineStats st = { .memory_max = UINT64_MAX };

        if (isempty(m->cgroup) || access(m->cgroup, F_OK) < 0)
                return -ENOENT;
        cgroup_foreach_pid(m->cgroup, add_process, &st);
        (void) read_keyed(m->cgroup, "cpu.stat", "user_usec", &st.user_usec);
        (void) read_keyed(m->cgroup, "cpu.stat", "system_usec", &st.system_usec);
        /* On a hybrid host the memory controller is on v1: no memory.current then. */
        if (read_value(m->cgroup, "memory.current", &st.memory) < 0)
                st.memory = st.rss;
        (void) read_value(m->cgroup, "memory.max", &st.memory_max);
        *ret = st;
        return 0;
}

const char *format_cputime(uint64_t usec, char buf[static 32]) {
        unsigned long long cs = usec / 10000, s = cs / 100;

        if (s < 60)
                snprintf(buf, 32, "%llu.%02llus", s, cs % 100);
        else if (s < 3600)
                snprintf(buf, 32, "%llum%02llu.%02llus", s / 60, s % 60, cs % 100);
        else
                snprintf(buf, 32, "%lluh%02llum", s / 3600, s % 3600 / 60);
        return buf;
}

static void print_json(const MachineState *l, const MachineStats *st, size_t n) {
        printf("[");
        for (size_t i = 0; i < n; i++) {
                printf("%s\n  {\"name\": ", i ? "," : "");
                json_string(stdout, l[i].name);
                printf(", \"procs\": %u, \"vsz_bytes\": %llu, \"rss_bytes\": %llu, \"cpu_user_usec\": %llu, "
                       "\"cpu_system_usec\": %llu, \"memory_bytes\": %llu, \"memory_max_bytes\": ",
                       st[i].procs, (unsigned long long) st[i].vsz, (unsigned long long) st[i].rss,
                       (unsigned long long) st[i].user_usec, (unsigned long long) st[i].system_usec,
                       (unsigned long long) st[i].memory);
                if (st[i].memory_max == UINT64_MAX)
                        printf("null");
                else
                        printf("%llu", (unsigned long long) st[i].memory_max);
                printf(", \"uptime_sec\": %llu}", (unsigned long long) uptime_sec(l[i].start_usec));
        }
        printf("%s]\n", n ? "\n" : "");
}

static void print_table(const MachineState *l, const MachineStats *st, size_t n) {
        printf("%5s %7s %7s %10s %10s %7s %7s %-10s %s\n", "PROCS", "VSZ", "RSS", "USER", "SYS", "MEMORY",
               "LIMIT", "UPTIME", "NAME");
        for (size_t i = 0; i < n; i++) {
                char b[7][32];

                printf("%5u %7s %7s %10s %10s %7s %7s %-10s %s\n", st[i].procs, format_bytes(st[i].vsz, b[0]),
                       format_bytes(st[i].rss, b[1]), format_cputime(st[i].user_usec, b[2]),
                       format_cputime(st[i].system_usec, b[3]), format_bytes(st[i].memory, b[4]),
                       st[i].memory_max == UINT64_MAX ? "-" : format_bytes(st[i].memory_max, b[5]),
                       format_timespan(uptime_sec(l[i].start_usec), b[6]), l[i].name);
        }
}

int verb_stat(const CtlArgs *a) {
        MachineState *l = NULL;
        MachineStats *st;
        size_t n;
        int r;

        r = ctl_machines_running(&l, &n);
        if (r < 0)
                return r;
        st = calloc(n + 1, sizeof *st);
        if (!st) {
                ctl_machines_free(l, n);
                return log_oom();
        }
        for (size_t i = 0; i < n; i++)
                if (machine_stats_read(&l[i], &st[i]) < 0)
                        log_warning("Machine '%s' has no cgroup at '%s', ignoring", l[i].name, strna(l[i].cgroup));
        if (a->json)
                print_json(l, st, n);
        else
                print_table(l, st, n);
        free(st);
        ctl_machines_free(l, n);
        return 0;
}
