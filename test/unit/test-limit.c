/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "limit.h"

static void expect_norm(const char *in, const char *out) {
        char *r = NULL;

        cr_assert_eq(limit_normalize(in, &r), 0, "%s refused", in);
        cr_assert_str_eq(r, out);
        free(r);
}

static void expect_bad(const char *in) {
        char *r = NULL;

        cr_assert_lt(limit_normalize(in, &r), 0, "%s accepted as %s", in, r ?: "");
}

Test(limit, normalize) {
        expect_norm("memory.max=64M", "memory.max=67108864");
        expect_norm("memory.max=infinity", "memory.max=max");
        expect_norm("memory.swap.max=0", "memory.swap.max=0");
        expect_norm("pids.max=500", "pids.max=500");
        expect_norm("pids.max=max", "pids.max=max");
        expect_norm("cpu.max=50%", "cpu.max=50000 100000");
        expect_norm("cpu.max=200%", "cpu.max=200000 100000");
        expect_norm("cpu.max=max", "cpu.max=max 100000");
        expect_norm("cpu.max=20000 50000", "cpu.max=20000 50000");
        expect_norm("cpu.weight=200", "cpu.weight=200");
        expect_norm("io.weight=default 300", "io.weight=300");
        expect_norm("cpuset.cpus=0-1,3", "cpuset.cpus=0-1,3");
        expect_norm("io.max=8:0 rbps=1048576 wiops=max", "io.max=8:0 rbps=1048576 wiops=max");
        expect_norm("memory.oom.group=1", "memory.oom.group=1"); /* unknown files pass */
        expect_bad("memory.max=lots");
        expect_bad("pids.max=-5");
        expect_bad("cpu.weight=0");
        expect_bad("cpu.weight=10001");
        expect_bad("cpu.max=0%");
        expect_bad("cpu.max=10 100000");
        expect_bad("cpuset.cpus=a");
        expect_bad("io.max=sda rbps=1");
        expect_bad("io.max=8:0 speed=1");
}

Test(limit, properties) {
        char *r = NULL;

        cr_assert_eq(limit_from_property("MemoryMax=2G", &r), 0);
        cr_assert_str_eq(r, "memory.max=2147483648");
        free(r);
        cr_assert_eq(limit_from_property("CPUQuota=150%", &r), 0);
        cr_assert_str_eq(r, "cpu.max=150000 100000");
        free(r);
        cr_assert_eq(limit_from_property("Description=web", &r), -ENOENT);
        cr_assert_lt(limit_from_property("TasksMax=many", &r), 0);
        cr_assert_eq(limit_to_property("memory.max=max", &r), 0);
        cr_assert_str_eq(r, "MemoryMax=infinity");
        free(r);
        cr_assert_eq(limit_to_property("cpu.max=50000 100000", &r), 0);
        cr_assert_str_eq(r, "CPUQuota=50%");
        free(r);
        cr_assert_eq(limit_to_property("cpu.max=33333 100000", &r), -EOPNOTSUPP);
        cr_assert_eq(limit_to_property("cpuset.cpus=0", &r), -EOPNOTSUPP);
}

Test(limit, from_v1) {
        char *cur[] = { "memory.max=67108864", "cpu.max=max 50000", NULL };
        char *r = NULL;

        cr_assert_eq(limit_from_v1("memory.limit_in_bytes", "-1", NULL, &r), 0);
        cr_assert_str_eq(r, "memory.max=max");
        free(r);
        cr_assert_eq(limit_from_v1("memory.memsw.limit_in_bytes", "100663296", cur, &r), 0);
        cr_assert_str_eq(r, "memory.swap.max=33554432");
        free(r);
        cr_assert_eq(limit_from_v1("memory.memsw.limit_in_bytes", "100663296", NULL, &r), -ENOKEY);
        cr_assert_eq(limit_from_v1("cpu.cfs_quota_us", "25000", cur, &r), 0);
        cr_assert_str_eq(r, "cpu.max=25000 50000");
        free(r);
        cr_assert_eq(limit_from_v1("cpu.shares", "2048", NULL, &r), 0);
        cr_assert_str_eq(r, "cpu.weight=200");
        free(r);
        cr_assert_eq(limit_from_v1("blkio.weight", "1000", NULL, &r), 0);
        cr_assert_str_eq(r, "io.weight=200");
        free(r);
        cr_assert_eq(limit_from_v1("blkio.throttle.read_bps_device", "8:0 1000", NULL, &r), 0);
        cr_assert_str_eq(r, "io.max=8:0 rbps=1000");
        free(r);
        cr_assert_eq(limit_from_v1("freezer.state", "FROZEN", NULL, &r), -EOPNOTSUPP);
}

Test(limit, to_v1) {
        char *all[] = { "memory.max=67108864", "memory.swap.max=0", NULL };
        LimitV1Write w[LIMIT_V1_WRITES_MAX];

        cr_assert_eq(limit_to_v1("memory.max=67108864", all, w), 1);
        cr_assert_str_eq(w[0].file, "memory.limit_in_bytes");
        cr_assert_str_eq(w[0].value, "67108864");
        cr_assert_eq(limit_to_v1("memory.swap.max=0", all, w), 1);
        cr_assert_str_eq(w[0].file, "memory.memsw.limit_in_bytes");
        cr_assert_str_eq(w[0].value, "67108864");
        cr_assert_eq(limit_to_v1("memory.swap.max=0", NULL, w), -ENOKEY);
        cr_assert_eq(limit_to_v1("cpu.weight=200", NULL, w), 1);
        cr_assert_str_eq(w[0].value, "2048");
        cr_assert_eq(limit_to_v1("cpu.max=max 100000", NULL, w), 2);
        cr_assert_str_eq(w[1].file, "cpu.cfs_quota_us");
        cr_assert_str_eq(w[1].value, "-1");
        cr_assert_eq(limit_to_v1("io.max=8:0 rbps=1000 wiops=max", NULL, w), 2);
        cr_assert_str_eq(w[0].file, "blkio.throttle.read_bps_device");
        cr_assert_str_eq(w[0].value, "8:0 1000");
        cr_assert_str_eq(w[1].value, "8:0 0");
        cr_assert_eq(limit_to_v1("memory.high=1000", NULL, w), -EOPNOTSUPP);
}
