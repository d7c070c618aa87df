/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <sys/reboot.h>
#include <sys/wait.h>

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

int stub_pid1_run(const char *path, char **argv, char **envp) {
        bool reboot_asked = false;
        sigset_t all;
        pid_t payload;

        sigfillset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        payload = fork();
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
