/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Settings of one machine: filled through the key table (command line now, config files later),
 * checked across keys by settings_validate(), then read-only for every stage. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "id128-util.h"

#include "basic/cpu-list.h"
#include "basic/macro.h"
#include "credential.h"
#include "custom-mount.h"
#include "devices.h"
#include "hooks.h"
#include "netdev-config.h"
#include "seccomp-filter.h"
#include "userns.h"
#include "timens.h"

typedef enum ConsoleMode {
        CONSOLE_INTERACTIVE,
        CONSOLE_READ_ONLY,
        CONSOLE_PASSIVE,
        CONSOLE_PIPE,
        _CONSOLE_MODE_MAX,
        _CONSOLE_MODE_INVALID = -EINVAL,
} ConsoleMode;

const char *console_mode_to_string(ConsoleMode m);
ConsoleMode console_mode_from_string(const char *s);

#define SETTINGS_TTY_MAX 64

/* --oom-score-adjust: the OOM killer's adjustment of the guest's init, -1000..1000. */
typedef struct OomScoreAdjust {
        bool set;
        int value;
} OomScoreAdjust;

/* --cpu-affinity: the CPUs the guest's init (and so, unless it changes it, the guest) runs on. */
typedef struct CpuAffinity {
        bool set;
        bool cpus[CPU_LIST_MAX];
} CpuAffinity;

/* lxc.init.uid, lxc.init.gid: a numeric id of the guest for init or the command. */
typedef struct GuestId {
        bool set;
        uint32_t id;
} GuestId;

/* lxc.init.groups: its supplementary group ids. */
#define INIT_GROUPS_MAX 64
typedef struct GuestGroups {
        unsigned n;
        uint32_t ids[INIT_GROUPS_MAX];
} GuestGroups;

typedef struct RlimitSetting {
        bool set;
        unsigned long long soft, hard;  /* RLIM_INFINITY for unlimited */
} RlimitSetting;

typedef struct Settings {
        char *directory;
        char *image;                /* -i: a disk image instead of directory */
        char *image_policy;
        bool ephemeral;
        int volatile_mode;          /* VolatileMode (overlay.h) */
        bool read_only;
        char **overlays;            /* --overlay= values, checked by overlay_spec_check() */
        char **overlays_ro;
        char *template_dir;         /* --template: copied to directory if that does not exist */
        bool boot;
        char *machine;
        char *hostname;
        char *user;
        char **bind_users;          /* --bind-user: host users to bind into the guest (bind-user.h) */
        char *bind_user_shell;      /* --bind-user-shell: NULL none, "yes" the host's, else a path */
        GuestId init_uid;           /* lxc.init.uid: not with user */
        GuestId init_gid;           /* lxc.init.gid */
        GuestGroups init_groups;    /* lxc.init.groups */
        char *chdir;
        char **environment;
        char **hook_environment;    /* lxc.environment.hooks: KEY=VALUE for hooks only */
        bool session_keyring;       /* lxc.keyring.session: a new session keyring for the guest */
        Id128 uuid;            /* ID128_NULL: take it from the tree or make one up */
        bool as_pid2;
        int kill_signal;            /* 0: default for the start mode */
        ConsoleMode console_mode;   /* _CONSOLE_MODE_INVALID: pick from the terminal */
        char *console_log;          /* lxc.console.logfile: host file that gets the guest's console output */
        char *console_path;         /* lxc.console.path: a host terminal device as the console, or "none" */
        uint64_t console_log_size;  /* lxc.console.size: rotate or truncate the log at this size, 0: no limit */
        uint64_t console_buffer_size; /* lxc.console.buffer.size: in-memory ring of the console output, 0: none */
        bool console_log_rotate;    /* lxc.console.rotate: the full log becomes FILE.1 instead of being cut */
        bool private_network;
        char *netns_path;           /* --network-namespace-path, lxc.namespace.share.net: PATH, PID or machine */
        char *uts_ns_path;          /* --uts-namespace-path, lxc.namespace.share.uts: the same */
        char *ipc_ns_path;          /* --ipc-namespace-path, lxc.namespace.share.ipc: the same */
        char *pivot_root;           /* --pivot-root: the tree's directory that becomes / */
        char *pivot_root_old;       /* ... and where the tree's top goes in it, or NULL: nowhere */
        size_t file_fields[256];    /* offsets of the fields the config file set (--settings=override);
                                     * room for every field of the table (test-config) */
        size_t n_file_fields;
        unsigned long ns_keep;      /* lxc.namespace.keep: CLONE_NEW* of the namespaces kept from the host */
        unsigned long ns_clone;     /* lxc.namespace.clone: CLONE_NEW* of the namespaces asked for, if set */
        bool ns_clone_set;
        int register_mode;          /* RegisterMode (machined.h) */
        bool keep_unit;
        char *slice;
        char **properties;          /* --property=NAME=VALUE for the machine's scope */
        bool notify_ready;
        int link_journal;           /* LinkJournal (journal-link.h) */
        uint64_t caps_add;          /* capability masks (1 << CAP_X); see caps.h */
        uint64_t caps_drop;
        uint64_t caps_keep;         /* CAPS_KEEP_SET marks it set: then exactly these */
        uint64_t caps_ambient;      /* --ambient-capability: inheritable and ambient for the command */
        SyscallFilter syscall_filter; /* --system-call-filter */
        bool no_new_privileges;
        bool suppress_sync;         /* --suppress-sync: sync calls are no-ops in the guest */
        int resolv_conf;            /* ResolvConfMode (host-files.h) */
        int timezone;               /* TimezoneMode (host-files.h) */
        char *seccomp_profile_path; /* lxc.seccomp.profile */
        SeccompProfile *seccomp_profile; /* read from it by settings_validate() */
        bool quiet;
        NetDevConfigs netdevs;      /* lxc.net.N.* / nsboot.net.N.* */
        char **ports;               /* -p/--port specs, checked by port_forward_parse() */
        bool masquerade;            /* NAT for the first veth's subnets */
        int firewall;               /* FirewallBackend (firewall.h) of --port and --masquerade */
        DeviceRules device_rules;   /* lxc.cgroup2.devices.allow/deny */
        CustomMounts mounts;        /* --bind, --bind-ro, --tmpfs, lxc.mount.entry, lxc.mount.fstab */
        unsigned tty_max;           /* extra ttys /dev/tty1..N on ptys (lxc.tty.max) */
        unsigned pty_max;           /* limit of the container's devpts instance, 0: kernel default */
        bool start_auto;            /* lxc.start.auto: nsboot-generator enables nsboot@NAME.service */
        int start_order;            /* lxc.start.order: lower starts earlier */
        unsigned start_delay;       /* lxc.start.delay: seconds before later machines start */
        char **init_cmd;            /* lxc.init.cmd: init and its first arguments, with --boot */
        char **execute_cmd;         /* lxc.execute.cmd: the command without --boot when none is given */
        uint64_t dev_size;          /* lxc.autodev.tmpfs.size: size of the /dev tmpfs, 0: nsboot's default */
        uint64_t disk_quota;        /* --disk-quota: bytes, or QUOTA_UNSET, QUOTA_INFINITY (quota.h) */
        uint64_t disk_inodes;       /* --disk-inodes: inodes, the same */
        int stop_signal;            /* the second SIGTERM's signal (lxc.signal.stop), 0: SIGKILL */
        int reboot_signal;          /* lxc.signal.reboot, 0: the init's own way */
        unsigned stop_timeout;      /* seconds for a clean stop before the guest is killed, 0: no limit */
        char **sysctls;
        char **cgroup_settings;     /* FILE=VALUE for the machine's cgroup2 directory (lxc.cgroup2.*) */             /* KEY=VALUE, namespaced ones only */
        bool proc_virtualize;       /* the guest's own /proc/meminfo, cpuinfo, ... (FUSE, served by nsboot) */
        char **proc_hide;           /* paths made inaccessible in the guest (--inaccessible) */
        bool private_time;          /* a time namespace: uptime and clocks from the guest's start */
        TimeOffset time_offset_boot;        /* lxc.time.offset.boot, else zero at the start */
        TimeOffset time_offset_monotonic;   /* lxc.time.offset.monotonic */
        RlimitSetting rlimits[16];  /* by RLIMIT_* */
        OomScoreAdjust oom_score_adjust; /* --oom-score-adjust, lxc.proc.oom_score_adj */
        CpuAffinity cpu_affinity;   /* --cpu-affinity */
        bool core_scheduling;       /* --core-scheduling, lxc.sched.core */
        CredentialList credentials; /* --set-credential, --load-credential */
        UserNsConfig userns;        /* --private-users, --private-users-ownership, lxc.idmap */
        char **parameters;          /* init arguments with --boot, else the command */
        char **hooks[_HOOK_TYPE_MAX]; /* lxc.hook.TYPE command lines, in order */
        int hook_version;           /* lxc.hook.version: 0 arguments, 1 environment */
        int log_level;              /* lxc.log.level as a LOG_* level, -1 unset */
        unsigned long personality;  /* lxc.arch: PER_LINUX or PER_LINUX32, PERSONALITY_UNSET */
        char *config_file;          /* the machine's config file, for LXC_CONFIG_FILE */
        char *log_file;             /* lxc.log.file: a copy of nsboot's messages */
} Settings;

