/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The /proc view rendered from a made-up cgroup2 directory (a pure cgroup v2 host's layout), next
 * to the host's real /proc files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "procfs-view.h"

static char root[] = "/tmp/nsboot-test-view.XXXXXX";
static char *machine;

static void put(const char *file, const char *text) {
        char *p;

        cr_assert(asprintf(&p, "%s/%s", machine, file) > 0);
        cr_assert_eq(write_file_mode(p, text, 0644), 0);
        free(p);
}

static void setup(void) {
        cr_assert(mkdtemp(root));
        cr_assert(asprintf(&machine, "%s/machine.slice", root) > 0);
        cr_assert_eq(mkdir(machine, 0755), 0);
        put("memory.max", "67108864\n");
        put("memory.current", "16777216\n");
        put("memory.stat", "anon 8388608\nfile 4194304\nshmem 1048576\nslab_reclaimable 0\n");
        put("memory.swap.max", "0\n");
        put("memory.swap.current", "0\n");
        put("cpuset.cpus.effective", "0\n");
        put("cpu.stat", "usage_usec 2000000\nuser_usec 1500000\nsystem_usec 500000\n");
}

static void teardown(void) {
        char *cmd;

        if (asprintf(&cmd, "rm -rf '%s'", root) > 0 && system(cmd) == 0)
                free(cmd);
        free(machine);
}

static char *render(ProcfsFile f) {
        CGroup cg = { .root = root, .path = machine };
        ProcfsView v = { .cg = &cg, .timens = true };
        char *text = NULL;
        size_t size;

        cr_assert_eq(procfs_view_render(&v, f, &text, &size), 0, "%s", procfs_file_name(f));
        cr_assert_eq(strlen(text), size);
        return text;
}

TestSuite(procfs_view, .init = setup, .fini = teardown);

Test(procfs_view, meminfo_from_cgroup2) {
        char *m = render(PROCFS_MEMINFO);

        cr_assert(strstr(m, "MemTotal:          65536 kB\n"), "%s", m);
        cr_assert(strstr(m, "MemFree:           49152 kB\n"), "%s", m);
        cr_assert(strstr(m, "Cached:             4096 kB\n"), "%s", m);
        cr_assert(strstr(m, "SwapTotal:             0 kB\n"), "%s", m);
        free(m);
}

Test(procfs_view, cpus_from_cpuset) {
        char *online = render(PROCFS_CPU_ONLINE), *stat = render(PROCFS_STAT), *info = render(PROCFS_CPUINFO);

        cr_assert_str_eq(online, "0\n");
        cr_assert(strstr(stat, "\ncpu0 "), "%s", stat);
        cr_assert_null(strstr(stat, "\ncpu1 "), "%s", stat);
        /* 1.5 s of user time is 150 ticks of USER_HZ 100 */
        cr_assert(strncmp(stat, "cpu  150 0 50 ", 14) == 0, "%.40s", stat);
        cr_assert(strncmp(info, "processor\t: 0\n", 14) == 0, "%.40s", info);
        cr_assert_null(strstr(info, "processor\t: 1\n"));
        free(online);
        free(stat);
        free(info);
}

Test(procfs_view, swaps_and_loadavg) {
        char *swaps = render(PROCFS_SWAPS), *load = render(PROCFS_LOADAVG);

        cr_assert_str_eq(swaps, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
        cr_assert_str_eq(load, "0.00 0.00 0.00 0/0 0\n");
        free(swaps);
        free(load);
}
