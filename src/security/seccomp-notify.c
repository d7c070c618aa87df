/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "basic/macro.h"
#include "log.h"
#include "seccomp-notify.h"

#if defined(__x86_64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

int seccomp_notify_install(int *ret_fd) {
#ifdef NATIVE_AUDIT_ARCH
        /* sysinfo of the native ABI goes to the listener, everything else is left to the other
         * filters (compat ABIs then see the host's figures) */
        struct sock_filter code[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_AUDIT_ARCH, 0, 3),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sysinfo, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = { .len = ELEMENTSOF(code), .filter = code };
        int fd;

        fd = (int) syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
        if (fd < 0) {
                /* Linux < 5.0, or a filter with a listener already in place */
                log_debug_errno(errno, "No seccomp listener for sysinfo(), the guest sees the host's: %m");
                *ret_fd = -EBADF;
                return 0;
        }
        *ret_fd = fd;
        return 0;
#else
        *ret_fd = -EBADF;
        return 0;
#endif
}

typedef struct Listener {
        SeccompSysinfoFill fill;
        void *userdata;
} Listener;

/* Answers one notification: the figures written into the caller's buffer, then 0 as the result;
 * EFAULT when the buffer cannot be written, as the kernel would say. */
static int on_notify(EventSource *s, int fd, uint32_t revents, void *userdata) {
        Listener *l = userdata;
        struct seccomp_notif req = {};
        struct seccomp_notif_resp resp = {};
        struct sysinfo info = {};

        if (revents & (EPOLLHUP | EPOLLERR))
                return event_source_set_enabled(s, EVENT_OFF); /* the guest is gone */
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
                return 0; /* ENOENT: the caller went away meanwhile */
        resp.id = req.id;
        resp.error = -EFAULT;
        if (req.data.nr == __NR_sysinfo && l->fill(l->userdata, (pid_t) req.pid, &info) >= 0 &&
            /* still the same call of the same process, so the address means what it meant */
            ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) >= 0) {
                struct iovec local = { &info, sizeof info };
                struct iovec remote = { (void *) (uintptr_t) req.data.args[0], sizeof info };

                if (process_vm_writev((pid_t) req.pid, &local, 1, &remote, 1, 0) == (ssize_t) sizeof info)
                        resp.error = 0;
        }
        (void) ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
        return 0;
}

static void listener_free(void *userdata) {
        free(userdata);
}

int seccomp_notify_attach(Event *e, int fd, SeccompSysinfoFill fill, void *userdata, EventSource **ret) {
        _cleanup_close_ int owned = fd;
        _cleanup_free_ Listener *l = malloc(sizeof *l);
        int r;

        if (!l)
                return log_oom();
        *l = (Listener) { .fill = fill, .userdata = userdata };
        r = event_add_io(e, ret, owned, EPOLLIN, on_notify, l);
        if (r < 0)
                return log_error_errno(r, "Failed to serve sysinfo() for the guest: %m");
        (void) event_source_set_io_fd_own(*ret, true);
        TAKE_FD(owned);
        (void) event_source_set_destroy_callback(*ret, listener_free);
        TAKE_PTR(l);
        return 0;
}
