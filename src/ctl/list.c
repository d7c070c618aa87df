/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl list: the running machines, from their state files and their network namespaces; with
 * --all also the stopped ones defined on the host (images.c). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sched.h>
#include <sys/stat.h>

#include "basic/strv.h"
#include "ctl.h"
#include "log.h"

static bool same_namespace(int a, int b) {
        struct stat x, y;

        return fstat(a, &x) >= 0 && fstat(b, &y) >= 0 && x.st_ino == y.st_ino && x.st_dev == y.st_dev;
}

static int collect_addresses(char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        struct ifaddrs *ifa, *i;

        if (getifaddrs(&ifa) < 0)
                return -errno;
        for (i = ifa; i; i = i->ifa_next) {
                char buf[INET6_ADDRSTRLEN];
                const void *addr;

                if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK) ||
                    !IN_SET(i->ifa_addr->sa_family, AF_INET, AF_INET6))
                        continue;
                if (i->ifa_addr->sa_family == AF_INET)
                        addr = &((struct sockaddr_in *) i->ifa_addr)->sin_addr;
                else {
                        const struct in6_addr *a6 = &((struct sockaddr_in6 *) i->ifa_addr)->sin6_addr;

                        if (IN6_IS_ADDR_LINKLOCAL(a6))
                                continue;
                        addr = a6;
                }
                if (inet_ntop(i->ifa_addr->sa_family, addr, buf, sizeof buf) && strv_extend(&l, buf) < 0) {
                        freeifaddrs(ifa);
                        return -ENOMEM;
                }
        }
        freeifaddrs(ifa);
        *ret = TAKE_PTR(l);
        return 0;
}

/* As machinectl shows them: none when the machine shares the host's network. */
int ctl_machine_addresses(pid_t leader, char ***ret) {
        _cleanup_close_ int own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), guest = -EBADF;
        char path[64];
        int r;

        *ret = NULL;
        snprintf(path, sizeof path, "/proc/%d/ns/net", (int) leader);
        guest = open(path, O_RDONLY | O_CLOEXEC);
        if (own < 0 || guest < 0)
                return -errno;
        if (same_namespace(own, guest))
                return 0;
        if (setns(guest, CLONE_NEWNET) < 0)
                return -errno;
        r = collect_addresses(ret);
        if (setns(own, CLONE_NEWNET) < 0)
                return log_error_errno(errno, "Failed to return to our own network namespace: %m");
        return r;
}

char *ctl_join(char *const *l, const char *sep) {
        size_t n = 1;
        char *s;

        STRV_FOREACH(p, l)
                n += strlen(*p) + strlen(sep);
        s = calloc(1, n);
        STRV_FOREACH(p, l) {
                if (!s)
                        break;
                if (p != l)
                        strcat(s, sep);
                strcat(s, *p);
        }
        return s;
}

static void print_json(const MachineState *l, char ***addresses, size_t n) {
        printf("[");
        for (size_t i = 0; i < n; i++) {
                printf("%s\n  {\"name\": ", i ? "," : "");
                json_string(stdout, l[i].name);
                printf(", \"state\": ");
                json_string(stdout, l[i].state);
                printf(", \"init\": ");
                json_string(stdout, l[i].init);
                if (l[i].leader > 0)
                        printf(", \"leader\": %d, \"supervisor\": %d, \"addresses\": [", (int) l[i].leader,
                               (int) l[i].supervisor);
                else
                        printf(", \"leader\": null, \"supervisor\": null, \"addresses\": [");
                STRV_FOREACH(a, addresses[i]) {
                        printf("%s", a == addresses[i] ? "" : ", ");
                        json_string(stdout, *a);
                }
                if (l[i].leader > 0)
                        printf("], \"start_usec\": %llu, \"uptime_sec\": %llu, \"tree\": ",
                               (unsigned long long) l[i].start_usec, (unsigned long long) uptime_sec(l[i].start_usec));
                else
                        printf("], \"start_usec\": null, \"uptime_sec\": null, \"tree\": ");
                json_string(stdout, l[i].tree);
                printf(", \"cgroup\": ");
                if (l[i].leader > 0)
                        json_string(stdout, l[i].cgroup);
                else
                        printf("null"); /* stopped: no cgroup */
                printf("}");
        }
        printf("%s]\n", n ? "\n" : "");
}

