/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "basic/parse-util.h"
#include "create.h"
#include "log.h"

#define TAIL_LINES 25

struct Progress {
        char *machine;
        bool tty;
        unsigned step;
        char phase[32];         /* the debootstrap verb being counted ("Retrieving") */
        unsigned count;
        char *tail[TAIL_LINES]; /* the command's last lines, for a failure */
        unsigned n_lines;
};

int progress_new(const char *machine, bool tty, Progress **ret) {
        Progress *p = calloc(1, sizeof *p);

        if (!p || !(p->machine = strdup(machine))) {
                free(p);
                return log_oom();
        }
        p->tty = tty;
        *ret = p;
        return 0;
}

Progress *progress_free(Progress *p) {
        if (!p)
                return NULL;
        for (unsigned i = 0; i < TAIL_LINES; i++)
                free(p->tail[i]);
        free(p->machine);
        free(p);
        return NULL;
}

static void clear_line(Progress *p) {
        if (p->tty)
                fputs("\r\033[K", stderr);
}

void progress_step(Progress *p, const char *format, ...) {
        va_list ap;

        p->step++;
        p->phase[0] = 0;
        if (!p->tty)
                return;
        clear_line(p);
        fprintf(stderr, "[%u] ", p->step);
        va_start(ap, format);
        vfprintf(stderr, format, ap);
        va_end(ap);
        fputc('\n', stderr);
}

/* debootstrap says "I: Retrieving libc6 2.36-9", "I: Unpacking dpkg...": one line per package
 * and phase, which gives the counts. */
static void follow_line(Progress *p, const char *line) {
        static const char *const verbs[] = { "Retrieving", "Validating", "Extracting", "Unpacking", "Configuring" };
        const char *rest = startswith(line, "I: ");
        char verb[32], what[64];

        free(p->tail[p->n_lines % TAIL_LINES]);
        p->tail[p->n_lines++ % TAIL_LINES] = strdup(line);
        if (!p->tty || !rest || sscanf(rest, "%31s %63[^. ]", verb, what) != 2)
                return;
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verb, verbs[i])) {
                        if (!streq(p->phase, verb)) {
                                strcpy(p->phase, verb);
                                p->count = 0;
                        }
                        p->count++;
                        clear_line(p);
                        fprintf(stderr, "    %s packages: %u (%s)", verb, p->count, what);
                        return;
                }
}

static const int interrupts[] = { SIGINT, SIGTERM, SIGHUP };

static void interrupts_set(sigset_t *ret) {
        sigemptyset(ret);
        for (size_t i = 0; i < ELEMENTSOF(interrupts); i++)
                sigaddset(ret, interrupts[i]);
}

/* Waits for output or, when the caller holds the interrupts (progress_interrupts_block()), for
 * one of them: then the tool is stopped, so that the caller's cleanup need not wait for a long
 * copy or archive to end (SIGTERM reaches us alone, not the tool as Ctrl-C does). The signal
 * stays pending for progress_interrupted(). */
static void wait_output(int fd, int sig_fd, pid_t pid, bool *stopped) {
        struct pollfd fds[2] = { { .fd = fd, .events = POLLIN }, { .fd = sig_fd, .events = POLLIN } };

        if (*stopped || sig_fd < 0)
                return;
        while (poll(fds, 2, -1) < 0)
                if (errno != EINTR)
                        return;
        if (fds[1].revents & POLLIN) {
                (void) kill(pid, SIGTERM);
                *stopped = true;
        }
}

static void follow_output(Progress *p, FILE *f, pid_t pid) {
        _cleanup_close_ int sig_fd = -EBADF;
        char line[4096];
        bool stopped = false;
        sigset_t set, blocked;

        interrupts_set(&set);
        if (sigprocmask(SIG_BLOCK, NULL, &blocked) >= 0 && sigismember(&blocked, SIGTERM) == 1)
                sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
        /* Unbuffered: poll() then sees all there is to read. */
        if (sig_fd >= 0)
                setvbuf(f, NULL, _IONBF, 0);
        for (;;) {
                wait_output(fileno(f), sig_fd, pid, &stopped);
                if (!fgets(line, sizeof line, f))
                        break;
                line[strcspn(line, "\r\n")] = 0;
                follow_line(p, line);
        }
        clear_line(p);
}

