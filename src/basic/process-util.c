/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/process-util.h"

bool stop_signal_pending(void) {
        sigset_t pending;

        return sigpending(&pending) >= 0 && (sigismember(&pending, SIGTERM) > 0 || sigismember(&pending, SIGINT) > 0);
}

int wait_child_or_stop(pid_t pid, int *ret_status) {
        _cleanup_close_ int pfd = (int) syscall(SYS_pidfd_open, pid, 0);

        for (;;) {
                pid_t w = waitpid(pid, ret_status, WNOHANG);

                if (w == pid)
                        return 0;
                if (w < 0 && errno != EINTR)
                        return -errno;
                if (stop_signal_pending()) {
                        (void) kill(-pid, SIGKILL);
                        (void) kill(pid, SIGKILL);
                        while (waitpid(pid, ret_status, 0) < 0 && errno == EINTR)
                                ;
                        return -EINTR;
                }
                /* The pidfd wakes us at the child's exit; the timeout only bounds the wait for a signal. */
                if (pfd >= 0)
                        (void) poll(&(struct pollfd) { .fd = pfd, .events = POLLIN }, 1, 100);
                else
                        (void) poll(NULL, 0, 10);
        }
}