static void print_table(const MachineState *l, char ***addresses, size_t n) {
        int w_name = 4, w_init = 4, w_addr = 9;

        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *a = ctl_join(addresses[i], ",");

                w_name = MAX(w_name, (int) strlen(l[i].name));
                w_init = MAX(w_init, (int) strlen(strempty(l[i].init)));
                w_addr = MAX(w_addr, a ? (int) strlen(a) : 1);
        }
        printf("%-*s %-8s %-*s %7s %-*s %s\n", w_name, "NAME", "STATE", w_init, "INIT", "PID", w_addr,
               "ADDRESSES", "UPTIME");
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *a = ctl_join(addresses[i], ",");
                char buf[32], pid[16];

                snprintf(pid, sizeof pid, "%d", (int) l[i].leader);
                printf("%-*s %-8s %-*s %7s %-*s %s\n", w_name, l[i].name, strempty(l[i].state), w_init,
                       l[i].init ?: "-", l[i].leader > 0 ? pid : "-", w_addr, a && *a ? a : "-",
                       l[i].leader > 0 ? format_timespan(uptime_sec(l[i].start_usec), buf) : "-");
        }
        if (isatty(STDOUT_FILENO))
                printf("\n%zu machine%s listed.\n", n, n == 1 ? "" : "s");
}

static int compare_state_names(const void *a, const void *b) {
        return strcmp(((const MachineState *) a)->name, ((const MachineState *) b)->name);
}

/* --all: the machines defined on the host that do not run, as "stopped" entries without a leader,
 * the list sorted by name again. */
static int add_stopped(MachineState **l, size_t *n) {
        DefinedMachine *d;
        MachineState *m;
        size_t k, added = 0;
        int r;

        r = ctl_defined_machines(&d, &k);
        if (r < 0)
                return r;
        m = reallocarray(*l, *n + k + 1, sizeof *m);
        if (!m) {
                ctl_defined_free(d, k);
                return log_oom();
        }
        *l = m;
        for (size_t i = 0; i < k; i++) {
                bool running = false;

                for (size_t j = 0; j < *n && !running; j++)
                        running = streq(m[j].name, d[i].name);
                if (running)
                        continue;
                m[*n + added] = (MachineState) { .name = TAKE_PTR(d[i].name), .tree = TAKE_PTR(d[i].path),
                                                 .state = strdup("stopped") };
                if (!m[*n + added].state) {
                        *n += added + 1;
                        ctl_defined_free(d, k);
                        return log_oom();
                }
                added++;
        }
        *n += added;
        ctl_defined_free(d, k);
        qsort(m, *n, sizeof *m, compare_state_names);
        return 0;
}

int verb_list(const CtlArgs *a) {
        MachineState *l = NULL;
        char ***addresses;
        size_t n;
        int r;

        r = ctl_machines_running(&l, &n);
        if (r < 0)
                return r;
        if (a->all) {
                r = add_stopped(&l, &n);
                if (r < 0) {
                        ctl_machines_free(l, n);
                        return r;
                }
        }
        addresses = calloc(n + 1, sizeof *addresses);
        if (!addresses) {
                ctl_machines_free(l, n);
                return log_oom();
        }
        for (size_t i = 0; i < n; i++)
                (void) ctl_machine_addresses(l[i].leader, &addresses[i]); /* none when we may not look */
        if (a->json)
                print_json(l, addresses, n);
        else
                print_table(l, addresses, n);
        for (size_t i = 0; i < n; i++)
                strv_free(addresses[i]);
        free(addresses);
        ctl_machines_free(l, n);
        return 0;
}
