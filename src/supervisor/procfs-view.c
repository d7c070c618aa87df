/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sysinfo.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "basic/cpu-list.h"
#include "basic/fileio.h"
#include "basic/macro.h"
#include "basic/parse-util.h"
#include "procfs-view.h"

#define CPUS_MAX CPU_LIST_MAX
#define NSEC_PER_USEC 1000ULL

static const struct {
        const char *name;
        const char *target;
} files[_PROCFS_FILE_MAX] = {
        [PROCFS_MEMINFO] = { "meminfo", "/proc/meminfo" },
        [PROCFS_SWAPS] = { "swaps", "/proc/swaps" },
        [PROCFS_CPUINFO] = { "cpuinfo", "/proc/cpuinfo" },
        [PROCFS_STAT] = { "stat", "/proc/stat" },
        [PROCFS_LOADAVG] = { "loadavg", "/proc/loadavg" },
        [PROCFS_DISKSTATS] = { "diskstats", "/proc/diskstats" },
        [PROCFS_CPU_ONLINE] = { "cpu-online", "/sys/devices/system/cpu/online" },
        [PROCFS_UPTIME] = { "uptime", "/proc/uptime" },
};

const char *procfs_file_name(ProcfsFile f) {
        return files[f].name;
}

const char *procfs_file_target(ProcfsFile f) {
        return files[f].target;
}

/* A file of the machine's cgroup: the v1 hierarchy of controller on a hybrid host, else cgroup2. */
static int cg_read(const CGroup *cg, const char *controller, const char *v1_file, const char *v2_file, char **ret) {
        const char *v1 = cgroup_v1_path(&cg->v1, controller);
        _cleanup_free_ char *p = NULL;

        if (asprintf(&p, "%s/%s", v1 ?: cg->path, v1 ? v1_file : v2_file) < 0)
                return -ENOMEM;
        return read_full_file(p, ret, NULL);
}

/* "key value" lines (memory.stat, cpu.stat) or "Key: value kB" (meminfo, with kB as 1024). */
static uint64_t field(const char *text, const char *key) {
        size_t n = strlen(key);

        for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
                if (strncmp(l, key, n) == 0 && (l[n] == ' ' || l[n] == ':')) {
                        unsigned long long v = strtoull(l + n + 1 + strspn(l + n + 1, " "), NULL, 10);

                        return strstr(l, " kB\n") == strchr(l, '\n') - 3 ? v * 1024 : v;
                }
        return 0;
}

static uint64_t number(const char *text) {
        uint64_t v;
        char buf[32];

        snprintf(buf, sizeof buf, "%.*s", (int) strcspn(text, " \n"), text);
        return safe_atou64(buf, &v) < 0 ? UINT64_MAX : v; /* "max" */
}

/* The smallest memory.max (or memory.swap.max) from the machine's cgroup2 directory up. */
static uint64_t v2_limit(const CGroup *cg, const char *file) {
        _cleanup_free_ char *dir = strdup(cg->path);
        uint64_t limit = UINT64_MAX;

        while (dir && strlen(dir) > strlen(cg->root)) {
                _cleanup_free_ char *p = NULL, *v = NULL;

                if (asprintf(&p, "%s/%s", dir, file) >= 0 && read_one_line(p, &v) >= 0)
                        limit = MIN(limit, number(v));
                *strrchr(dir, '/') = 0;
        }
        return limit;
}

typedef struct Memory {
        uint64_t total, usage, cache, shmem, swap_total, swap_used, stat_active_anon, stat_inactive_anon,
                 stat_active_file, stat_inactive_file, unevictable, slab_reclaimable, slab_unreclaimable;
} Memory;

