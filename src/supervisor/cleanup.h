/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Putting the host back after an nsboot of one machine that was killed (SIGKILL, a crash) at any
 * point of its start, run or stop: interfaces moved in go back as they were, veths and macvlans go,
 * zone bridges without machines, firewall rules, the cgroup (also under --slice or --keep-unit),
 * the network namespace pin and the mount tunnel directory; and the build cgroups of a killed
 * nsbootctl create. Only ever the named machine's, and only with its lock held, so a machine that
 * runs (or is being created) is never touched. Parent stage, before the start;
 * and nsboot --cleanup. */
#pragma once

#define CLEANUP_STATE_DIR "/run/nsboot/machines"
/* nsbootctl create --method=mkosi builds in cgroups of this name plus the machine's, below the
 * cgroup2 root and the root of a hybrid host's name=systemd hierarchy. */
#define CREATE_CGROUP_PREFIX "nsbootctl-create-"
#define CREATE_CGROUP_V1_ROOT "/sys/fs/cgroup/systemd"

/* With the machine's lock held: repairs what an earlier nsboot of machine left. Returns how many
 * things it removed or put back (0: nothing was left). Logs what it does. */
int cleanup_machine(const char *machine);
/* -x without -M names each run anew (NAME-16 hex digits), so no later start of the same name repairs
 * what a killed one left: each start of such a machine repairs its killed siblings', those of the
 * same NAME whose lock is free. Returns how many things it removed. Logs what it does. */
int cleanup_ephemeral_siblings(const char *machine);
/* With the machine's lock held: removes the cgroups of a create of machine that was killed, where
 * no process is left in them. Returns how many it removed. Logs. */
int cleanup_create_cgroups(const char *machine);
/* nsboot --cleanup -M NAME: takes the machine's lock (fails when it runs), repairs, says what. Logs. */
int cleanup_run(const char *machine);

/* Records the machine's cgroup directories (cgroup2 first, then v1; cgroup_planned_dirs()) from
 * before they are made until they are gone, for cleanup_machine(). Logs. */
int cleanup_note_cgroup(const char *machine, char **dirs);
void cleanup_forget_cgroup(const char *machine);
