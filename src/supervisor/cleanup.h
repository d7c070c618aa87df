/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Putting the host back after an nsboot of one machine that was killed (SIGKILL, a crash) at any
 * point of its start, run or stop: interfaces moved in go back as they were, veths and macvlans go,
 * zone bridges without machines, firewall rules, the cgroup (also under --slice or --keep-unit),
 * the network namespace pin and the mount tunnel directory. Only ever the named machine's, and only
 * with its lock held, so a machine that runs is never touched. Parent stage, before the start;
 * and nsboot --cleanup. */
#pragma once

#define CLEANUP_STATE_DIR "/run/nsboot/machines"

/* With the machine's lock held: repairs what an earlier nsboot of machine left. Returns how many
 * things it removed or put back (0: nothing was left). Logs what it does. */
int cleanup_machine(const char *machine);
/* -x without -M names each run anew (NAME-16 hex digits), so no later start of the same name repairs
 * what a killed one left: each start of such a machine repairs its killed siblings', those of the
 * same NAME whose lock is free. Returns how many things it removed. Logs what it does. */
int cleanup_ephemeral_siblings(const char *machine);
/* nsboot --cleanup -M NAME: takes the machine's lock (fails when it runs), repairs, says what. Logs. */
int cleanup_run(const char *machine);

/* Records the machine's cgroup directories (cgroup2 first, then v1; cgroup_planned_dirs()) from
 * before they are made until they are gone, for cleanup_machine(). Logs. */
int cleanup_note_cgroup(const char *machine, char **dirs);
void cleanup_forget_cgroup(const char *machine);