static void read_memory(const CGroup *cg, uint64_t host_total, uint64_t host_swap, Memory *m) {
        bool v1 = cgroup_v1_path(&cg->v1, "memory");
        _cleanup_free_ char *stat = NULL, *usage = NULL, *sw = NULL;
        const char *pre = v1 ? "total_" : "";
        char key[64];

        *m = (Memory) {};
        (void) cg_read(cg, "memory", "memory.stat", "memory.stat", &stat);
        (void) cg_read(cg, "memory", "memory.usage_in_bytes", "memory.current", &usage);
        m->total = MIN(host_total, v1 ? field(stat ?: "", "hierarchical_memory_limit") : v2_limit(cg, "memory.max"));
        m->usage = MIN(usage ? number(usage) : 0, m->total);
#define STAT(var, name) (snprintf(key, sizeof key, "%s%s", pre, name), m->var = field(stat ?: "", key))
        STAT(cache, v1 ? "cache" : "file");
        STAT(shmem, "shmem");
        STAT(stat_active_anon, "active_anon");
        STAT(stat_inactive_anon, "inactive_anon");
        STAT(stat_active_file, "active_file");
        STAT(stat_inactive_file, "inactive_file");
        STAT(unevictable, "unevictable");
#undef STAT
        m->slab_reclaimable = v1 ? 0 : field(stat ?: "", "slab_reclaimable");
        m->slab_unreclaimable = v1 ? 0 : field(stat ?: "", "slab_unreclaimable");
        if (v1) {
                uint64_t memsw = field(stat ?: "", "hierarchical_memsw_limit");

                m->swap_total = memsw > m->total ? MIN(memsw - m->total, host_swap) : 0;
                if (cg_read(cg, "memory", "memory.memsw.usage_in_bytes", "", &sw) >= 0 && number(sw) > m->usage)
                        m->swap_used = number(sw) - m->usage;
        } else {
                m->swap_total = MIN(host_swap, v2_limit(cg, "memory.swap.max"));
                if (cg_read(cg, "memory", "", "memory.swap.current", &sw) >= 0)
                        m->swap_used = number(sw);
        }
        m->swap_used = MIN(m->swap_used, m->swap_total);
}

/* The host's meminfo, each line the guest has a value of its own for replaced by that. */
static int render_meminfo(const ProcfsView *v, FILE *out) {
        _cleanup_free_ char *host = NULL;
        Memory m;
        int r;

        r = read_full_file("/proc/meminfo", &host, NULL);
        if (r < 0)
                return r;
        read_memory(v->cg, field(host, "MemTotal"), field(host, "SwapTotal"), &m);
        const struct {
                const char *key;
                uint64_t bytes;
        } own[] = {
                { "MemTotal", m.total }, { "MemFree", m.total - m.usage },
                { "MemAvailable", MIN(m.total, m.total - m.usage + m.cache) }, { "Buffers", 0 },
                { "Cached", m.cache }, { "SwapCached", 0 },
                { "Active", m.stat_active_anon + m.stat_active_file },
                { "Inactive", m.stat_inactive_anon + m.stat_inactive_file },
                { "Active(anon)", m.stat_active_anon }, { "Inactive(anon)", m.stat_inactive_anon },
                { "Active(file)", m.stat_active_file }, { "Inactive(file)", m.stat_inactive_file },
                { "Unevictable", m.unevictable }, { "SwapTotal", m.swap_total },
                { "SwapFree", m.swap_total - m.swap_used }, { "Shmem", m.shmem },
                { "Slab", m.slab_reclaimable + m.slab_unreclaimable }, { "SReclaimable", m.slab_reclaimable },
                { "SUnreclaim", m.slab_unreclaimable },
        };

        for (char *l = strtok(host, "\n"); l; l = strtok(NULL, "\n")) {
                size_t k = strcspn(l, ":"), i;

                for (i = 0; i < ELEMENTSOF(own); i++)
                        if (strlen(own[i].key) == k && strncmp(l, own[i].key, k) == 0)
                                break;
                if (i == ELEMENTSOF(own))
                        fprintf(out, "%s\n", l);
                else {
                        char key[32];

                        snprintf(key, sizeof key, "%.*s:", (int) MIN(k, sizeof key - 2), l);
                        fprintf(out, "%-16s%8llu kB\n", key, (unsigned long long) own[i].bytes / 1024);
                }
        }
        return 0;
}