int progress_run(Progress *p, const char *const *argv) {
        return progress_run_at(p, -EBADF, argv);
}

int progress_run_at(Progress *p, int dir_fd, const char *const *argv) {
        _cleanup_close_pair_ int pipefd[2] = { -EBADF, -EBADF };
        _cleanup_(fclosep) FILE *f = NULL;
        siginfo_t si = {};
        pid_t pid, parent = getpid();

        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return log_error_errno(errno, "Failed to create a pipe: %m");
        pid = fork();
        if (pid < 0)
                return log_error_errno(errno, "Failed to fork: %m");
        if (pid == 0) {
                int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
                sigset_t none;

                /* The tool stops on Ctrl-C even while we hold the signal until we cleaned up; and
                 * when we are killed, which leaves it writing into what the next run removes, no
                 * longer under the machine's lock: SIGTERM, for it to clean up its own. */
                sigemptyset(&none);
                if (null < 0 || sigprocmask(SIG_SETMASK, &none, NULL) < 0 || prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 ||
                    getppid() != parent || dup2(null, STDIN_FILENO) < 0 || dup2(pipefd[1], STDOUT_FILENO) < 0 ||
                    dup2(pipefd[1], STDERR_FILENO) < 0 || (dir_fd >= 0 && fchdir(dir_fd) < 0))
                        _exit(127);
                execvp(argv[0], (char *const *) argv);
                fprintf(stderr, "Failed to execute %s: %m\n", argv[0]);
                _exit(127);
        }
        pipefd[1] = safe_close(pipefd[1]);
        f = fdopen(TAKE_FD(pipefd[0]), "r");
        if (f)
                follow_output(p, f, pid);
        while (waitid(P_PID, pid, &si, WEXITED) < 0)
                if (errno != EINTR)
                        return log_error_errno(errno, "Failed to wait for %s: %m", argv[0]);
        if (si.si_code == CLD_EXITED && si.si_status == 0)
                return 0;
        for (unsigned i = p->n_lines > TAIL_LINES ? p->n_lines - TAIL_LINES : 0; i < p->n_lines; i++)
                fprintf(stderr, "  %s\n", strempty(p->tail[i % TAIL_LINES]));
        if (si.si_code == CLD_EXITED)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "%s failed with exit status %d", argv[0], si.si_status);
        return log_error_errno(SYNTHETIC_ERRNO(EIO), "%s was killed by signal %d", argv[0], si.si_status);
}

void progress_done(Progress *p, const char *tree) {
        if (p->tty)
                fprintf(stderr, "Created machine '%s' in %s; start it with: nsboot -M %s\n", p->machine, tree,
                        p->machine);
}

void progress_fail(Progress *p) {
        clear_line(p);
}

/* Blocked here (the build tool, which Ctrl-C reaches too, runs without), looked at between the
 * steps, and delivered when the caller restores the mask: after it removed what it half made. */
void progress_interrupts_block(sigset_t *ret_old) {
        sigset_t set;

        interrupts_set(&set);
        (void) sigprocmask(SIG_BLOCK, &set, ret_old);
}

int progress_interrupted(const char *what) {
        sigset_t pending;

        if (sigpending(&pending) < 0)
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(interrupts); i++)
                if (sigismember(&pending, interrupts[i]) == 1)
                        return log_error_errno(SYNTHETIC_ERRNO(EINTR), "Interrupted by %s, removing %s",
                                               signal_to_string(interrupts[i], (char[16]) {}), what);
        return 0;
}
