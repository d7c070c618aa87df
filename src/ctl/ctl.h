/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl: the admin tool for nsboot machines (as machinectl is for systemd-nspawn). Each verb
 * lives in a file of its own; they share the parsed options and the helpers declared here. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "basic/fileio.h"
#include "state.h"

typedef enum SortKey {
        SORT_CPU,
        SORT_MEMORY,
        SORT_NAME,
} SortKey;

typedef struct CtlArgs {
        bool json;
        bool quiet;
        bool no_wait;
        bool all;               /* stop: every running machine; list: the stopped ones too */
        const char *user;       /* enter: -u, a user of the guest */
        bool clear;             /* console-log */
        bool force;             /* copy-to, copy-from: replace the destination */
        int signal;             /* kill: 0 means SIGTERM */
        bool kill_leader;       /* kill: the guest's PID 1 only, not every process of the machine */
        SortKey sort;
        uint64_t interval_usec; /* top */
        unsigned iterations;    /* top: 0 means until q */
        unsigned timeout_sec;   /* start, stop: how long to wait */
        const char *release;    /* create */
        const char *mirror;
        const char *method;
        const char *from;
        const char *root_password;
        const char *hostname;
        const char *packages;
        bool keep_machine_id;   /* clone */
        bool read_only, mkdir;  /* bind */
        const char *bind_options;       /* bind: --options=, as those of --bind */
        char **args;            /* the verb's positional arguments */
} CtlArgs;

/* The running machine name, with an error message when it does not run. Logs. */
int ctl_machine_get(const char *name, MachineState *ret);
/* Every running machine (live state files), sorted by name; *ret_n of them. Logs. */
int ctl_machines_running(MachineState **ret, size_t *ret_n);
void ctl_machines_free(MachineState *l, size_t n);

/* A machine defined on the host, running or not: by a config file (/etc/nsboot, /run/nsboot,
 * /var/lib/lxc, a .nspawn file) or a tree or image in a machine directory. */
typedef struct DefinedMachine {
        char *name;
        char *path;     /* the tree or image nsboot -M NAME boots; NULL when none is found */
        char *config;   /* the config file nsboot -M NAME reads; NULL when none */
        bool autostart; /* lxc.start.auto in nsboot's own config: started at host boot */
} DefinedMachine;
/* Every machine defined on the host, sorted by name. Logs. */
int ctl_defined_machines(DefinedMachine **ret, size_t *ret_n);
void ctl_defined_done(DefinedMachine *d);
void ctl_defined_free(DefinedMachine *l, size_t n);
/* One of them; -ENOENT (not logged) when name has neither a config nor a tree or image. Logs. */
int ctl_defined_machine(const char *name, DefinedMachine *ret);
/* Whether path is NAME.conf in one of nsboot's own config directories (config_search_dirs(): /etc/nsboot and
 * /run/nsboot, or $NSBOOT_CONFIG_PATH's). */
bool ctl_config_is_own(const char *path);

/* What machinectl list-images shows of a tree or image: its kind, whether it is read-only (a file
 * without write permission, or immutable as chattr +i makes it, which is machinectl read-only's
 * mark), the disk space of an image file and the last change. Never opens a device or follows a
 * symlink. Non-logging. */
typedef struct ImageInfo {
        const char *type;       /* directory, subvolume, raw, block; "-" when none is there */
        bool read_only;
        uint64_t usage;         /* UINT64_MAX: not known */
        time_t mtime;           /* 0: not known */
} ImageInfo;
void ctl_image_info(const char *path, ImageInfo *ret);
/* "2026-12-07 21:13" in local time, "-" for 0. */
const char *ctl_format_mtime(time_t t, char buf[static 32]);

/* The addresses in the guest's network namespace (loopback and link-local ones aside); none when
 * the machine shares the host's network. -errno when we may not look. Logs only a failure to
 * return to our own namespace. */
int ctl_machine_addresses(pid_t leader, char ***ret);
/* The strings of l with sep between them. NULL on OOM. */
char *ctl_join(char *const *l, const char *sep);

/* Calls fn for each process in the cgroup directory dir and its sub-cgroups, as they are listed
 * at that moment. Non-logging. */
void cgroup_foreach_pid(const char *dir, void (*fn)(pid_t pid, void *userdata), void *userdata);

/* Whether systemd is the host's init (/run/systemd/system). */
bool ctl_systemd_running(void);
/* Runs argv and waits for it; its exit status, or -errno. Logs. */
int ctl_run_wait(char *const argv[]);

/* Formatting shared by list, stat and top. Non-logging; buffers are the caller's. */
const char *format_timespan(uint64_t sec, char buf[static 32]);
const char *format_bytes(uint64_t bytes, char buf[static 32]);
/* Seconds since a CLOCK_REALTIME timestamp in µs (0 for the future). */
uint64_t uptime_sec(uint64_t start_usec);

int verb_list(const CtlArgs *a);
int verb_images(const CtlArgs *a);
int verb_enable(const CtlArgs *a);
int verb_disable(const CtlArgs *a);
int verb_stat(const CtlArgs *a);
int verb_top(const CtlArgs *a);
int verb_enter(const CtlArgs *a);
int verb_shell(const CtlArgs *a);
int verb_start(const CtlArgs *a);
int verb_status(const CtlArgs *a);
int verb_autostart(const CtlArgs *a);
int verb_set_limit(const CtlArgs *a);
int verb_stop(const CtlArgs *a);
int verb_reboot(const CtlArgs *a);
int verb_kill(const CtlArgs *a);
int verb_terminate(const CtlArgs *a);
int verb_console(const CtlArgs *a);
int verb_console_log(const CtlArgs *a);
int verb_create(const CtlArgs *a);
int verb_remove(const CtlArgs *a);
int verb_export(const CtlArgs *a);
int verb_clone(const CtlArgs *a);
int verb_rename(const CtlArgs *a);
int verb_convert_nspawn(const CtlArgs *a);
int verb_freeze(const CtlArgs *a);
int verb_thaw(const CtlArgs *a);

/* A frozen machine (its state file says so): an error naming it and what (enter, ...) that cannot
 * go on; 0 otherwise. Logs. */
int ctl_refuse_frozen(const MachineState *m, const char *what);
/* Asks the nsboot of a frozen machine to thaw it (before signals from here). Logs. */
int ctl_thaw_first(const MachineState *m);
int verb_copy_to(const CtlArgs *a);
int verb_copy_from(const CtlArgs *a);
int verb_bind(const CtlArgs *a);

typedef struct MachineStats {
        unsigned procs;                 /* processes in the machine's cgroup and its sub-cgroups */
        uint64_t vsz, rss;              /* bytes, summed over those processes */
        uint64_t user_usec, system_usec;        /* CPU time of the cgroup (cpu.stat) */
        uint64_t memory;                /* memory.current, or the RSS sum without a memory controller */
        uint64_t memory_max;            /* memory.max; UINT64_MAX: none */
} MachineStats;

/* Reads the statistics of a running machine from its cgroup and /proc. Non-logging. */
int machine_stats_read(const MachineState *m, MachineStats *ret);
/* "3.45s", "12m03.45s", "5h07m". */
const char *format_cputime(uint64_t usec, char buf[static 32]);