static int render_swaps(const ProcfsView *v, FILE *out) {
        _cleanup_free_ char *host = NULL;
        Memory m;

        if (read_full_file("/proc/meminfo", &host, NULL) < 0)
                return -EIO;
        read_memory(v->cg, field(host, "MemTotal"), field(host, "SwapTotal"), &m);
        fputs("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n", out);
        if (m.swap_total > 0)
                fprintf(out, "none%*svirtual\t\t%llu\t\t%llu\t\t0\n", 36, "",
                        (unsigned long long) m.swap_total / 1024, (unsigned long long) m.swap_used / 1024);
        return 0;
}

/* The machine's effective cpuset, else the host's online CPUs. */
static unsigned read_cpus(const CGroup *cg, bool set[static CPUS_MAX]) {
        _cleanup_free_ char *list = NULL;
        int n;

        memset(set, 0, CPUS_MAX * sizeof(bool));
        if (cg_read(cg, "cpuset", "cpuset.effective_cpus", "cpuset.cpus.effective", &list) < 0 || isempty(list)) {
                free(list);
                list = NULL;
                if (read_full_file("/sys/devices/system/cpu/online", &list, NULL) < 0)
                        return 0;
        }
        n = cpu_list_parse(list, set);
        return n > 0 ? (unsigned) n : 0;
}

static void write_cpu_list(FILE *out, const bool set[static CPUS_MAX]) {
        _cleanup_free_ char *list = NULL;

        if (cpu_list_format(set, &list) >= 0)
                fprintf(out, "%s\n", list);
}

static int render_cpu_online(const ProcfsView *v, FILE *out) {
        bool set[CPUS_MAX];

        if (read_cpus(v->cg, set) == 0)
                return -EIO;
        write_cpu_list(out, set);
        return 0;
}

/* The host's blocks of "processor : N" whose CPU is in the machine's cpuset. */
static int render_cpuinfo(const ProcfsView *v, FILE *out) {
        _cleanup_free_ char *host = NULL;
        bool set[CPUS_MAX], keep = false;
        int r;

        read_cpus(v->cg, set);
        r = read_full_file("/proc/cpuinfo", &host, NULL);
        if (r < 0)
                return r;
        for (char *l = host, *next; l && *l; l = next) {
                unsigned cpu;

                next = strchr(l, '\n');
                if (next)
                        *next++ = 0;
                if (startswith(l, "processor") && sscanf(l, "processor : %u", &cpu) == 1)
                        keep = cpu < CPUS_MAX && set[cpu];
                if (keep)
                        fprintf(out, "%s\n", l);
        }
        return 0;
}

typedef struct CpuTimes {
        uint64_t user, system; /* in USER_HZ ticks */
} CpuTimes;

/* The guest's CPU time per CPU: cpuacct's per-CPU figures on v1, cgroup2's totals spread evenly. */
static void read_cpu_times(const CGroup *cg, const bool set[static CPUS_MAX], unsigned n, CpuTimes t[static CPUS_MAX]) {
        _cleanup_free_ char *user = NULL, *sys = NULL, *stat = NULL;
        uint64_t ns_per_tick = 1000000000ULL / (uint64_t) sysconf(_SC_CLK_TCK);

        memset(t, 0, sizeof(CpuTimes) * CPUS_MAX);
        if (cgroup_v1_path(&cg->v1, "cpuacct")) {
                char *pu, *ps;

                if (cg_read(cg, "cpuacct", "cpuacct.usage_percpu_user", "", &user) < 0 ||
                    cg_read(cg, "cpuacct", "cpuacct.usage_percpu_sys", "", &sys) < 0)
                        return;
                pu = user;
                ps = sys;
                for (unsigned c = 0; c < CPUS_MAX && *pu && *ps; c++) {
                        t[c].user = strtoull(pu, &pu, 10) / ns_per_tick;
                        t[c].system = strtoull(ps, &ps, 10) / ns_per_tick;
                        pu += strspn(pu, " \n");
                        ps += strspn(ps, " \n");
                }
                return;
        }
        if (n == 0 || cg_read(cg, "cpu", "", "cpu.stat", &stat) < 0)
                return;
        for (unsigned c = 0; c < CPUS_MAX; c++)
                if (set[c]) {
                        t[c].user = field(stat, "user_usec") * NSEC_PER_USEC / ns_per_tick / n;
                        t[c].system = field(stat, "system_usec") * NSEC_PER_USEC / ns_per_tick / n;
                }
}

