/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A running machine as nsbootctl joins it (enter, copy-to, copy-from): its namespaces, root,
 * cgroup, PID 1's bounding set, environment and system call filter, opened from the host first;
 * then joined and taken on by a child process, which ends as the guest's root and no more. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cgroup-v1.h"
#include "seccomp-filter.h"
#include "state.h"

#define GUEST_NS_MAX 8

typedef struct Guest {
        int ns[GUEST_NS_MAX];           /* -EBADF where the guest shares ours */
        int root;
        int cgroup_procs;               /* opened as host root: a write later is checked against that */
        int v1_procs[_CGROUP_V1_MAX];   /* a hybrid host's v1 hierarchies, where the limits are; -EBADF */
        uint64_t bounding;
        bool in_userns;                 /* the guest has a user namespace of its own */
        SeccompPrepared *seccomp;       /* the filter nsboot gives the guest, NULL if it has none */
        char **env;
} Guest;

#define GUEST_INIT { .ns = { [0 ... GUEST_NS_MAX - 1] = -EBADF }, .root = -EBADF, .cgroup_procs = -EBADF, \
                     .v1_procs = { [0 ... _CGROUP_V1_MAX - 1] = -EBADF } }

void guest_done(Guest *g);
/* Opens what joining the machine m takes, as the host's root. Logs. */
int guest_open(const MachineState *m, Guest *g);
/* Joins every namespace of the guest, the user namespace first. Logs. */
int guest_join(const Guest *g);
/* After guest_join(): into the guest's cgroup and root, as its root, with its PID 1's bounding set
 * and system call filter. Logs. */
int guest_become_root(Guest *g);
/* Whether fd is one of g's: the fds a child that joins the guest keeps. */
bool guest_owns_fd(const Guest *g, int fd);
