/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl stop, reboot, kill, set-limit and console-log: requests to the running nsboot through its control
 * socket, which knows how the guest's init wants to be asked; and signals to every process of a
 * machine's cgroup. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/pidfd.h>
#include <time.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "cgroup-proc.h"
#include "cgroup.h"
#include "cgroup-limits.h"
#include "control.h"
#include "ctl.h"
#include "log.h"
#include "settings-parse.h"

/* Waits until the nsboot of m exits; false after timeout_sec. */
static bool wait_supervisor_exit(const MachineState *m, unsigned timeout_sec) {
        for (unsigned i = 0; i < timeout_sec * 10; i++) {
                MachineState now;
                bool same;

                if (kill(m->supervisor, 0) < 0 && errno == ESRCH)
                        return true;
                /* Or it is the same PID reused by someone else: its state file is gone. */
                if (machine_state_read(m->name, &now) < 0)
                        return true;
                same = now.supervisor == m->supervisor;
                machine_state_done(&now);
                if (!same)
                        return true;
                (void) nanosleep(&(struct timespec) { .tv_nsec = 100 * 1000 * 1000 }, NULL);
        }
        return false;
}

/* Runs action on each running machine named; the result is the last failure. */
static int for_each_machine(const CtlArgs *a, const char *request,
                            int (*action)(const CtlArgs *a, const MachineState *m, const char *request)) {
        int ret = 0;

        for (char **name = a->args + 1; *name; name++) {
                MachineState m;
                int r;

                r = ctl_machine_get(*name, &m);
                if (r >= 0) {
                        r = action(a, &m, request);
                        machine_state_done(&m);
                }
                if (r < 0)
                        ret = r;
        }
        return ret;
}

/* Sends request ("stop", "reboot", "kill N") to the machine's nsboot; waits after "stop". */
static int send_request(const CtlArgs *a, const MachineState *m, const char *request) {
        bool stop = streq(request, "stop");
        int r;

        r = control_request(m->control, request);
        if (r < 0)
                return log_error_errno(r, "Failed to %s machine '%s' (control socket %s): %m",
                                       stop ? "stop" : startswith(request, "kill") ? "signal" : request, m->name,
                                       m->control);
        if (stop && !a->no_wait && !wait_supervisor_exit(m, a->timeout_sec))
                return log_error_errno(SYNTHETIC_ERRNO(ETIMEDOUT),
                                       "Machine '%s' did not stop within %u s; 'nsbootctl kill -s KILL %s' ends it",
                                       m->name, a->timeout_sec, m->name);
        return 0;
}

/* stop --all (a host going down): every running machine is asked first, then waited for, so that
 * they shut down side by side within one --timeout. */
static int stop_all(const CtlArgs *a) {
        time_t end = time(NULL) + a->timeout_sec;
        MachineState *l = NULL;
        size_t n = 0;
        int r, ret = 0;

        r = ctl_machines_running(&l, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                time_t left = end - time(NULL);

                /* a hung nsboot holds the others up 2 s at most, and never past the deadline */
                r = control_request_timeout(l[i].control, "stop",
                                            (uint64_t) MAX(MIN(left, (time_t) 2), (time_t) 1) * 1000000);
                if (r < 0)
                        ret = log_error_errno(r, "Failed to stop machine '%s' (control socket %s): %m", l[i].name,
                                              l[i].control);
        }
        for (size_t i = 0; i < n && !a->no_wait; i++) {
                time_t left = end - time(NULL);

                if (!wait_supervisor_exit(&l[i], left > 0 ? (unsigned) left : 1))
                        ret = log_error_errno(SYNTHETIC_ERRNO(ETIMEDOUT), "Machine '%s' did not stop within %u s; "
                                              "'nsbootctl kill -s KILL %s' ends it", l[i].name, a->timeout_sec,
                                              l[i].name);
        }
        ctl_machines_free(l, n);
        return ret;
}

int verb_stop(const CtlArgs *a) {
        if (a->all && a->args[1])
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "stop takes machine names or --all, not both");
        if (a->all)
                return stop_all(a);
        if (!a->args[1])
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'stop' takes machine names, or --all");
        return for_each_machine(a, "stop", send_request);
}

int verb_reboot(const CtlArgs *a) {
        return for_each_machine(a, "reboot", send_request);
}

/* Processes already signalled, and the machine's cgroup relative to the cgroup2 root. */
typedef struct KillAll {
        int sig;
        const char *cgroup;
        pid_t *done;
        size_t n_done;
        bool new;
        int error;
} KillAll;

/* Whether pid's cgroup2 path is cgroup or below it. */
static bool process_in_cgroup(pid_t pid, const char *cgroup) {
        _cleanup_free_ char *text = NULL, *own = NULL;
        size_t n = strlen(cgroup);

        if (cgroup_proc_read(pid, &text) < 0 || cgroup_proc_v2_path(text, &own) < 0)
                return false;
        return strncmp(own, cgroup, n) == 0 && IN_SET(own[n], '/', 0);
}

/* Signals pid through a pidfd opened first: its PID cannot be reused while the pidfd is open, so
 * once it is seen in the cgroup it is the process signalled. */