/* Of a host "cpuN ..." line, the sum of all its fields: the CPU's time since boot. */
static uint64_t line_total(const char *l) {
        uint64_t sum = 0;
        char *p = strchr(l, ' ');

        while (p && *p && *p != '\n')
                sum += strtoull(p, &p, 10);
        return sum;
}

static void cpu_line(FILE *out, const char *name, uint64_t user, uint64_t system, uint64_t idle) {
        fprintf(out, "%s %llu 0 %llu %llu 0 0 0 0 0 0\n", name, (unsigned long long) user,
                (unsigned long long) system, (unsigned long long) idle);
}

static uint64_t guest_btime(const ProcfsView *v) {
        struct timespec rt, bt;

        (void) clock_gettime(CLOCK_REALTIME, &rt);
        (void) clock_gettime(CLOCK_BOOTTIME, &bt);
        return (uint64_t) rt.tv_sec - ((uint64_t) bt.tv_sec - v->start_usec / 1000000);
}

/* cpu lines for the machine's CPUs with its own user and system time (the rest of each CPU's time
 * counts as idle); btime the guest's boot with a time namespace; the other lines the host's. */
static int render_stat(const ProcfsView *v, FILE *out) {
        _cleanup_free_ char *host = NULL, *lines = NULL;
        _cleanup_free_ CpuTimes *t = calloc(CPUS_MAX, sizeof(CpuTimes));
        uint64_t su = 0, ss = 0, si = 0;
        bool set[CPUS_MAX];
        unsigned n = read_cpus(v->cg, set), cpu;
        size_t size = 0;
        FILE *cpus;

        if (!t || read_full_file("/proc/stat", &host, NULL) < 0)
                return -EIO;
        read_cpu_times(v->cg, set, n, t);
        cpus = open_memstream(&lines, &size);
        if (!cpus)
                return -ENOMEM;
        for (char *l = strtok(host, "\n"); l; l = strtok(NULL, "\n")) {
                if (sscanf(l, "cpu%u ", &cpu) == 1) {
                        uint64_t busy = t[MIN(cpu, CPUS_MAX - 1)].user + t[MIN(cpu, CPUS_MAX - 1)].system, total;
                        char name[16];

                        if (cpu >= CPUS_MAX || !set[cpu])
                                continue;
                        total = line_total(l);
                        snprintf(name, sizeof name, "cpu%u", cpu);
                        cpu_line(cpus, name, t[cpu].user, t[cpu].system, total > busy ? total - busy : 0);
                        su += t[cpu].user;
                        ss += t[cpu].system;
                        si += total > busy ? total - busy : 0;
                        continue;
                }
                if (startswith(l, "cpu "))
                        continue;
                if (cpus) {
                        fclose(cpus);
                        cpus = NULL;
                        cpu_line(out, "cpu ", su, ss, si);
                        fputs(lines ?: "", out);
                }
                if (startswith(l, "btime ") && v->timens)
                        fprintf(out, "btime %llu\n", (unsigned long long) guest_btime(v));
                else
                        fprintf(out, "%s\n", l);
        }
        if (cpus)
                fclose(cpus);
        return 0;
}

static int render_loadavg(const ProcfsView *v, FILE *out) {
        /* the last field, the newest PID, is not the guest's to know from here: 0 */
        fprintf(out, "%.2f %.2f %.2f %u/%u 0\n", v->load[0], v->load[1], v->load[2], v->running, v->total);
        return 0;
}

typedef struct DiskIo {
        unsigned major, minor;
        uint64_t rbytes, wbytes, rios, wios;
} DiskIo;

#define DISKS_MAX 64

static DiskIo *disk_of(DiskIo *d, size_t *n, unsigned major, unsigned minor) {
        for (size_t i = 0; i < *n; i++)
                if (d[i].major == major && d[i].minor == minor)
                        return &d[i];
        if (*n == DISKS_MAX)
                return NULL;
        d[*n] = (DiskIo) { .major = major, .minor = minor };
        return &d[(*n)++];
}