#define PERSONALITY_UNSET 0xffffffffUL

Settings *settings_new(void);
Settings *settings_free(Settings *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(Settings *, settings_free);

/* Fills in defaults that depend on other keys and checks combinations. Logs. */
int settings_validate(Settings *s, bool stdin_tty, bool stdout_tty);

/* The capabilities PID 1 keeps (caps.h), from the capability keys, the network and the user
 * namespace: a guest in its own user namespace on the host's network could not bind the host's
 * ports below 1024 anyway, and is not given CAP_NET_BIND_SERVICE, as systemd-nspawn -U does, so its
 * services see that at once (systemd-resolved then starts without its 127.0.0.53 stub). */
uint64_t settings_caps(const Settings *s);

/* Whether lxc.init.uid, lxc.init.gid or lxc.init.groups give init (or the command) other ids. */
bool settings_init_ids_set(const Settings *s);

/* The first veth with a static IPv4 or IPv6 address (for --port, --masquerade), or NULL. */
const NetDevConfig *settings_nat_interface(const Settings *s);

/* The machine directories, where -M NAME finds NAME or NAME.raw, in this order (systemd-nspawn's). */
#define MACHINE_DIRS "/var/lib/machines", "/var/lib/container", "/usr/local/lib/machines", "/usr/lib/machines"

/* The tree of machine name in /var/lib/machines and the other machine directories, or with images
 * its disk image NAME.raw there (a regular file or block device; *ret_image says which), as
 * systemd-nspawn -M finds them: in each directory the tree first. -ENOENT if none. Non-logging. */
int settings_find_machine(const char *name, bool images, char **ret, bool *ret_image);
/* The same, trees only. */
int settings_find_machine_directory(const char *name, char **ret);

/* Machine names follow hostname rules: 1-64 of [A-Za-z0-9._-], no leading '.' or '-', no "..". */
bool machine_name_is_valid(const char *s);
/* Records that the config file set the field at offset; whether it did. */
void settings_file_mark(Settings *s, size_t offset);
bool settings_file_set(const Settings *s, size_t offset);
bool hostname_is_valid(const char *s);
