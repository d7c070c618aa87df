/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The control socket of a running machine, /run/nsboot/control/NAME.sock (AF_UNIX, SOCK_SEQPACKET,
 * root only), served by the parent stage's event loop: nsbootctl stop, reboot, kill, set-limit,
 * freeze and thaw send one request each ("stop", "reboot", "kill SIGNUM", "limit FILE=VALUE",
 * "freeze", "thaw") and get "ok" or "error ERRNO"; nsbootctl console keeps its connection to relay
 * the guest's console (console-attach.h). Also the client. */
#pragma once

#include <sys/ioctl.h>
#include <sys/types.h>

#include <stdint.h>

#include "event-loop.h"

#include "basic/macro.h"
#include "console-ring.h"

typedef struct ControlOps {
        int (*stop)(void *userdata);
        int (*reboot)(void *userdata);
        int (*kill)(void *userdata, int sig);
        /* "FILE=VALUE" (as nsboot.cgroup takes it) into the machine's cgroup, now. */
        int (*set_limit)(void *userdata, const char *assignment);
        /* nsbootctl freeze/thaw: 1 when the guest changed state, 0 when it was so already. */
        int (*freeze)(void *userdata, bool freeze);
        /* The console's in-memory ring (lxc.console.buffer.size), or NULL. */
        ConsoleRing *(*console_ring)(void *userdata);
        /* nsbootctl console from pid: takes the connection fd on success (console_attach()). */
        int (*console_attach)(void *userdata, int fd, pid_t pid, const struct winsize *ws,
                              pid_t *ret_holder);
} ControlOps;

typedef struct Control Control;

/* Binds the socket of machine and serves it on e. Logs. */
int control_new(Event *e, const char *machine, const ControlOps *ops, void *userdata, Control **ret);
/* Stops serving and removes the socket. */
Control *control_free(Control *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Control *, control_free);

/* Removes the control sockets nobody serves any more (after a SIGKILL). Logs at debug level. */
void control_repair(void);

/* The signal that asks an init of kind ("systemd", "busybox", "other": see state.h) to reboot:
 * SIGINT (ctrl-alt-del: systemd's reboot, sysvinit's usual inittab entry), busybox init's SIGTERM. */
int control_reboot_signal(const char *kind);

/* Client: sends request to the socket at path and returns the server's answer (0 or -errno), or
 * -errno of the connection itself. Non-logging. */
int control_request(const char *path, const char *request);
/* The same, waiting at most timeout_usec for the connection and the answer. */
#define CONTROL_TIMEOUT_USEC (10 * UINT64_C(1000000))
int control_request_timeout(const char *path, const char *request, uint64_t timeout_usec);

/* "console ROWS COLS": the connection to relay the guest's console on (console-attach.h), or -errno;
 * -EBUSY and the PID of the client attached in *ret_holder (0 if unknown). Non-logging. */
int control_console_open(const char *path, const struct winsize *ws, pid_t *ret_holder);

/* "console-log" / "console-log clear": the ring's contents, written to out_fd as it arrives. */
int control_console_log(const char *path, bool clear, int out_fd);
