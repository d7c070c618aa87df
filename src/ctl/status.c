/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl status NAME...: one running machine in detail, as lxc-info -n NAME and machinectl
 * status show it: its state file, its addresses, its cgroup's figures, its user namespace; a
 * stopped one as machinectl image-status does: its tree or image, its config, autostart. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/strv.h"
#include "ctl.h"
#include "log.h"

static void print_since(uint64_t start_usec) {
        time_t t = (time_t) (start_usec / 1000000);
        char when[64], ago[32];
        struct tm tm;

        if (!localtime_r(&t, &tm) || strftime(when, sizeof when, "%a %Y-%m-%d %H:%M:%S %Z", &tm) == 0)
                when[0] = 0;
        printf("       Since: %s; %s ago\n", when, format_timespan(uptime_sec(start_usec), ago));
}

/* The guest's uid_map, one "GUEST HOST COUNT" range after the other. */
static void print_ids(pid_t leader, uint64_t uid_base) {
        _cleanup_free_ char *path = NULL, *map = NULL;

        if (uid_base == 0) {
                printf("    User IDs: the host's (no user namespace: privileged)\n");
                return;
        }
        if (asprintf(&path, "/proc/%d/uid_map", (int) leader) < 0 || read_full_file(path, &map, NULL) < 0)
                return;
        printf("    User IDs:");
        for (char *line = strtok(map, "\n"); line; line = strtok(NULL, "\n")) {
                unsigned long long in, out, n;

                if (sscanf(line, "%llu %llu %llu", &in, &out, &n) == 3)
                        printf(" %llu..%llu as host %llu..%llu;", in, in + n - 1, out, out + n - 1);
        }
        printf(" (a user namespace)\n");
}

static void print_machine(const MachineState *m) {
        _cleanup_strv_free_ char **addresses = NULL;
        _cleanup_free_ char *joined = NULL, *log = NULL;
        MachineStats st;
        char a[32], b[32];

        printf("%s (%s)\n", m->name, strempty(m->state));
        print_since(m->start_usec);
        printf("      Leader: %d (%s)\n", (int) m->leader, strempty(m->init));
        printf("  Supervisor: %d (nsboot)\n", (int) m->supervisor);
        printf("        Tree: %s\n", strempty(m->tree));
        if (ctl_machine_addresses(m->leader, &addresses) >= 0)
                joined = ctl_join(addresses, " ");
        printf("   Addresses: %s\n", !isempty(joined) ? joined : "-");
        print_ids(m->leader, m->uid_base);
        if (machine_stats_read(m, &st) >= 0) {
                printf("       Tasks: %u\n", st.procs);
                printf("      Memory: %s", format_bytes(st.memory, a));
                if (st.memory_max != UINT64_MAX)
                        printf(" (limit %s)", format_bytes(st.memory_max, b));
                printf("\n         CPU: %s user, ", format_cputime(st.user_usec, a));
                printf("%s system\n", format_cputime(st.system_usec, b));
        }
        printf("      Cgroup: %s\n", strempty(m->cgroup));
        printf("     Control: %s\n", strempty(m->control));
        if (asprintf(&log, "/var/log/nsboot/%s.log", m->name) >= 0 && access(log, F_OK) >= 0)
                printf("         Log: %s (nsbootctl start)\n", log);
}

/* A machine that does not run, as lxc-info shows a stopped one and machinectl image-status an image:
 * its tree or image, its config and whether it starts at boot. -ENOENT when there is no such
 * machine. */
static int print_stopped(const char *name) {
        DefinedMachine d;
        ImageInfo info;
        char buf[32];
        int r;

        r = ctl_defined_machine(name, &d);
        if (r < 0)
                return r;
        ctl_image_info(d.path, &info);
        printf("%s (stopped)\n", d.name);
        printf("        Tree: %s (%s%s)\n", d.path ?: "-", info.type, info.read_only ? ", read-only" : "");
        if (info.usage != UINT64_MAX)
                printf("       Usage: %s\n", format_bytes(info.usage, buf));
        printf("    Modified: %s\n", ctl_format_mtime(info.mtime, buf));
        printf("      Config: %s\n", d.config ?: "-");
        printf("   Autostart: %s\n", d.autostart ? "yes (lxc.start.auto)" : "no");
        ctl_defined_done(&d);
        return 0;
}

int verb_status(const CtlArgs *a) {
        int ret = 0;

        for (char **name = a->args + 1; *name; name++) {
                MachineState m;
                int r;

                if (!machine_name_is_valid(*name)) {
                        ret = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' is not a valid machine name", *name);
                        continue;
                }
                if (name != a->args + 1)
                        printf("\n");
                if (machine_state_read(*name, &m) >= 0) {
                        bool live = machine_state_is_live(&m);

                        if (live)
                                print_machine(&m);
                        machine_state_done(&m);
                        if (live)
                                continue;
                }
                r = print_stopped(*name);
                if (r == -ENOENT)
                        r = log_error_errno(SYNTHETIC_ERRNO(ESRCH), "Machine '%s' is not running, and there is no "
                                            "machine of that name (no config, no tree or image)", *name);
                if (r < 0)
                        ret = r;
        }
        return ret;
}