static void kill_one(pid_t pid, void *userdata) {
        KillAll *k = userdata;
        _cleanup_close_ int fd = -EBADF;
        pid_t *done;

        for (size_t i = 0; i < k->n_done; i++)
                if (k->done[i] == pid)
                        return;
        fd = pidfd_open(pid, 0);
        if (fd < 0 || !process_in_cgroup(pid, k->cgroup))
                return; /* gone, or not the machine's (any more) */
        if (pidfd_send_signal(fd, k->sig, NULL, 0) < 0 && errno != ESRCH) {
                k->error = -errno;
                return;
        }
        done = reallocarray(k->done, k->n_done + 1, sizeof *done);
        if (!done) {
                k->error = -ENOMEM;
                return;
        }
        k->done = done;
        k->done[k->n_done++] = pid;
        k->new = true;
}

/* Every process of the machine's cgroup, as machinectl kill does; passes until one finds nobody
 * new, for the processes forked meanwhile. */
static int kill_all(const MachineState *m, int sig) {
        _cleanup_free_ char *root = NULL;
        KillAll k = { .sig = sig };
        int r;

        r = cgroup_find_v2_root(&root);
        if (r < 0 || !startswith(strempty(m->cgroup), root))
                return log_error_errno(r < 0 ? r : SYNTHETIC_ERRNO(ENOENT),
                                       "Machine '%s' has no cgroup on the cgroup2 hierarchy ('%s')", m->name,
                                       strna(m->cgroup));
        k.cgroup = m->cgroup + strlen(root);
        for (unsigned pass = 0; pass < 64; pass++) {
                k.new = false;
                cgroup_foreach_pid(m->cgroup, kill_one, &k);
                if (!k.new || k.error < 0)
                        break;
        }
        free(k.done);
        if (k.error < 0)
                return log_error_errno(k.error, "Failed to signal the processes of machine '%s': %m", m->name);
        if (k.n_done == 0)
                return log_error_errno(SYNTHETIC_ERRNO(ESRCH), "Machine '%s' has no processes in %s", m->name, m->cgroup);
        return 0;
}

static int send_kill_all(const CtlArgs *a, const MachineState *m, const char *request) {
        int r = ctl_thaw_first(m); /* frozen processes take no signal but SIGKILL */

        return r < 0 ? r : kill_all(m, a->signal ?: SIGTERM);
}

int verb_kill(const CtlArgs *a) {
        char request[32];

        snprintf(request, sizeof request, "kill %d", a->signal ?: SIGTERM);
        return for_each_machine(a, request, a->kill_leader ? send_request : send_kill_all);
}

/* machinectl terminate, lxc-stop -k, vzctl stop --fast: SIGKILL to every process of the machines at
 * once; their nsboot then ends as after a crash of the guest's init, tearing everything down. */
int verb_terminate(const CtlArgs *a) {
        CtlArgs k = *a;

        k.signal = SIGKILL;
        k.kill_leader = false;
        return verb_kill(&k);
}

/* lxc-cgroup NAME FILE VALUE, vzctl set --ram: each FILE=VALUE checked here (syntax, and whether
 * this host can apply it), then written by the machine's nsboot, which knows its cgroups. */
int verb_set_limit(const CtlArgs *a) {
        MachineState m;
        int r;

        r = ctl_machine_get(a->args[1], &m);
        if (r < 0)
                return r;
        for (char **l = a->args + 2; *l && r >= 0; l++) {
                _cleanup_strv_free_ char **one = NULL;
                _cleanup_free_ char *request = NULL;

                r = parse_cgroup(NULL, *l, &one);
                if (r < 0 || strv_length(one) != 1) {
                        r = log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' is not FILE=VALUE of a cgroup2 controller "
                                            "(memory.max=2G, pids.max=500, cpu.max=50%%, cpuset.cpus=0-1, ...)", *l);
                        break;
                }
                r = cgroup_limits_check(one);
                if (r < 0)
                        break;
                if (asprintf(&request, "limit %s", one[0]) < 0) {
                        r = log_oom();
                        break;
                }
                r = control_request(m.control, request);
                if (r == -EMSGSIZE)
                        r = log_error_errno(r, "%s: the value is too long for the control socket", one[0]);
                else if (r < 0)
                        r = log_error_errno(r, "Failed to set %s on machine '%s' (its nsboot says why): %m", one[0],
                                            m.name);
        }
        machine_state_done(&m);
        return r;
}

/* lxc-console -l: what the machine's console ring holds, on stdout. */
int verb_console_log(const CtlArgs *a) {
        MachineState m;
        int r;

        r = ctl_machine_get(a->args[1], &m);
        if (r < 0)
                return r;
        r = control_console_log(m.control, a->clear, STDOUT_FILENO);
        if (r == -ENODATA)
                r = log_error_errno(r, "Machine '%s' keeps no console buffer: set lxc.console.buffer.size "
                                    "(nsboot.console.buffer.size)", a->args[1]);
        else if (r < 0)
                r = log_error_errno(r, "Failed to read the console buffer of machine '%s' (control socket %s): %m",
                                    a->args[1], m.control);
        machine_state_done(&m);
        return r;
}
