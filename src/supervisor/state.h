/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The runtime state of a running machine in /run/nsboot/machines/NAME.state: a small KEY=VALUE file the
 * parent stage writes once the guest's init runs (and again after each reboot) and removes at the
 * end, so nsbootctl finds every machine without systemd-machined. Written atomically. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "settings.h"

#define STATE_DIR "/run/nsboot/machines"
#define STATE_SUFFIX ".state"
#define CONTROL_DIR "/run/nsboot/control"

typedef struct MachineState {
        char *name;
        char *state;            /* "running", "frozen" (nsbootctl freeze), or "stopping" (asked to stop) */
        pid_t leader;           /* host PID of the guest's PID 1 */
        pid_t supervisor;       /* the nsboot process */
        char *init;             /* systemd, busybox, other (with --boot), command */
        char *tree;
        char *cgroup;           /* absolute path of the machine's cgroup on the host */
        char *addresses;        /* configured static addresses, space-separated; may be empty */
        uint64_t start_usec;    /* CLOCK_REALTIME when the guest's init started */
        uint64_t uid_base;      /* first host uid of the guest's user namespace, 0: none */
        char *control;          /* path of the control socket */
} MachineState;

void machine_state_done(MachineState *m);

/* Writes STATE_DIR/NAME.state atomically. Non-logging. */
int machine_state_write(const MachineState *m);
/* Reads STATE_DIR/NAME.state; -ENOENT when the machine does not run (or never wrote its state). Non-logging. */
int machine_state_read(const char *name, MachineState *ret);
/* Removes the state file and the control socket of name. Non-logging. */
void machine_state_remove(const char *name);
/* The machine names of all state files, sorted. Non-logging. */
int machine_state_list(char ***ret);
/* The machine names of every record in STATE_DIR, sorted: a state file, and the NAME.cgroup and
 * NAME.net that a killed nsboot leaves, also once its state file was removed. Non-logging. */
int machine_record_list(char ***ret);
/* Whether the nsboot that wrote the state still runs: the file of a SIGKILLed one stays behind
 * until the next start repairs it. */
bool machine_state_is_live(const MachineState *m);
/* Removes the state files (and control sockets) whose nsboot is gone. Logs at debug level. */
void machine_state_repair(void);

/* Changes only the STATE= line ("stopping", "frozen", "running"). Non-logging. */
int machine_state_set_state(const char *name, const char *state);

/* "/run/nsboot/control/NAME.sock". NULL on OOM. */
char *machine_control_path(const char *name);

/* "systemd", "busybox", "other" for the guest path init of a booted tree, "command" without -b. */
const char *machine_init_kind(const Settings *s, const char *init);

/* Parent stage: the state of a machine whose init (guest path init, NULL for a command) runs as
 * leader in cgroup; state is "running" or "stopping". Logs. */
int machine_state_publish(const Settings *s, const char *init, pid_t leader, const char *cgroup,
                          uint64_t uid_base, const char *state);
