/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* `nsbootctl console NAME`: a client attached to the guest's console through the control socket.
 * The supervisor's side (parent stage, owned by the Console) relays between the connection and the
 * pty master it keeps reading for stdout and the log; the client's side is the detach key filter.
 *
 * After the request "console ROWS COLS" and the answer "ok", each packet of the connection is one
 * message: the client sends 'd' + up to CONSOLE_ATTACH_INPUT_MAX bytes typed, or "w ROWS COLS" for
 * its new window size; the supervisor sends 'd' + what the guest wrote. Either side detaches by
 * closing the connection. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#include "event-loop.h"

#define CONSOLE_ATTACH_INPUT_MAX 1024
#define CONSOLE_ATTACH_DETACH_KEY 'q'   /* after Ctrl-] */

typedef struct ConsoleAttach ConsoleAttach;

typedef struct ConsoleAttachOps {
        /* What the client typed; never more than CONSOLE_ATTACH_INPUT_MAX bytes at once, and only
         * while input is enabled (console_attach_input_enable()). */
        void (*input)(void *userdata, const char *buf, size_t n);
        void (*resize)(void *userdata, const struct winsize *ws);
        /* The client detached or its connection failed: the owner frees the ConsoleAttach now. */
        void (*gone)(void *userdata);
} ConsoleAttachOps;

/* Serves the connected control socket fd of the client pid; takes ownership of fd on success. Logs. */
int console_attach_new(Event *e, int fd, pid_t pid, const ConsoleAttachOps *ops, void *userdata,
                       ConsoleAttach **ret);
ConsoleAttach *console_attach_free(ConsoleAttach *a);
DEFINE_TRIVIAL_CLEANUP_FUNC(ConsoleAttach *, console_attach_free);

pid_t console_attach_pid(const ConsoleAttach *a);
/* Queues what the guest wrote for the client; never blocks. A client that stops reading loses what
 * does not fit in 64 KiB (the guest, stdout and the log never wait for it). */
void console_attach_write(ConsoleAttach *a, const char *buf, size_t n);
/* Whether the client's packets are read: off while the guest does not take input. */
void console_attach_input_enable(ConsoleAttach *a, bool enable);

/* "console ROWS COLS" and "w ROWS COLS": the window size, 0 0 when the client has no terminal. */
int console_attach_parse_winsize(const char *s, struct winsize *ret);

/* Client: filters the detach keys (Ctrl-] q) out of n bytes typed, in place; Ctrl-] Ctrl-] is one
 * Ctrl-], and Ctrl-] followed by another key is passed on as both. *pending carries a Ctrl-] seen
 * last across calls. Returns the bytes to send; *ret_detach is set when the keys were seen (what
 * came after them is dropped). buf has room for n + 1 bytes (a Ctrl-] held from the last call). */
size_t console_attach_filter(bool *pending, char *buf, size_t n, bool *ret_detach);