/* blkio.throttle.io_service_bytes/io_serviced "8:0 Read N" lines (v1) or io.stat (cgroup2). */
static size_t read_disk_io(const CGroup *cg, DiskIo d[static DISKS_MAX]) {
        _cleanup_free_ char *bytes = NULL, *ios = NULL, *stat = NULL;
        unsigned maj, min;
        size_t n = 0;
        char op[16];

        if (cgroup_v1_path(&cg->v1, "blkio")) {
                (void) cg_read(cg, "blkio", "blkio.throttle.io_service_bytes_recursive", "", &bytes);
                (void) cg_read(cg, "blkio", "blkio.throttle.io_serviced_recursive", "", &ios);
                for (int pass = 0; pass < 2; pass++)
                        for (char *l = pass ? ios : bytes; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                                unsigned long long v;
                                DiskIo *x;

                                if (sscanf(l, "%u:%u %15s %llu", &maj, &min, op, &v) != 4 ||
                                    !(x = disk_of(d, &n, maj, min)))
                                        continue;
                                if (streq(op, "Read"))
                                        *(pass ? &x->rios : &x->rbytes) = v;
                                else if (streq(op, "Write"))
                                        *(pass ? &x->wios : &x->wbytes) = v;
                        }
                return n;
        }
        if (cg_read(cg, "io", "", "io.stat", &stat) < 0)
                return 0;
        for (char *l = stat; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
                unsigned long long rb, wb, ri, wi;
                DiskIo *x;

                if (sscanf(l, "%u:%u rbytes=%llu wbytes=%llu rios=%llu wios=%llu", &maj, &min, &rb, &wb, &ri, &wi) ==
                            6 && (x = disk_of(d, &n, maj, min)))
                        *x = (DiskIo) { maj, min, rb, wb, ri, wi };
        }
        return n;
}

/* The host's devices the guest did I/O on, with the guest's own figures. */
static int render_diskstats(const ProcfsView *v, FILE *out) {
        _cleanup_free_ char *host = NULL;
        DiskIo d[DISKS_MAX];
        size_t n = read_disk_io(v->cg, d);

        if (read_full_file("/proc/diskstats", &host, NULL) < 0)
                return -EIO;
        for (char *l = strtok(host, "\n"); l; l = strtok(NULL, "\n")) {
                unsigned maj, min;
                char name[64];

                if (sscanf(l, "%u %u %63s", &maj, &min, name) != 3)
                        continue;
                for (size_t i = 0; i < n; i++)
                        if (d[i].major == maj && d[i].minor == min)
                                fprintf(out, "%4u %7u %s %llu 0 %llu 0 %llu 0 %llu 0 0 0 0 0 0 0 0 0 0\n", maj, min, name,
                                        (unsigned long long) d[i].rios, (unsigned long long) d[i].rbytes / 512,
                                        (unsigned long long) d[i].wios, (unsigned long long) d[i].wbytes / 512);
        }
        return 0;
}

/* Without a time namespace: seconds since the guest started, and idle time its CPUs had. */
static int render_uptime(const ProcfsView *v, FILE *out) {
        _cleanup_free_ CpuTimes *t = calloc(CPUS_MAX, sizeof(CpuTimes));
        struct timespec ts;
        bool set[CPUS_MAX];
        unsigned n;
        double up, busy = 0;

        if (!t)
                return -ENOMEM;
        n = read_cpus(v->cg, set);
        read_cpu_times(v->cg, set, n, t);
        for (unsigned c = 0; c < CPUS_MAX; c++)
                if (set[c])
                        busy += (double) (t[c].user + t[c].system) / (double) sysconf(_SC_CLK_TCK);
        (void) clock_gettime(CLOCK_BOOTTIME, &ts);
        up = (double) ts.tv_sec + ts.tv_nsec / 1e9 - (double) v->start_usec / 1e6;
        fprintf(out, "%.2f %.2f\n", up, MAX(up * n - busy, 0.0));
        return 0;
}

