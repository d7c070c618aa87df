/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl start and autostart: boot machines in the background, as lxc-start, vzctl start and
 * machinectl start do, and those with lxc.start.auto as lxc-autostart. On a host that systemd
 * runs, through the unit nsboot@NAME.service (its journal, its restarts); elsewhere nsboot runs in
 * a session of its own, its messages appended to /var/log/nsboot/NAME.log. Either way nsbootctl
 * returns once the guest's init runs, or says why it did not. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "autostart.h"
#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/strv.h"
#include "ctl.h"
#include "log.h"
#include "rename-journal.h"
#include "settings.h"

#define START_LOG_DIR "/var/log/nsboot"

/* The nsboot beside this nsbootctl (the build directory, or bindir), else the one in $PATH. */
static char *nsboot_binary(void) {
        _cleanup_free_ char *self = NULL;
        char *dir, *p;

        if (readlink_malloc("/proc/self/exe", &self) >= 0 && (dir = strrchr(self, '/'))) {
                *dir = 0;
                if (asprintf(&p, "%s/nsboot", self) >= 0) {
                        if (access(p, X_OK) >= 0)
                                return p;
                        free(p);
                }
        }
        return strdup("nsboot");
}

typedef enum StartVia {
        START_DIRECT,           /* no systemd: nsboot in a session of its own */
        START_UNIT,             /* nsboot@NAME.service */
        START_TRANSIENT,        /* systemd without that unit (nsboot not installed): systemd-run */
} StartVia;

bool ctl_systemd_running(void) {
        struct stat st;

        return lstat("/run/systemd/system", &st) >= 0 && S_ISDIR(st.st_mode);
}

static StartVia host_start_via(void) {
        if (!ctl_systemd_running())
                return START_DIRECT;
        return access("/etc/systemd/system/nsboot@.service", F_OK) >= 0 ||
                               access("/usr/lib/systemd/system/nsboot@.service", F_OK) >= 0 ||
                               access("/lib/systemd/system/nsboot@.service", F_OK) >= 0 ||
                               access("/usr/local/lib/systemd/system/nsboot@.service", F_OK) >= 0
                       ? START_UNIT
                       : START_TRANSIENT;
}

int ctl_run_wait(char *const argv[]) {
        pid_t pid = fork();
        int status;

        if (pid < 0)
                return log_error_errno(errno, "Failed to fork: %m");
        if (pid == 0) {
                execvp(argv[0], argv);
                log_error_errno(errno, "Failed to run %s: %m", argv[0]);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return log_error_errno(errno, "Failed to wait for %s: %m", argv[0]);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int start_unit(const char *name) {
        _cleanup_free_ char *unit = NULL;
        int r;

        if (asprintf(&unit, "nsboot@%s.service", name) < 0)
                return log_oom();
        r = ctl_run_wait((char *[]) { (char *) "systemctl", (char *) "start", unit, NULL });
        if (r < 0)
                return r;
        if (r != 0)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Machine '%s' did not start: systemctl start %s "
                                       "failed; 'journalctl -u %s' says why", name, unit, unit);
        return 0;
}

/* A transient service with what nsboot@.service has (see there), so that the machine is systemd's
 * as under the unit (its journal, its cgroup, machined's scope), not part of the caller's session:
 * systemd-run returns once nsboot said READY=1 (the guest's init runs), or says why not. */
static int start_transient(const char *name, const char *config) {
        _cleanup_free_ char *nsboot = nsboot_binary(), *unit = NULL, *config_arg = NULL;
        int r;

        if (!nsboot || asprintf(&unit, "nsboot-%s", name) < 0 ||
            (config && asprintf(&config_arg, "--config=%s", config) < 0))
                return log_oom();
        r = ctl_run_wait((char *[]) {
                (char *) "systemd-run", (char *) "--quiet", (char *) "--collect", (char *) "--unit", unit,
                (char *) "--service-type=notify", (char *) "--slice=machine.slice",
                (char *) "--property=KillMode=mixed", (char *) "--property=Delegate=yes",
                (char *) "--property=TasksMax=16384", (char *) "--property=TimeoutStartSec=5min",
                (char *) "--property=DevicePolicy=closed", (char *) "--property=DeviceAllow=/dev/net/tun rwm",
                (char *) "--property=DeviceAllow=char-pts rw", (char *) "--property=SuccessExitStatus=133",
                (char *) "--property=RestartForceExitStatus=133", (char *) "--", nsboot, (char *) "--quiet",
                (char *) "--keep-unit", (char *) "--boot", (char *) "--notify-ready=yes", (char *) "--machine", (char *) name,
                config_arg, NULL });
        if (r < 0)
                return r;
        if (r != 0)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Machine '%s' did not start: systemd-run --unit=%s failed; "
                                       "'journalctl -u %s' says why", name, unit, unit);
        return 0;
}

/* The child: a session of its own, no terminal, stdout and stderr appended to the log, and none of
 * the caller's other descriptors (a pipe a script reads to its end would stay open for as long as
 * the machine runs). The guest's console is passive: what the guest writes there may not fill the
 * host's /var/log; the machine's own console log (lxc.console.logfile, with its size limit) or
 * buffer (nsbootctl console-log) keeps it. */
