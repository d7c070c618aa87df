/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "basic/fileio.h"
#include "basic/parse-util.h"
#include "log.h"
#include "stop.h"

#define RETRY_USEC (500 * 1000)          /* while the init cannot take the request yet */
#define NAMES_MAX 8                      /* processes named when the timeout strikes */

/* sysvinit's request on its FIFO, as telinit writes it (sysvinit's initreq.h): 384 bytes. */
#define INITCTL_MAGIC 0x03091969
#define INITCTL_CMD_RUNLVL 1
struct init_request {
        int magic, cmd, runlevel, sleeptime;
        char data[368];
};
_Static_assert(sizeof(struct init_request) == 384, "struct init_request must be 384 bytes");

/* SIGRTMIN is not a constant: table entries give RT(n) for SIGRTMIN+n. */
#define RT(n) (-(n) - 1)

static int resolve_signal(int s) {
        return s < 0 ? SIGRTMIN + (-s - 1) : s;
}

/* How one init is asked to stop: a signal per kind, or its own protocol (request). request returns
 * 1 once the init took it, 0 to be called again after RETRY_USEC, < 0 on a failure it logged. */
typedef struct InitOps {
        int signals[_STOP_KIND_MAX];
        int (*request)(Stop *st, StopKind k);
} InitOps;

struct Stop {
        Event *event;
        const StopPlan *plan;
        pid_t pid;
        StopKind pending;
        bool requested, warned;
        EventSource *retry, *timeout;
};

static int initctl_request(Stop *st, StopKind k);
static int runit_request(Stop *st, StopKind k);

/* systemd: SIGRTMIN+3 halts (that is the end of a container), SIGINT reboots. sysvinit (OpenRC on
 * it too): runlevel 0 or 6 through /run/initctl. openrc-init: SIGTERM shuts down, SIGINT reboots.
 * runit: the stopit and reboot files, then SIGCONT. busybox init: SIGUSR2 powers off, SIGTERM
 * reboots. Any other init: SIGPWR and SIGINT, as LXC sends them. */
static const InitOps init_ops[_TREE_INIT_KIND_MAX] = {
        [TREE_INIT_SYSTEMD] = { .signals = { RT(3), SIGINT } },
        [TREE_INIT_SYSVINIT] = { .request = initctl_request },
        [TREE_INIT_OPENRC] = { .signals = { SIGTERM, SIGINT } },
        [TREE_INIT_RUNIT] = { .request = runit_request },
        [TREE_INIT_BUSYBOX] = { .signals = { SIGUSR2, SIGTERM } },
        [TREE_INIT_OTHER] = { .signals = { SIGPWR, SIGINT } },
};

void stop_plan_init(StopPlan *ret, const Settings *s, int root_fd, const char *init) {
        *ret = (StopPlan) { .init = TREE_INIT_OTHER, .force_signal = s->stop_signal ?: SIGKILL,
                            .timeout_sec = s->stop_timeout, .clean = s->boot || s->as_pid2 || s->kill_signal > 0 };
        if (s->boot && init)
                ret->init = tree_init_kind(root_fd, init);
        /* "busybox sh -c ..." as lxc.init.cmd is busybox's shell, not its init. */
        if (ret->init == TREE_INIT_BUSYBOX && s->init_cmd && s->init_cmd[1] && !streq(s->init_cmd[1], "init"))
                ret->init = TREE_INIT_OTHER;
        else if (s->as_pid2) {
                /* The stub init forwards any of the usual stop signals to the command as SIGTERM. */
                ret->stub = true;
        }
        for (StopKind k = 0; k < _STOP_KIND_MAX; k++)
                ret->signals[k] = resolve_signal(init_ops[ret->init].signals[k]);
        if (s->kill_signal > 0)
                ret->signals[STOP_POWEROFF] = s->kill_signal;
        if (s->reboot_signal > 0)
                ret->signals[STOP_REBOOT] = s->reboot_signal;
}

const char *stop_plan_name(const StopPlan *p) {
        if (!p->clean)
                return "the command";
        return p->stub ? "stub init" : tree_init_kind_to_string(p->init);
}

bool stop_mask_has_signal(const char *hex_mask, int sig) {
        unsigned long long mask;
        char *end;

        if (sig <= 0 || sig > 64)
                return false;
        errno = 0;
        mask = strtoull(hex_mask, &end, 16);
        if (errno != 0 || end == hex_mask)
                return false;
        return mask & (1ULL << (sig - 1));
}

