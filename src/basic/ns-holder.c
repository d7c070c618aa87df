/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns-holder.h"

/* One holder at a time per process (each caller stops it before it returns). The holder runs on
 * this stack and makes raw system calls only: it shares the caller's memory, TLS included. */
static char holder_stack[16384] __attribute__((aligned(64)));

static int holder(void *parent) {
        (void) syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        /* The parent may have died before the line above: then nobody would stop us. */
        if (syscall(SYS_getppid) != (long) (pid_t) (intptr_t) parent)
                syscall(SYS_exit_group, 0);
        for (;;)
                (void) syscall(SYS_ppoll, NULL, 0, NULL, NULL, 0);
        return 0;
}

pid_t ns_holder_start(unsigned long flags) {
        pid_t pid = clone(holder, holder_stack + sizeof holder_stack, CLONE_VM | CLONE_FILES | flags | SIGCHLD,
                          (void *) (intptr_t) getpid());

        return pid < 0 ? -errno : pid;
}

void ns_holder_stop(pid_t pid) {
        if (pid <= 0)
                return;
        (void) kill(pid, SIGKILL);
        while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
                ;
}