_noreturn_ static void exec_nsboot(const char *nsboot, const char *name, const char *config, int log_fd) {
        _cleanup_free_ char *config_arg = NULL;
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        sigset_t none;

        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (null < 0 || setsid() < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 ||
            dup2(log_fd, STDERR_FILENO) < 0)
                _exit(127);
        (void) close_range(3, ~0U, 0);
        if (config && asprintf(&config_arg, "--config=%s", config) < 0)
                _exit(127);
        execl(nsboot, "nsboot", "--boot", "--console=passive", "-M", name, config_arg, NULL);
        dprintf(STDERR_FILENO, "nsbootctl: failed to run %s: %m\n", nsboot);
        _exit(127);
}

/* What nsboot wrote to the log since offset, on stderr: why it did not start. */
static void show_log_since(const char *path, off_t offset) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        char buf[4096];
        ssize_t n;

        if (fd < 0 || lseek(fd, offset, SEEK_SET) < 0)
                return;
        while ((n = read(fd, buf, sizeof buf)) > 0)
                (void) loop_write(STDERR_FILENO, buf, (size_t) n);
}

static int start_direct(const CtlArgs *a, const char *name, const char *config) {
        _cleanup_free_ char *nsboot = nsboot_binary(), *path = NULL;
        _cleanup_close_ int log_fd = -EBADF;
        struct stat st;
        char stamp[64];
        time_t now = time(NULL);
        pid_t pid;
        int r, status;

        if (!nsboot || asprintf(&path, START_LOG_DIR "/%s.log", name) < 0)
                return log_oom();
        r = mkdir_p(START_LOG_DIR, 0750);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", START_LOG_DIR);
        log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0640);
        if (log_fd < 0 || fstat(log_fd, &st) < 0)
                return log_error_errno(errno, "Failed to open %s: %m", path);
        if (!S_ISREG(st.st_mode))
                return log_error_errno(SYNTHETIC_ERRNO(EBADFD), "%s is not a regular file", path);
        strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S %z", localtime(&now));
        dprintf(log_fd, "-- nsbootctl start %s at %s --\n", name, stamp);
        pid = fork();
        if (pid < 0)
                return log_error_errno(errno, "Failed to fork: %m");
        if (pid == 0)
                exec_nsboot(nsboot, name, config, log_fd);
        /* Until the guest's init runs (its state file names this nsboot), or nsboot gives up. */
        for (uint64_t i = 0; i < (uint64_t) a->timeout_sec * 10; i++) {
                MachineState m;
                bool ours;

                if (waitpid(pid, &status, WNOHANG) == pid) {
                        show_log_since(path, st.st_size);
                        return log_error_errno(SYNTHETIC_ERRNO(EIO), "Machine '%s' did not start (nsboot exited with "
                                               "status %d); its output is in %s", name,
                                               WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                                               path);
                }
                if (machine_state_read(name, &m) >= 0) {
                        ours = m.supervisor == pid;
                        machine_state_done(&m);
                        if (ours) {
                                if (!a->quiet)
                                        printf("Machine '%s' started (nsboot PID %d, output in %s).\n", name,
                                               (int) pid, path);
                                return 0;
                        }
                }
                (void) nanosleep(&(struct timespec) { .tv_nsec = 100 * 1000 * 1000 }, NULL);
        }
        return log_error_errno(SYNTHETIC_ERRNO(ETIMEDOUT), "Machine '%s' is still starting after %u s (nsboot PID "
                               "%d goes on; its output is in %s)", name, a->timeout_sec, (int) pid, path);
}

/* One machine, unless it runs; config: the file to use (nsbootctl autostart), else nsboot finds it.
 * 1 when it ran already. */
static int start_one(const CtlArgs *a, const char *name, const char *config, StartVia via) {
        MachineState m;

        if (!machine_name_is_valid(name))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "'%s' is not a valid machine name", name);
        if (machine_state_read(name, &m) >= 0) {
                bool live = machine_state_is_live(&m);

                machine_state_done(&m);
                if (live)
                        return 1;
        }
        switch (via) {
        case START_UNIT:
                return start_unit(name);
        case START_TRANSIENT:
                return start_transient(name, config);
        default:
                return start_direct(a, name, config);
        }
}

int verb_start(const CtlArgs *a) {
        StartVia via = host_start_via();
        int ret = 0;

        for (char **name = a->args + 1; *name; name++) {
                int r;

                rename_journal_repair(*name);
                r = start_one(a, *name, NULL, via);

                if (r > 0)
                        r = log_error_errno(SYNTHETIC_ERRNO(EBUSY), "Machine '%s' is running already", *name);
                if (r < 0)
                        ret = r;
        }
        return ret;
}

/* lxc-autostart: the machines with lxc.start.auto, in lxc.start.order, each lxc.start.delay apart;
 * one that runs already is left as it is, one that fails does not stop the others. */
int verb_autostart(const CtlArgs *a) {
        StartVia via = host_start_via();
        AutostartMachine *m = NULL;
        size_t n = 0;
        int r, ret = 0;

        r = autostart_list(&m, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                r = start_one(a, m[i].name, m[i].config, via);
                if (r > 0 && !a->quiet)
                        printf("Machine '%s' is running already.\n", m[i].name);
                if (r < 0)
                        ret = r;
                if (r == 0 && m[i].delay > 0 && i + 1 < n)
                        (void) nanosleep(&(struct timespec) { .tv_sec = m[i].delay }, NULL);
        }
        if (n == 0 && !a->quiet)
                printf("No machine has lxc.start.auto (nsboot.start-auto) set.\n");
        autostart_free(m, n);
        return ret;
}
