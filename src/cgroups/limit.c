/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "limit.h"

typedef enum LimitKind {
        LIMIT_SIZE,     /* bytes or "max" */
        LIMIT_COUNT,    /* a number or "max" */
        LIMIT_WEIGHT,   /* 1..10000 */
        LIMIT_CPU_MAX,  /* "QUOTA PERIOD" in µs, QUOTA may be "max" */
        LIMIT_CPUSET,   /* a CPU or node list: 0-3,6 */
        LIMIT_IO_MAX,   /* "MAJ:MIN rbps=N wbps=N riops=N wiops=N" */
} LimitKind;

/* The limits nsboot knows, with the property of a systemd unit that sets the same file (NULL: none
 * that machined's scope takes from nsboot, the file is written). */
static const struct {
        const char *file;
        const char *property;
        LimitKind kind;
} limit_table[] = {
        { "cpu.max",            "CPUQuota",             LIMIT_CPU_MAX },
        { "cpu.weight",         "CPUWeight",            LIMIT_WEIGHT  },
        { "cpuset.cpus",        NULL,                   LIMIT_CPUSET  },
        { "cpuset.mems",        NULL,                   LIMIT_CPUSET  },
        { "io.max",             NULL,                   LIMIT_IO_MAX  },
        { "io.weight",          "IOWeight",             LIMIT_WEIGHT  },
        { "memory.high",        "MemoryHigh",           LIMIT_SIZE    },
        { "memory.low",         NULL,                   LIMIT_SIZE    },
        { "memory.max",         "MemoryMax",            LIMIT_SIZE    },
        { "memory.swap.max",    "MemorySwapMax",        LIMIT_SIZE    },
        { "pids.max",           "TasksMax",             LIMIT_COUNT   },
};

#define CPU_PERIOD_DEFAULT 100000ULL
#define CLAMP(x, lo, hi) MIN(MAX((x), (lo)), (hi))

int limit_parse_size(const char *s, uint64_t *ret) {
        static const char suffixes[] = "KMGT";
        char num[32];
        uint64_t v, mult = 1;
        size_t n = strlen(s);
        const char *p;

        if (streq(s, "infinity") || streq(s, "max")) {
                *ret = UINT64_MAX;
                return 0;
        }
        if (n == 0 || n >= sizeof num)
                return -EINVAL;
        memcpy(num, s, n + 1);
        if ((p = strchr(suffixes, num[n - 1])) && *p) {
                for (const char *q = suffixes; q <= p; q++)
                        mult *= 1024;
                num[n - 1] = 0;
        }
        if (safe_atou64(num, &v) < 0 || v > UINT64_MAX / mult)
                return -EINVAL;
        *ret = v * mult;
        return 0;
}

static int find_limit(const char *file, size_t n) {
        for (size_t i = 0; i < ELEMENTSOF(limit_table); i++)
                if (strlen(limit_table[i].file) == n && strncmp(limit_table[i].file, file, n) == 0)
                        return (int) i;
        return -ENOENT;
}

static bool is_max(const char *v) {
        return streq(v, "max") || streq(v, "infinity") || streq(v, "-1");
}

/* "50%" of one CPU, "max", "QUOTA" or "QUOTA PERIOD" -> "QUOTA PERIOD" */
static int normalize_cpu_max(const char *v, char *buf, size_t size) {
        unsigned long long quota, period = CPU_PERIOD_DEFAULT;
        char q[32] = "", extra;
        unsigned pct;
        int n;

        if (strchr(v, '%')) {
                if (sscanf(v, "%u%%%c", &pct, &extra) != 1 || pct == 0 || pct > 100000)
                        return -EINVAL;
                snprintf(buf, size, "%llu %llu", (unsigned long long) pct * CPU_PERIOD_DEFAULT / 100,
                         CPU_PERIOD_DEFAULT);
                return 0;
        }
        n = sscanf(v, "%31s %llu %c", q, &period, &extra);
        if (n < 1 || n > 2 || period < 1000 || period > 1000000)
                return -EINVAL;
        if (is_max(q)) {
                snprintf(buf, size, "max %llu", period);
                return 0;
        }
        if (safe_atou64(q, (uint64_t *) &quota) < 0 || quota < 1000)
                return -EINVAL;
        snprintf(buf, size, "%llu %llu", quota, period);
        return 0;
}

