/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/cpu-list.h"
#include "basic/parse-util.h"
#include "cgroup-proc.h"
#include "cgroup.h"

Test(parse_util, signals) {
        char buf[16];

        cr_assert_eq(signal_from_string("SIGTERM"), SIGTERM);
        cr_assert_eq(signal_from_string("TERM"), SIGTERM);
        cr_assert_eq(signal_from_string("9"), SIGKILL);
        cr_assert_eq(signal_from_string("SIGRTMIN+3"), SIGRTMIN + 3);
        cr_assert_eq(signal_from_string("RTMIN"), SIGRTMIN);
        cr_assert_eq(signal_from_string("RTMAX-1"), SIGRTMAX - 1);
        cr_assert_eq(signal_from_string("SIGPWR"), SIGPWR);
        cr_assert_lt(signal_from_string("SIGFOO"), 0);
        cr_assert_lt(signal_from_string("0"), 0);
        cr_assert_lt(signal_from_string("RTMIN+"), 0);
        cr_assert_lt(signal_from_string("RTMIN-1"), 0);
        cr_assert_lt(signal_from_string(""), 0);
        cr_assert_str_eq(signal_to_string(SIGRTMIN + 3, buf), "SIGRTMIN+3");
        cr_assert_str_eq(signal_to_string(SIGINT, buf), "SIGINT");
}

Test(parse_util, numbers_and_booleans) {
        unsigned u;
        int i;

        cr_assert_eq(safe_atou("42", &u), 0);
        cr_assert_eq(u, 42);
        cr_assert_lt(safe_atou("-1", &u), 0);
        cr_assert_lt(safe_atou("4294967296", &u), 0);
        cr_assert_lt(safe_atou("12a", &u), 0);
        cr_assert_lt(safe_atou(" 1", &u), 0);
        cr_assert_eq(safe_atoi("-7", &i), 0);
        cr_assert_eq(i, -7);
        cr_assert_eq(parse_boolean("yes"), 1);
        cr_assert_eq(parse_boolean("Off"), 0);
        cr_assert_lt(parse_boolean("maybe"), 0);
}

Test(parse_util, scope_names_escape_like_systemd) {
        char *n = cgroup_scope_name("web-1.example");

        cr_assert_str_eq(n, "machine-web\\x2d1.example.scope");
        free(n);
}

Test(parse_util, slice_paths_nest_like_systemd) {
        char *p = cgroup_slice_path("machine.slice");

        cr_assert_str_eq(p, "/machine.slice");
        free(p);
        p = cgroup_slice_path("machine-web-db.slice");
        cr_assert_str_eq(p, "/machine.slice/machine-web.slice/machine-web-db.slice");
        free(p);
}

/* The kernel's CPU lists and an admin's (--cpu-affinity): ranges, commas, spaces; round trip. */
Test(parse_util, cpu_lists) {
        static const char *const good[][2] = {
                { "0", "0" },         { "0-3,8", "0-3,8" }, { "0 1 2", "0-2" },       { "0-2,5\n", "0-2,5" },
                { "3,1,2", "1-3" },   { "7-7", "7" },       { "1023", "1023" },       { " 0 , 2 ", "0,2" },
        };
        static const char *const bad[] = { "", "x", "3-1", "1024", "0-", "-1", "1-2-3", "0\n1", "0;1", "1.5" };
        bool set[CPU_LIST_MAX];

        for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
                char *out = NULL;

                cr_assert_gt(cpu_list_parse(good[i][0], set), 0, "%s", good[i][0]);
                cr_assert_eq(cpu_list_format(set, &out), 0);
                cr_assert_str_eq(out, good[i][1], "%s", good[i][0]);
                free(out);
        }
        cr_assert_eq(cpu_list_parse("0-3,2", set), 4, "a CPU counts once");
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                cr_assert_leq(cpu_list_parse(bad[i], set), 0, "'%s'", bad[i]);
}

static int collect_v1(unsigned id, const char *controllers, const char *path, void *userdata) {
        char *buf = userdata;

        sprintf(buf + strlen(buf), "%u|%s|%s;", id, controllers, path);
        return id == 7 ? 7 : 0;
}

Test(parse_util, proc_cgroup) {
        const char *hybrid = "12:cpu,cpuacct:/a/b\n"
                             "3:name=systemd:/\n"
                             "0::/machine.slice/machine-web.scope/payload\n";
        char buf[256] = "";
        char *p = NULL;

        cr_assert_eq(cgroup_proc_v2_path(hybrid, &p), 0);
        cr_assert_str_eq(p, "/machine.slice/machine-web.scope/payload");
        free(p);
        cr_assert_eq(cgroup_proc_v2_path("0::/\n", &p), 0);
        cr_assert_str_eq(p, "/");
        free(p);
        cr_assert_eq(cgroup_proc_v2_path("0::/x", &p), 0); /* no final newline */
        cr_assert_str_eq(p, "/x");
        free(p);
        cr_assert_eq(cgroup_proc_v2_path("4:pids:/0::/x\n", &p), -ENOMEDIUM);

        cr_assert_eq(cgroup_proc_v1_foreach(hybrid, collect_v1, buf), 0);
        cr_assert_str_eq(buf, "12|cpu,cpuacct|/a/b;3|name=systemd|/;");
        buf[0] = 0;
        cr_assert_eq(cgroup_proc_v1_foreach("7:pids:/p\n8:memory:/m\n", collect_v1, buf), 7);
        cr_assert_str_eq(buf, "7|pids|/p;");

        cr_assert(cgroup_proc_v1_has("cpu,cpuacct", "cpuacct"));
        cr_assert(cgroup_proc_v1_has("cpu,cpuacct", "cpu"));
        cr_assert(cgroup_proc_v1_has("name=systemd", "systemd"));
        cr_assert(!cgroup_proc_v1_has("cpu,cpuacct", "cpuac"));
        cr_assert(!cgroup_proc_v1_has("net_cls,net_prio", "net"));
        cr_assert(!cgroup_proc_v1_has("", "cpu"));
}

static int keep_v1_path(unsigned id, const char *controllers, const char *path, void *userdata) {
        char **ret = userdata;

        free(*ret);
        *ret = strdup(path);
        return 0;
}

/* A v1 line's path as the kernel prints it, however long (up to PATH_MAX, after the ID and the
 * controllers) and whatever it holds (cgroup names may have ':' and spaces). */
Test(parse_util, proc_cgroup_v1_odd_paths) {
        char *text = NULL, *path = NULL, *p = NULL;
        char long_path[4096];

        memset(long_path, 'a', sizeof long_path - 1);
        long_path[0] = '/';
        long_path[sizeof long_path - 1] = 0;
        cr_assert(asprintf(&text, "9:name=systemd:%s\n0::/x\n", long_path) > 0);
        cr_assert_eq(cgroup_proc_v1_foreach(text, keep_v1_path, &path), 0);
        cr_assert_str_eq(path, long_path, "a path of %zu bytes", strlen(long_path));
        free(text);
        cr_assert_eq(cgroup_proc_v1_foreach("4:memory:/a:b c/d:\n0::/a:b\n", keep_v1_path, &path), 0);
        cr_assert_str_eq(path, "/a:b c/d:");
        cr_assert_eq(cgroup_proc_v2_path("4:memory:/a:b c/d:\n0::/a:b c:\n", &p), 0);
        cr_assert_str_eq(p, "/a:b c:");
        free(p);
        free(path);
}
