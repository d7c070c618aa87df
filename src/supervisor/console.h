/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parent's end of the guest console: forwards between nsboot's stdio and the pty master,
 * follows the window size, and watches for the Ctrl-] escapes. Output never blocks the event loop:
 * up to 64 KiB wait for a stalled terminal, then the guest's console writers wait. Parent stage. */
#pragma once

#include <stdbool.h>
#include "event-loop.h"
#include <sys/ioctl.h>
#include <termios.h>

#include "console-log.h"
#include "settings.h"

typedef struct Console Console;

typedef enum ConsoleEscape {
        CONSOLE_ESCAPE_NONE,
        CONSOLE_ESCAPE_KILL,            /* Ctrl-] three times within a second */
        CONSOLE_ESCAPE_POWEROFF,        /* Ctrl-] Ctrl-] p */
        CONSOLE_ESCAPE_REBOOT,          /* Ctrl-] Ctrl-] r */
} ConsoleEscape;

typedef void (*ConsoleEscapeHandler)(void *userdata, ConsoleEscape what);

/* mode is interactive, read-only or passive. Takes ownership of master. The console is connected
 * to terminal (--console-path's device, not owned, without the Ctrl-] keys), or to nsboot's stdin
 * and stdout when it is negative. What the guest writes also goes to log (not owned; may be NULL),
 * in every mode. Logs. */
int console_new(Event *e, int master, int terminal, ConsoleMode mode, ConsoleLog *log,
                ConsoleEscapeHandler on_escape, void *userdata, Console **ret);
Console *console_free(Console *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Console *, console_free);

/* Pipe mode with a console log: the guest's stdout and stderr are pipes that the supervisor copies
 * to its own stdout and stderr and to the log (its stdin stays nsboot's). */
typedef struct ConsolePipes {
        int fds[2][2];                  /* stdout, stderr: read and write ends */
        Console *console;
} ConsolePipes;

/* Parent, before the clone: the pipes, when wanted; else nothing. Logs. */
int console_pipes_make(ConsolePipes *p, bool wanted);
/* Child, right after the clone: its stdout and stderr become the pipes. */
void console_pipes_child(ConsolePipes *p);
/* Parent, after the clone: forwarding in the event loop e. Logs. */
int console_pipes_start(ConsolePipes *p, Event *e, ConsoleLog *log);
void console_pipes_done(ConsolePipes *p);
/* Keeps a tty master of the guest open and throws away what is written to it, so that gettys on
 * the guest's extra ttys run and never block. Takes ownership of fd. Logs. */
int console_add_sink(Event *e, int fd, EventSource **ret);

/* nsbootctl console: relays between the client's connection fd (taken on success) and the guest's
 * console, beside stdout and the log, until it detaches; sets the pty to its window size ws. -EBUSY
 * and the client's PID in *ret_holder while another one is attached; -EOPNOTSUPP without a pty. */
int console_attach(Console *c, int fd, pid_t pid, const struct winsize *ws, pid_t *ret_holder);

/* Copies nsboot's terminal size to the guest's console. */
void console_resize(Console *c);
/* Forwards whatever the guest wrote and we have not read yet, waiting at most 2 s for a stalled
 * terminal. NULL is fine. */
void console_drain(Console *c);

/* The escape detector on its own, for tests: feeds bytes read at time now_usec; KILL on the third
 * 0x1D within one second, POWEROFF or REBOOT on 'p' or 'r' right after two of them within one second. */
typedef struct EscapeState {
        uint64_t presses[3];
        unsigned n;
        bool after_escape;
} EscapeState;
ConsoleEscape console_escape_feed(EscapeState *st, const char *buf, size_t n, uint64_t now_usec);

/* Puts the terminal on fd into raw mode and remembers its settings in *saved; keep_output keeps its
 * output processing (newline to CR LF) for nsboot's own messages on it. Non-logging. */
int console_raw_enable(int fd, bool keep_output, struct termios *saved);
void console_raw_restore(int fd, const struct termios *saved);
/* Opens the host terminal device of --console-path (lxc.console.path) without making it our
 * controlling terminal and without waiting on it; anything but a terminal is refused. Logs. */
int console_terminal_open(const char *path, int *ret);