int procfs_view_render(const ProcfsView *v, ProcfsFile f, char **ret, size_t *ret_size) {
        static int (*const render[_PROCFS_FILE_MAX])(const ProcfsView *, FILE *) = {
                [PROCFS_MEMINFO] = render_meminfo,     [PROCFS_SWAPS] = render_swaps,
                [PROCFS_CPUINFO] = render_cpuinfo,     [PROCFS_STAT] = render_stat,
                [PROCFS_LOADAVG] = render_loadavg,     [PROCFS_DISKSTATS] = render_diskstats,
                [PROCFS_CPU_ONLINE] = render_cpu_online, [PROCFS_UPTIME] = render_uptime,
        };
        char *buf = NULL;
        size_t size = 0;
        FILE *out;
        int r;

        if (f < 0 || f >= _PROCFS_FILE_MAX)
                return -ENOENT;
        out = open_memstream(&buf, &size);
        if (!out)
                return -ENOMEM;
        r = render[f](v, out);
        if (fclose(out) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret = buf;
        *ret_size = size;
        return 0;
}

/* Runnable (R) and uninterruptible (D) threads in the machine's cgroup2 tree, as the kernel
 * counts them for the load average. */
static void count_tasks(const char *dir, unsigned depth, unsigned *active, unsigned *total) {
        _cleanup_(closedirp) DIR *d = NULL;
        _cleanup_free_ char *threads = NULL, *p = NULL;
        struct dirent *de;

        if (depth > 32 || asprintf(&p, "%s/cgroup.threads", dir) < 0 || read_full_file(p, &threads, NULL) < 0)
                return;
        for (char *t = strtok(threads, "\n"); t; t = strtok(NULL, "\n")) {
                _cleanup_free_ char *stat = NULL, *sp = NULL;
                const char *s;

                if (asprintf(&sp, "/proc/%s/stat", t) < 0 || read_full_file(sp, &stat, NULL) < 0)
                        continue;
                (*total)++;
                s = strrchr(stat, ')');
                if (s && (s[2] == 'R' || s[2] == 'D'))
                        (*active)++;
        }
        d = opendir(dir);
        while (d && (de = readdir(d))) {
                _cleanup_free_ char *sub = NULL;

                if (de->d_type == DT_DIR && de->d_name[0] != '.' && asprintf(&sub, "%s/%s", dir, de->d_name) >= 0)
                        count_tasks(sub, depth + 1, active, total);
        }
}

void procfs_view_sample_load(ProcfsView *v) {
        /* the kernel's factors for 5 s samples: exp(-5/60), exp(-5/300), exp(-5/900) */
        static const double decay[3] = { 0.9200444146, 0.9834714538, 0.9944598480 };
        unsigned active = 0, total = 0;

        count_tasks(v->cg->path, 0, &active, &total);
        for (int i = 0; i < 3; i++)
                v->load[i] = v->load[i] * decay[i] + active * (1 - decay[i]);
        v->running = active;
        v->total = total;
}

int procfs_view_sysinfo(const ProcfsView *v, struct sysinfo *ret) {
        _cleanup_free_ char *host = NULL;
        struct timespec ts;
        Memory m;

        if (read_full_file("/proc/meminfo", &host, NULL) < 0)
                return -EIO;
        read_memory(v->cg, field(host, "MemTotal"), field(host, "SwapTotal"), &m);
        (void) clock_gettime(CLOCK_BOOTTIME, &ts);
        *ret = (struct sysinfo) {
                .uptime = (long) ((uint64_t) ts.tv_sec - v->start_usec / 1000000),
                .totalram = m.total, .freeram = m.total - m.usage, .sharedram = m.shmem, .bufferram = 0,
                .totalswap = m.swap_total, .freeswap = m.swap_total - m.swap_used,
                .procs = (unsigned short) MIN(v->total, 65535u), .mem_unit = 1,
        };
        for (int i = 0; i < 3; i++)
                ret->loads[i] = (unsigned long) (v->load[i] * (1 << SI_LOAD_SHIFT));
        return 0;
}