static bool status_mask_has(const char *status, const char *field, int sig) {
        const char *p = strstr(status, field);

        if (!p)
                return false;
        p += strlen(field);
        return stop_mask_has_signal(p + strspn(p, " \t"), sig);
}

/* Whether the process sleeps in sigwaitinfo()/sigtimedwait(): those unblock the signals they wait for
 * in SigBlk while they wait (the kernel keeps them in real_blocked, which /proc does not show). */
static bool in_sigwait(pid_t pid) {
        _cleanup_free_ char *line = NULL;
        char path[64];
        long nr;

        snprintf(path, sizeof path, "/proc/%d/syscall", (int) pid);
        return read_one_line(path, &line) >= 0 && sscanf(line, "%ld", &nr) == 1 && nr == SYS_rt_sigtimedwait;
}

/* Whether sig reaches the process: the kernel drops every signal but SIGKILL and SIGSTOP that is sent
 * to a PID namespace's init without a handler for it, so an init still starting up would lose it. A
 * blocked signal waits for the init (signalfd(), sigwaitinfo()). */
static bool catches(pid_t pid, int sig) {
        _cleanup_free_ char *text = NULL;
        char path[64];

        snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
        if (read_full_file(path, &text, NULL) < 0)
                return true; /* cannot tell: send it */
        return status_mask_has(text, "\nSigCgt:", sig) || status_mask_has(text, "\nSigBlk:", sig) ||
               in_sigwait(pid);
}

/* Opens path inside the guest's root as seen by its PID 1, never leaving it (symlinks included). */
static int guest_open(pid_t pid, const char *path, int flags, mode_t mode) {
        _cleanup_close_ int root = -EBADF;
        char p[64];

        snprintf(p, sizeof p, "/proc/%d/root", (int) pid);
        root = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return -errno;
        return tree_open_mode(root, path, flags, mode);
}

/* Reopens an O_PATH fd whose file type was checked, so nothing else gets opened in between. */
static int reopen(int fd, int flags) {
        char p[64];
        int r;

        snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
        r = open(p, flags | O_CLOEXEC | O_NOCTTY);
        return r < 0 ? -errno : r;
}

/* sysvinit: telinit's runlevel request. O_NONBLOCK: a FIFO nobody reads yet fails with ENXIO instead
 * of blocking us; only a FIFO is ever opened for writing. */
static int initctl_request(Stop *st, StopKind k) {
        static const char *const fifos[] = { "/run/initctl", "/dev/initctl" };
        struct init_request req = { .magic = INITCTL_MAGIC, .cmd = INITCTL_CMD_RUNLVL,
                                    .runlevel = k == STOP_REBOOT ? '6' : '0' };
        int r = -ENOENT;

        for (size_t i = 0; i < ELEMENTSOF(fifos) && r == -ENOENT; i++) {
                _cleanup_close_ int path = guest_open(st->pid, fifos[i], O_PATH, 0), fd = -EBADF;
                struct stat sb;

                if (path < 0) {
                        r = path;
                        continue;
                }
                if (fstat(path, &sb) < 0 || !S_ISFIFO(sb.st_mode)) {
                        r = -ENOTSUP;
                        if (!st->warned)
                                log_warning("The guest's %s is not a FIFO, not writing to it", fifos[i]);
                        st->warned = true;
                        break;
                }
                fd = reopen(path, O_WRONLY | O_NONBLOCK);
                if (fd < 0) {
                        r = fd;
                        continue;
                }
                r = write(fd, &req, sizeof req) == (ssize_t) sizeof req ? 1 : -errno;
        }
        if (r < 0)
                log_debug_errno(r, "The guest's init takes no runlevel request yet (%m), trying again");
        return r < 0 ? 0 : r;
}

/* Makes path in the guest a regular file with mode (runit looks at S_IXUSR only), owned by the
 * guest's root. Debian links /etc/runit/stopit to /run/runit.stopit: followed inside the guest. */
static int guest_set_mode(pid_t pid, const char *path, mode_t mode) {
        _cleanup_close_ int fd = guest_open(pid, path, O_PATH, 0), rw = -EBADF;
        char proc[64];
        struct stat sb, owner;

        if (fd == -ENOENT) {
                if (mode == 0)
                        return 0;
                fd = guest_open(pid, path, O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY, 0);
        }
        if (fd < 0)
                return fd;
        if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
                return -EBADFD;
        rw = reopen(fd, O_RDONLY);
        if (rw < 0)
                return rw;
        snprintf(proc, sizeof proc, "/proc/%d", (int) pid);
        if (stat(proc, &owner) >= 0)
                (void) fchown(rw, owner.st_uid, owner.st_gid);
        return RET_NERRNO(fchmod(rw, mode));
}