static bool valid_io_max(const char *v) {
        unsigned maj, min;
        int n = 0;

        if (sscanf(v, "%u:%u%n", &maj, &min, &n) != 2 || v[n] != ' ')
                return false;
        for (const char *p = v + n; *p; ) {
                size_t len;
                uint64_t x;
                char val[32];

                p += strspn(p, " ");
                len = strcspn(p, " ");
                if (len == 0)
                        break;
                if (!(startswith(p, "rbps=") || startswith(p, "wbps=") || startswith(p, "riops=") ||
                      startswith(p, "wiops=")) || len - strcspn(p, "=") - 1 >= sizeof val)
                        return false;
                snprintf(val, sizeof val, "%.*s", (int) (len - strcspn(p, "=") - 1), p + strcspn(p, "=") + 1);
                if (!streq(val, "max") && safe_atou64(val, &x) < 0)
                        return false;
                p += len;
        }
        return true;
}

static int normalize_value(LimitKind kind, const char *v, char *buf, size_t size) {
        uint64_t x;

        switch (kind) {
        case LIMIT_SIZE:
        case LIMIT_COUNT:
                if (is_max(v)) {
                        snprintf(buf, size, "max");
                        return 0;
                }
                if ((kind == LIMIT_SIZE ? limit_parse_size(v, &x) : safe_atou64(v, &x)) < 0)
                        return -EINVAL;
                snprintf(buf, size, "%llu", (unsigned long long) x);
                return 0;
        case LIMIT_WEIGHT:
                v = startswith(v, "default ") ?: v;
                if (safe_atou64(v, &x) < 0 || x < 1 || x > 10000)
                        return -EINVAL;
                snprintf(buf, size, "%llu", (unsigned long long) x);
                return 0;
        case LIMIT_CPU_MAX:
                return normalize_cpu_max(v, buf, size);
        case LIMIT_CPUSET:
                if (isempty(v) || v[strspn(v, "0123456789,-")] || strlen(v) >= size)
                        return -EINVAL;
                snprintf(buf, size, "%s", v);
                return 0;
        case LIMIT_IO_MAX:
                if (!valid_io_max(v) || strlen(v) >= size)
                        return -EINVAL;
                snprintf(buf, size, "%s", v);
                return 0;
        }
        return -EINVAL;
}

int limit_normalize(const char *assignment, char **ret) {
        size_t n = strcspn(assignment, "=");
        int i = find_limit(assignment, n);
        char buf[256];
        int r;

        if (!assignment[n])
                return -EINVAL;
        if (i < 0)
                return (*ret = strdup(assignment)) ? 0 : -ENOMEM;
        r = normalize_value(limit_table[i].kind, assignment + n + 1, buf, sizeof buf);
        if (r < 0)
                return r;
        return asprintf(ret, "%.*s=%s", (int) n, assignment, buf) < 0 ? -ENOMEM : 0;
}

int limit_from_property(const char *property, char **ret) {
        size_t n = strcspn(property, "=");
        _cleanup_free_ char *a = NULL;

        if (!property[n])
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(limit_table); i++) {
                const char *p = limit_table[i].property;

                if (!p || strlen(p) != n || strncmp(p, property, n) != 0)
                        continue;
                if (asprintf(&a, "%s=%s", limit_table[i].file, property + n + 1) < 0)
                        return -ENOMEM;
                return limit_normalize(a, ret);
        }
        return -ENOENT;
}

int limit_to_property(const char *assignment, char **ret) {
        size_t n = strcspn(assignment, "=");
        int i = find_limit(assignment, n);
        const char *v = assignment + n + (assignment[n] ? 1 : 0);
        unsigned long long q, p;

        if (i < 0 || !limit_table[i].property)
                return -EOPNOTSUPP;
        if (limit_table[i].kind == LIMIT_CPU_MAX) {
                /* CPUQuota= takes whole percents of one CPU, with systemd's default period */
                if (sscanf(v, "%llu %llu", &q, &p) != 2 || p != CPU_PERIOD_DEFAULT || (q * 100) % p != 0)
                        return -EOPNOTSUPP;
                return asprintf(ret, "CPUQuota=%llu%%", q * 100 / p) < 0 ? -ENOMEM : 0;
        }
        return asprintf(ret, "%s=%s", limit_table[i].property, streq(v, "max") ? "infinity" : v) < 0 ? -ENOMEM : 0;
}

static int v1_number(const char *value, uint64_t min, uint64_t max, uint64_t *ret) {
        if (safe_atou64(value, ret) < 0 || *ret < min || *ret > max)
                return -EINVAL;
        return 0;
}

/* lxc.cgroup.blkio.throttle.read_bps_device = "8:0 1048576" -> io.max, added to what io.max has
 * for the same device. */
