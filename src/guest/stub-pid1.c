/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stub-pid1.h"

static bool is_stop_signal(int sig) {
        /* What systemd, sysvinit and LXC send to ask an init to halt, power off or reboot. */
        return sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGPWR || sig == SIGRTMIN + 3 ||
               sig == SIGRTMIN + 4 || sig == SIGRTMIN + 5 || sig == SIGRTMIN + 6;
}

/* Of those, the ones that ask for a reboot (as systemd's and nspawn's stub take them). */
static bool is_reboot_signal(int sig) {
        return sig == SIGINT || sig == SIGRTMIN + 5 || sig == SIGRTMIN + 6;
}

static int exit_code(int status) {
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The payload is PID 2, as under systemd-nspawn's stub, although the mount lock's helper
 * (mount-lock.c) took that PID before and the kernel hands out PIDs in order: clone3() with
 * set_tid asks for 2 again. Where that is refused (no capability, an old kernel), fork(). */
static pid_t fork_as_pid2(void) {
        pid_t tid = 2;
        struct clone_args args = {
                .exit_signal = SIGCHLD,
                .set_tid = (uint64_t) (uintptr_t) &tid,
                .set_tid_size = 1,
        };
        long r = syscall(__NR_clone3, &args, sizeof args);

        if (r >= 0)
                return (pid_t) r;
        return fork();
}

int stub_pid1_run(const char *path, char **argv, char **envp) {
        bool reboot_asked = false;
        sigset_t all;
        pid_t payload;

        sigfillset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        payload = fork_as_pid2();
        if (payload < 0)
                return -errno;
        if (payload == 0) {
                sigset_t none;

                sigemptyset(&none);
                sigprocmask(SIG_SETMASK, &none, NULL);
                execve(path, argv, envp);
                _exit(errno == ENOENT ? 127 : 126);
        }
        /* The parent learns from EOF on the (close-on-exec) sync socket that setup is over. */
        close_range(3, ~0U, 0);
        for (;;) {
                siginfo_t si;
                int sig = sigwaitinfo(&all, &si);

                if (sig == SIGCHLD) {
                        int status;
                        pid_t p;

                        while ((p = waitpid(-1, &status, WNOHANG)) > 0)
                                if (p == payload) {
                                        /* The PID namespace's init rebooting: nsboot starts the guest
                                         * again. Should the kernel refuse, the exit status counts. */
                                        if (reboot_asked)
                                                (void) reboot(RB_AUTOBOOT);
                                        _exit(exit_code(status));
                                }
                } else if (sig > 0 && is_stop_signal(sig)) {
                        reboot_asked = is_reboot_signal(sig);
                        (void) kill(payload, SIGTERM);
                }
        }
}