/* Whether one of pid's children runs path (as its argv[0] or as the script of its interpreter). */
static bool child_runs(pid_t pid, const char *path) {
        _cleanup_free_ char *children = NULL;
        char p[64];

        snprintf(p, sizeof p, "/proc/%d/task/%d/children", (int) pid, (int) pid);
        if (read_one_line(p, &children) < 0)
                return false;
        for (char *tok = strtok(children, " "); tok; tok = strtok(NULL, " ")) {
                _cleanup_free_ char *cmdline = NULL;
                size_t n = 0;

                snprintf(p, sizeof p, "/proc/%s/cmdline", tok);
                if (read_full_file(p, &cmdline, &n) < 0)
                        continue;
                for (size_t k = 0; k < n; k += strlen(cmdline + k) + 1)
                        if (streq(cmdline + k, path))
                                return true;
        }
        return false;
}

/* runit: stage 3 (/etc/runit/3, the shutdown) starts when PID 1 gets SIGCONT while its stopit file
 * is executable; it then powers off, or reboots if its reboot file is executable too. Debian's
 * runit names them /run/runit.stopit and /run/runit.reboot, upstream /etc/runit/stopit and
 * /etc/runit/reboot (often links to /run). runit ignores the request outside stage 2, and Debian's
 * stage 1 makes both files anew: so it is sent again until stage 3 runs. */
static int runit_request(Stop *st, StopKind k) {
        _cleanup_close_ int upstream = guest_open(st->pid, "/etc/runit/stopit", O_PATH | O_NOFOLLOW, 0);
        const char *stopit = upstream >= 0 ? "/etc/runit/stopit" : "/run/runit.stopit";
        const char *reboot = upstream >= 0 ? "/etc/runit/reboot" : "/run/runit.reboot";
        int r;

        if (child_runs(st->pid, "/etc/runit/3"))
                return 1;
        r = guest_set_mode(st->pid, reboot, k == STOP_REBOOT ? 0100 : 0);
        if (r >= 0)
                r = guest_set_mode(st->pid, stopit, 0100);
        if (r < 0 && !st->warned)
                log_warning_errno(r, "Cannot ask runit to stop through %s yet: %m", stopit);
        st->warned = st->warned || r < 0;
        if (r >= 0 && catches(st->pid, SIGCONT) && kill(st->pid, SIGCONT) < 0)
                return log_warning_errno(errno, "Failed to send SIGCONT to the guest's runit: %m");
        return 0;
}

static int send_signal(Stop *st, StopKind k) {
        int sig = st->plan->signals[k];
        char buf[16];

        if (!catches(st->pid, sig)) {
                log_debug("The guest's init has no handler for %s yet, waiting", signal_to_string(sig, buf));
                return 0;
        }
        if (kill(st->pid, sig) < 0)
                return log_warning_errno(errno, "Failed to send %s to the guest's init: %m", signal_to_string(sig, buf));
        return 1;
}

/* An lxc.signal.halt/reboot given replaces the init's own protocol. */
static int attempt(Stop *st) {
        if (st->plan->signals[st->pending] > 0)
                return send_signal(st, st->pending);
        return init_ops[st->plan->init].request(st, st->pending);
}

static int on_retry(EventSource *s, uint64_t usec, void *userdata) {
        Stop *st = userdata;

        if (attempt(st) == 0)
                return event_source_set_time_relative(s, RETRY_USEC) < 0 ? 0 :
                       event_source_set_enabled(s, EVENT_ONESHOT);
        return event_source_set_enabled(s, EVENT_OFF);
}

/* The PID of a process in the innermost PID namespace it is in: the last of its NSpid line. */
static unsigned guest_pid(const char *pid) {
        _cleanup_free_ char *text = NULL;
        char path[300];
        const char *p, *last;
        unsigned r = 0;

        snprintf(path, sizeof path, "/proc/%s/status", pid);
        if (read_full_file(path, &text, NULL) < 0 || !(p = strstr(text, "\nNSpid:")))
                return 0;
        p += strlen("\nNSpid:");
        last = p;
        for (const char *q = p; *q && *q != '\n'; q++)
                if (*q == ' ' || *q == '\t')
                        last = q + 1;
        return sscanf(last, "%u", &r) == 1 ? r : 0;
}