static int io_max_from_v1(const char *key, const char *value, char *const *current, char **ret) {
        const char *old = NULL;
        unsigned maj, min;
        uint64_t v;
        int n = 0;

        for (char *const *c = current; c && *c; c++)
                old = startswith(*c, "io.max=") ?: old;
        if (sscanf(value, "%u:%u %n", &maj, &min, &n) != 2 || n == 0 || safe_atou64(value + n, &v) < 0)
                return -EINVAL;
        if (old && strcspn(old, " ") == (size_t) (strchr(value, ' ') - value) && strncmp(old, value, strcspn(old, " ")) == 0)
                return asprintf(ret, "io.max=%s %s=%llu", old, key, (unsigned long long) v) < 0 ? -ENOMEM : 0;
        return asprintf(ret, "io.max=%u:%u %s=%llu", maj, min, key, (unsigned long long) v) < 0 ? -ENOMEM : 0;
}

/* cfs_quota_us and cfs_period_us each change half of cpu.max */
static int cpu_max_from_v1(bool quota, const char *value, char *const *current, char **ret) {
        char q[32] = "max";
        unsigned long long p = CPU_PERIOD_DEFAULT;
        uint64_t v;

        for (char *const *c = current; c && *c; c++)
                if (startswith(*c, "cpu.max="))
                        (void) sscanf(*c + strlen("cpu.max="), "%31s %llu", q, &p);
        if (quota && streq(value, "-1"))
                return asprintf(ret, "cpu.max=max %llu", p) < 0 ? -ENOMEM : 0;
        if (v1_number(value, 1000, quota ? UINT64_MAX / 2 : 1000000, &v) < 0)
                return -EINVAL;
        if (quota)
                return asprintf(ret, "cpu.max=%llu %llu", (unsigned long long) v, p) < 0 ? -ENOMEM : 0;
        return asprintf(ret, "cpu.max=%s %llu", q, (unsigned long long) v) < 0 ? -ENOMEM : 0;
}

static int swap_from_v1(const char *value, char *const *current, char **ret) {
        uint64_t memsw, mem = UINT64_MAX;

        if (is_max(value))
                return (*ret = strdup("memory.swap.max=max")) ? 0 : -ENOMEM;
        if (limit_parse_size(value, &memsw) < 0)
                return -EINVAL;
        for (char *const *c = current; c && *c; c++)
                if (startswith(*c, "memory.max=") && limit_parse_size(*c + strlen("memory.max="), &mem) < 0)
                        return -EINVAL;
        if (mem == UINT64_MAX)
                return -ENOKEY;
        if (memsw < mem)
                return -EINVAL;
        return asprintf(ret, "memory.swap.max=%llu", (unsigned long long) (memsw - mem)) < 0 ? -ENOMEM : 0;
}

int limit_from_v1(const char *file, const char *value, char *const *current, char **ret) {
        _cleanup_free_ char *a = NULL;
        const char *v2 = NULL, *io;
        uint64_t v;

        if (streq(file, "memory.limit_in_bytes"))
                v2 = "memory.max";
        else if (streq(file, "memory.soft_limit_in_bytes"))
                v2 = "memory.low";
        else if (streq(file, "memory.memsw.limit_in_bytes"))
                return swap_from_v1(value, current, ret);
        else if (streq(file, "pids.max") || streq(file, "cpuset.cpus") || streq(file, "cpuset.mems"))
                v2 = file;
        else if (streq(file, "cpu.cfs_quota_us") || streq(file, "cpu.cfs_period_us"))
                return cpu_max_from_v1(streq(file, "cpu.cfs_quota_us"), value, current, ret);
        else if (streq(file, "cpu.shares")) {
                /* systemd's mapping: the default 1024 shares are the default weight 100 */
                if (v1_number(value, 2, 262144, &v) < 0)
                        return -EINVAL;
                return asprintf(ret, "cpu.weight=%llu", (unsigned long long) CLAMP(v * 100 / 1024, 1ULL, 10000ULL)) < 0 ?
                       -ENOMEM : 0;
        } else if (streq(file, "blkio.weight")) {
                if (v1_number(value, 10, 1000, &v) < 0)
                        return -EINVAL;
                return asprintf(ret, "io.weight=%llu", (unsigned long long) CLAMP(v * 100 / 500, 1ULL, 10000ULL)) < 0 ?
                       -ENOMEM : 0;
        } else if ((io = startswith(file, "blkio.throttle."))) {
                static const char *const keys[][2] = { { "read_bps_device", "rbps" }, { "write_bps_device", "wbps" },
                                                       { "read_iops_device", "riops" }, { "write_iops_device", "wiops" } };

                for (size_t i = 0; i < ELEMENTSOF(keys); i++)
                        if (streq(io, keys[i][0]))
                                return io_max_from_v1(keys[i][1], value, current, ret);
                return -EOPNOTSUPP;
        } else
                return -EOPNOTSUPP;
        if (asprintf(&a, "%s=%s", v2, is_max(value) ? "max" : value) < 0)
                return -ENOMEM;
        return limit_normalize(a, ret);
}

static void v1_set(LimitV1Write *w, const char *controller, const char *file, const char *value) {
        w->controller = controller;
        w->file = file;
        snprintf(w->value, sizeof w->value, "%s", value);
}

static int memsw_to_v1(const char *swap, char *const *all, LimitV1Write *w) {
        uint64_t mem = UINT64_MAX, sw;

        for (char *const *c = all; c && *c; c++)
                if (startswith(*c, "memory.max="))
                        (void) limit_parse_size(*c + strlen("memory.max="), &mem);
        if (streq(swap, "max") && mem == UINT64_MAX) {
                v1_set(w, "memory", "memory.memsw.limit_in_bytes", "-1");
                return 1;
        }
        if (mem == UINT64_MAX || limit_parse_size(swap, &sw) < 0)
                return -ENOKEY;
        v1_set(w, "memory", "memory.memsw.limit_in_bytes", "");
        snprintf(w->value, sizeof w->value, "%llu", (unsigned long long) (sw == UINT64_MAX ? UINT64_MAX : mem + sw));
        if (sw == UINT64_MAX)
                snprintf(w->value, sizeof w->value, "-1");
        return 1;
}

/* io.max "8:0 rbps=N wiops=M" -> blkio.throttle.*_device "8:0 N" (0 lifts a v1 throttle, as "max") */
static int io_max_to_v1(const char *v, LimitV1Write w[static LIMIT_V1_WRITES_MAX]) {
        static const char *const keys[][2] = { { "rbps", "blkio.throttle.read_bps_device" },
                                               { "wbps", "blkio.throttle.write_bps_device" },
                                               { "riops", "blkio.throttle.read_iops_device" },
                                               { "wiops", "blkio.throttle.write_iops_device" } };
        size_t dev = strcspn(v, " ");
        int n = 0;

        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                char pat[16];
                const char *p;

                snprintf(pat, sizeof pat, " %s=", keys[i][0]);
                if (!(p = strstr(v, pat)))
                        continue;
                p += strlen(pat);
                v1_set(&w[n], "blkio", keys[i][1], "");
                snprintf(w[n].value, sizeof w[n].value, "%.*s %.*s", (int) dev, v, (int) strcspn(p, " "),
                         startswith(p, "max") ? "0" : p);
                n++;
        }
        return n;
}

int limit_to_v1(const char *assignment, char *const *all, LimitV1Write w[static LIMIT_V1_WRITES_MAX]) {
        size_t n = strcspn(assignment, "=");
        int i = find_limit(assignment, n);
        const char *file, *v = assignment + n + (assignment[n] ? 1 : 0);
        unsigned long long q, p;
        char buf[32];

        if (i < 0)
                return -EOPNOTSUPP;
        file = limit_table[i].file;
        if (streq(file, "memory.max") || streq(file, "memory.low")) {
                v1_set(w, "memory", file[7] == 'm' ? "memory.limit_in_bytes" : "memory.soft_limit_in_bytes",
                       streq(v, "max") ? "-1" : v);
                return 1;
        }
        if (streq(file, "memory.swap.max"))
                return memsw_to_v1(v, all, w);
        if (streq(file, "cpu.weight") || streq(file, "io.weight")) {
                bool cpu = file[0] == 'c';

                if (safe_atou64(v, (uint64_t *) &q) < 0)
                        return -EINVAL;
                snprintf(buf, sizeof buf, "%llu", cpu ? CLAMP(q * 1024 / 100, 2ULL, 262144ULL) :
                                                        CLAMP(q * 500 / 100, 10ULL, 1000ULL));
                v1_set(w, cpu ? "cpu" : "blkio", cpu ? "cpu.shares" : "blkio.weight", buf);
                return 1;
        }
        if (streq(file, "cpu.max")) {
                char quota[32];

                if (sscanf(v, "%31s %llu", quota, &p) != 2)
                        return -EINVAL;
                snprintf(buf, sizeof buf, "%llu", p);
                v1_set(&w[0], "cpu", "cpu.cfs_period_us", buf);
                v1_set(&w[1], "cpu", "cpu.cfs_quota_us", streq(quota, "max") ? "-1" : quota);
                return 2;
        }
        if (limit_table[i].kind == LIMIT_CPUSET || streq(file, "pids.max")) {
                v1_set(w, file[0] == 'c' ? "cpuset" : "pids", file, v);
                return 1;
        }
        if (streq(file, "io.max"))
                return io_max_to_v1(v, w);
        return -EOPNOTSUPP; /* memory.high: cgroup v1 has no throttling limit */
}

bool limit_is_of_controller(const char *assignment, const char *controller) {
        size_t n = strlen(controller);

        return strncmp(assignment, controller, n) == 0 && assignment[n] == '.';
}