/* "runit (1), sh (23), sleep (24)": the guest's processes (those in the PID namespace of its PID 1),
 * with their PIDs there. */
static void still_running(pid_t leader, char *buf, size_t size) {
        _cleanup_(closedirp) DIR *d = opendir("/proc");
        struct stat ns, other;
        char path[300];
        struct dirent *de;
        unsigned n = 0;
        size_t len = 0;

        buf[0] = 0;
        snprintf(path, sizeof path, "/proc/%d/ns/pid", (int) leader);
        if (!d || stat(path, &ns) < 0)
                return;
        while ((de = readdir(d))) {
                _cleanup_free_ char *comm = NULL;
                unsigned pid;

                if (safe_atou(de->d_name, &pid) < 0)
                        continue;
                snprintf(path, sizeof path, "/proc/%s/ns/pid", de->d_name);
                if (stat(path, &other) < 0 || other.st_ino != ns.st_ino || other.st_dev != ns.st_dev)
                        continue;
                snprintf(path, sizeof path, "/proc/%s/comm", de->d_name);
                if (n++ < NAMES_MAX && read_one_line(path, &comm) >= 0 && len < size)
                        len += (size_t) snprintf(buf + len, size - len, "%s%s (%u)", len ? ", " : "", comm,
                                                 guest_pid(de->d_name));
        }
        if (n > NAMES_MAX && len < size)
                snprintf(buf + len, size - len, " and %u more", n - NAMES_MAX);
}

static int on_timeout(EventSource *s, uint64_t usec, void *userdata) {
        Stop *st = userdata;
        char names[512];

        still_running(st->pid, names, sizeof names);
        log_warning("The guest's %s did not %s within %u s; killing it. Still running: %s", stop_plan_name(st->plan),
                    st->pending == STOP_REBOOT ? "reboot" : "power off", st->plan->timeout_sec,
                    *names ? names : "(nothing found)");
        stop_force(st);
        return 0;
}

int stop_new(Event *e, const StopPlan *plan, pid_t pid, Stop **ret) {
        Stop *st = calloc(1, sizeof(Stop));

        if (!st)
                return log_oom();
        *st = (Stop) { .event = event_ref(e), .plan = plan, .pid = pid };
        *ret = st;
        return 0;
}

Stop *stop_free(Stop *st) {
        if (!st)
                return NULL;
        event_source_disable_unref(st->retry);
        event_source_disable_unref(st->timeout);
        event_unref(st->event);
        free(st);
        return NULL;
}

bool stop_requested(const Stop *st) {
        return st && st->requested;
}

int stop_request(Stop *st, StopKind k) {
        char buf[16];
        int r;

        if (!st->plan->clean)
                return -EOPNOTSUPP;
        if (st->requested)
                return -EALREADY;
        st->requested = true;
        st->pending = k;
        if (st->plan->signals[k] > 0)
                log_info("Sending %s to the guest's %s to %s; send SIGTERM again to kill it",
                         signal_to_string(st->plan->signals[k], buf), stop_plan_name(st->plan),
                         k == STOP_REBOOT ? "reboot it" : "power it off");
        else
                log_info("Asking the guest's %s to %s; send SIGTERM again to kill it", stop_plan_name(st->plan),
                         k == STOP_REBOOT ? "reboot" : "power off");
        if (st->plan->timeout_sec > 0) {
                r = event_add_time_relative(st->event, &st->timeout, CLOCK_MONOTONIC,
                                               (uint64_t) st->plan->timeout_sec * 1000000, 0, on_timeout, st);
                if (r < 0)
                        return log_error_errno(r, "Failed to arm the stop timeout: %m");
        }
        r = attempt(st);
        if (r != 0)
                return r < 0 ? r : 0;
        r = event_add_time_relative(st->event, &st->retry, CLOCK_MONOTONIC, RETRY_USEC, 0, on_retry, st);
        return r < 0 ? log_error_errno(r, "Failed to arm a timer: %m") : 0;
}

void stop_force(Stop *st) {
        char buf[16];

        st->requested = true;
        st->retry = event_source_disable_unref(st->retry);
        st->timeout = event_source_disable_unref(st->timeout);
        if (kill(st->pid, st->plan->force_signal) < 0 && errno != ESRCH)
                log_warning_errno(errno, "Failed to send %s to the guest, ignoring: %m",
                                  signal_to_string(st->plan->force_signal, buf));
}
