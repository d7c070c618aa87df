/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/parse-util.h"
#include "basic/strv.h"
#include "log.h"
#include "seccomp-filter.h"
#include "settings-parse.h"
#include "settings-table.h"

#define FIELD(f) offsetof(Settings, f)
#define P SETTING_PRIVILEGED
#define NETF(f) offsetof(NetDevConfig, f)
#define T(x) (1u << NETDEV_##x)
#define ALL_LINKED (T(VETH) | T(MACVLAN) | T(IPVLAN) | T(VLAN) | T(PHYS))
/* An LXC key nsboot has no setting for: what it does with it. */
#define LXC_ONLY(k, legacy, st, why) { .lxc_key = k, .lxc_legacy_key = legacy, .status = st, .note = why }

/* Sorted by native key; command-line-only spellings (key NULL) follow the key they alias. */
const SettingDef settings_table[] = {
        { .key = "nsboot.ambient-capability", .long_option = "ambient-capability", .parse = parse_caps_ambient,
          .offset = FIELD(caps_ambient), .metavar = "CAP[,CAP...]",
          .expect = "capability names such as CAP_NET_BIND_SERVICE or net_bind_service, of those the guest keeps",
          .doc = "Pass these capabilities to the command as ambient ones (also to a --user)", .format = format_caps },
        { .key = "nsboot.as-pid2", .long_option = "as-pid2", .short_option = 'a', .parse = parse_bool,
          .offset = FIELD(as_pid2), .flags = SETTING_FLAG, .cli_value = "yes", .expect = "yes or no",
          .doc = "Run the command as PID 2 under a minimal stub init", .format = format_bool },
        { .key = "nsboot.bind", .long_option = "bind", .parse = parse_bind, .offset = FIELD(mounts),
          .flags = SETTING_NO_PRINT | SETTING_LIST | P, .metavar = "SRC[:DST[:rbind|norbind]]",
          .expect = "an absolute host path, optionally :container path and :rbind or :norbind",
          .doc = "Bind a host directory or file into the container", .format = format_mounts },
        { .key = "nsboot.bind-ro", .long_option = "bind-ro", .parse = parse_bind_ro, .offset = FIELD(mounts),
          .flags = SETTING_NO_PRINT | SETTING_LIST | P, .metavar = "SRC[:DST[:rbind|norbind]]",
          .expect = "an absolute host path, optionally :container path and :rbind or :norbind",
          .doc = "Bind a host directory or file into the container, read-only", .format = format_mounts },
        { .key = "nsboot.bind-user", .long_option = "bind-user", .parse = parse_bind_user, .offset = FIELD(bind_users),
          .flags = SETTING_LIST | P, .metavar = "USER", .expect = "a user name of the host (letters, digits, '_', '.', "
          "'-'), at most 64 users",
          .doc = "Bind a host user and its home (/run/host/home/USER) into the guest", .format = format_strv },
        { .key = "nsboot.bind-user-shell", .long_option = "bind-user-shell", .parse = parse_bind_user_shell,
          .offset = FIELD(bind_user_shell), .metavar = "BOOL|PATH", .expect = "yes, no or an absolute path",
          .doc = "The login shell of bound users: the host's (yes), the guest's default (no), or PATH",
          .format = format_string },
        { .key = "nsboot.boot", .long_option = "boot", .short_option = 'b', .parse = parse_bool,
          .offset = FIELD(boot), .flags = SETTING_FLAG, .cli_value = "yes", .expect = "yes or no",
          .doc = "Boot the tree's init as PID 1; arguments go to init", .format = format_bool },
        { .key = "nsboot.capability", .long_option = "capability", .parse = parse_caps,
          .offset = FIELD(caps_add), .flags = P, .metavar = "CAP[,CAP...]",
          .expect = "capability names such as CAP_NET_ADMIN or net_admin, or all",
          .doc = "Give PID 1 these capabilities beyond the default set", .format = format_caps },
        { .key = "nsboot.cgroup", .lxc_key = "lxc.cgroup2.", .parse = parse_cgroup, .offset = FIELD(cgroup_settings),
          .flags = SETTING_LIST | SETTING_FAMILY | P,
          .expect = "FILE=VALUE with a controller's cgroup2 file, e.g. memory.max=1G or pids.max=500",
          .doc = "Write VALUE to FILE of the machine's cgroup (lxc.cgroup2.FILE)", .format = format_strv },
        { .key = "nsboot.chdir", .lxc_key = "lxc.init.cwd", .long_option = "chdir", .parse = parse_absolute_path,
          .offset = FIELD(chdir), .metavar = "PATH", .expect = "an absolute path",
          .doc = "Working directory of the command inside the container", .format = format_string },
        { .key = "nsboot.command", .lxc_key = "lxc.execute.cmd", .parse = parse_command_line,
          .offset = FIELD(execute_cmd), .expect = "a command and its arguments ('...' and \"...\" quote)",
          .doc = "Command to run without -b when the command line gives none (lxc-execute's)",
          .format = format_command_line },
        { .key = "nsboot.console", .long_option = "console", .parse = parse_console, .offset = FIELD(console_mode),
          .flags = P, .metavar = "MODE", .expect = "interactive, read-only, passive or pipe",
          .doc = "How the console is connected", .format = format_console },
        { .long_option = "pipe", .short_option = 'P', .parse = parse_console, .offset = FIELD(console_mode),
          .flags = SETTING_FLAG | SETTING_NO_VALUE, .cli_value = "pipe", .expect = "pipe", .doc = "Same as --console=pipe",
          .format = format_console },
        { .key = "nsboot.console.buffer.size", .lxc_key = "lxc.console.buffer.size", .parse = parse_console_buffer_size,
          .offset = FIELD(console_buffer_size), .flags = P, .expect = "a size such as 64K, 1MB or 1048576 (at least 4K, "
          "rounded up to a power of two, at most 64M), auto (128K) or empty for none",
          .doc = "Keep this much of the console output in memory, for nsbootctl console-log", .format = format_size },
        { .key = "nsboot.console.logfile", .lxc_key = "lxc.console.logfile", .long_option = "console-log",
          .parse = parse_absolute_path, .offset = FIELD(console_log), .flags = P, .metavar = "PATH",
          .expect = "an absolute host path", .doc = "Append everything the guest writes to its console to this host file",
          .format = format_string },
        { .key = "nsboot.console.path", .lxc_key = "lxc.console.path", .lxc_legacy_key = "lxc.console",
          .long_option = "console-path", .parse = parse_console_path, .offset = FIELD(console_path), .flags = P,
          .metavar = "PATH", .expect = "the absolute path of a host terminal device, or none",
          .doc = "Connect the guest's console to this host terminal (a serial line, a pty); none: to nothing",
          .format = format_string },
        { .key = "nsboot.console.rotate", .lxc_key = "lxc.console.rotate", .long_option = "console-log-rotate",
          .parse = parse_bool, .offset = FIELD(console_log_rotate), .flags = SETTING_FLAG | P, .cli_value = "yes",
          .expect = "1 or 0 (yes or no)",
          .doc = "At the size limit, keep the full console log as FILE.1 and start a new one (else it is emptied)",
          .format = format_bool },
        { .key = "nsboot.console.size", .lxc_key = "lxc.console.size", .long_option = "console-log-size",
          .parse = parse_console_size, .offset = FIELD(console_log_size), .flags = P, .metavar = "SIZE",
          .expect = "a size such as 64K, 1MB or 1048576 (at least 4K, rounded up to a power of two), auto (128K) "
                    "or empty for no limit",
          .doc = "Size limit of the console log file", .format = format_size },
        { .key = "nsboot.core-scheduling", .lxc_key = "lxc.sched.core", .long_option = "core-scheduling",
          .parse = parse_bool, .offset = FIELD(core_scheduling), .flags = SETTING_FLAG, .cli_value = "yes",
          .expect = "yes or no (1 or 0)",
          .doc = "Give the guest a core-scheduling cookie: no other task shares an SMT core with it",
          .format = format_bool },
        { .key = "nsboot.cpu-affinity", .long_option = "cpu-affinity", .parse = parse_cpu_affinity,
          .offset = FIELD(cpu_affinity), .metavar = "CPUS", .expect = "a CPU list such as 0-3,8 or 0 1 2, or empty",
          .doc = "Run the guest's init on these CPUs (a default the guest may change; cpuset.cpus limits)",
          .format = format_cpu_affinity },
        { .key = "nsboot.cpu.max", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "N% of one CPU, QUOTA PERIOD in microseconds, or max",
          .doc = "CPU time limit (CPUQuota=, cpu.max)", .format = format_strv },
        { .key = "nsboot.cpu.weight", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "a weight from 1 to 10000 (default 100)",
          .doc = "Share of CPU time under contention (CPUWeight=, cpu.weight)", .format = format_strv },
        { .key = "nsboot.cpuset.cpus", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "a CPU list such as 0-1,3",
          .doc = "CPUs the machine may run on (cpuset.cpus)", .format = format_strv },
        { .key = "nsboot.cpuset.mems", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "a memory node list such as 0",
          .doc = "Memory nodes the machine may use (cpuset.mems)", .format = format_strv },
        { .key = "nsboot.dev-size", .lxc_key = "lxc.autodev.tmpfs.size", .parse = parse_dev_size,
          .offset = FIELD(dev_size), .expect = "a size in bytes, or with a K, M or G suffix, from 4K to 1T; empty "
          "for nsboot's default (4M)", .doc = "Size of the tmpfs on /dev", .format = format_size },
        { .key = "nsboot.device-allow", .lxc_key = "lxc.cgroup2.devices.allow", .lxc_alt_key = "lxc.cgroup.devices.allow",
          .parse = parse_device_allow, .offset = FIELD(device_rules), .flags = SETTING_LIST | P,
          .expect = "TYPE MAJOR:MINOR ACCESS as in devices.allow, e.g. 'c 10:200 rwm' or 'b 7:* rw'",
          .doc = "Let the container use these devices", .format = format_device_rules },
        { .key = "nsboot.device-deny", .lxc_key = "lxc.cgroup2.devices.deny", .lxc_alt_key = "lxc.cgroup.devices.deny",
          .parse = parse_device_deny, .offset = FIELD(device_rules), .flags = SETTING_LIST | SETTING_NO_PRINT | P,
          .expect = "'a' (deny all), or exactly a rule allowed before",
          .doc = "Take devices away from the container", .format = format_device_rules },
        { .key = "nsboot.directory", .lxc_key = "lxc.rootfs.path", .lxc_legacy_key = "lxc.rootfs",
          .long_option = "directory", .short_option = 'D', .parse = parse_directory, .offset = FIELD(directory),
          .flags = P, .metavar = "PATH", .expect = "a directory (LXC: dir:PATH)",
          .doc = "Root directory of the container tree", .format = format_string },
        { .key = "nsboot.disk-inodes", .long_option = "disk-inodes", .parse = parse_disk_inodes,
          .offset = FIELD(disk_inodes), .flags = P, .metavar = "N",
          .expect = "a number of inodes, optionally with a K, M or G suffix, infinity (lifts the limit) or empty",
          .doc = "Limit the files of the tree to N (a project quota of its file system)", .format = format_disk_limit },
        { .key = "nsboot.disk-quota", .long_option = "disk-quota", .parse = parse_disk_quota,
          .offset = FIELD(disk_quota), .flags = P, .metavar = "SIZE",
          .expect = "a size in bytes with an optional K, M, G or T suffix, infinity (lifts the limit) or empty",
          .doc = "Limit the disk space of the tree to SIZE (a project quota of its file system)",
          .format = format_disk_limit },
        { .key = "nsboot.drop-capability", .lxc_key = "lxc.cap.drop", .long_option = "drop-capability",
          .parse = parse_caps, .offset = FIELD(caps_drop), .metavar = "CAP[,CAP...]",
          .expect = "capability names such as CAP_SYS_ADMIN or sys_admin, or all",
          .doc = "Take these capabilities from PID 1", .format = format_caps },
        { .key = "nsboot.ephemeral", .lxc_key = "lxc.ephemeral", .long_option = "ephemeral", .short_option = 'x',
          .parse = parse_bool, .offset = FIELD(ephemeral), .flags = SETTING_FLAG, .cli_value = "yes",
          .expect = "yes or no (1 or 0)",
          .doc = "Run on a throwaway overlay of the tree in memory: nothing it writes survives", .format = format_bool },
        { .key = "nsboot.firewall", .long_option = "firewall", .parse = parse_firewall, .offset = FIELD(firewall),
          .flags = P, .metavar = "BACKEND", .expect = "auto, nftables or iptables",
          .doc = "Where --port and --masquerade add their rules: nftables, iptables (legacy), or auto",
          .format = format_firewall },
        { .key = "nsboot.hook", .lxc_key = "lxc.hook", .parse = parse_hooks_clear, .offset = FIELD(hooks),
          .flags = SETTING_NO_PRINT | P, .expect = "nothing: an empty value clears every hook",
          .doc = "An empty value clears every hook set so far", .format = format_strv },
        { .key = "nsboot.hook-setenv", .lxc_key = "lxc.environment.hooks", .parse = parse_env,
          .offset = FIELD(hook_environment), .flags = SETTING_LIST | P, .expect = "VAR=VALUE or VAR",
          .doc = "Set an environment variable for the hooks only", .format = format_strv },
        { .key = "nsboot.hook-version", .lxc_key = "lxc.hook.version", .parse = parse_hook_version,
          .offset = FIELD(hook_version), .flags = P, .expect = "0 (arguments) or 1 (environment)",
          .doc = "How hooks learn the machine name and hook type: 0 as arguments, 1 in LXC_* variables",
          .format = format_int },
        { .key = "nsboot.hook.autodev", .lxc_key = "lxc.hook.autodev", .parse = parse_hook, .offset = FIELD(hooks[HOOK_AUTODEV]),
          .flags = SETTING_LIST | P, .expect = "a shell command line", .doc = "Hook: In the guest's mount namespace after /dev is populated, before the switch to its root",
          .format = format_strv },
        { .key = "nsboot.hook.mount", .lxc_key = "lxc.hook.mount", .parse = parse_hook, .offset = FIELD(hooks[HOOK_MOUNT]),
          .flags = SETTING_LIST | P, .expect = "a shell command line", .doc = "Hook: In the guest's mount namespace after the mounts, before the switch to its root",
          .format = format_strv },
        { .key = "nsboot.hook.post-stop", .lxc_key = "lxc.hook.post-stop", .parse = parse_hook, .offset = FIELD(hooks[HOOK_POST_STOP]),
          .flags = SETTING_LIST | P, .expect = "a shell command line", .doc = "Hook: On the host after the machine is gone and torn down",
          .format = format_strv },
        { .key = "nsboot.hook.pre-mount", .lxc_key = "lxc.hook.pre-mount", .parse = parse_hook, .offset = FIELD(hooks[HOOK_PRE_MOUNT]),
          .flags = SETTING_LIST | P, .expect = "a shell command line", .doc = "Hook: In the guest's new namespaces before any mount is made",
          .format = format_strv },
        { .key = "nsboot.hook.pre-start", .lxc_key = "lxc.hook.pre-start", .parse = parse_hook, .offset = FIELD(hooks[HOOK_PRE_START]),
          .flags = SETTING_LIST | P, .expect = "a shell command line", .doc = "Hook: On the host before the machine's namespaces are made",
          .format = format_strv },
        { .key = "nsboot.hook.start", .lxc_key = "lxc.hook.start", .parse = parse_hook, .offset = FIELD(hooks[HOOK_START]),
          .flags = SETTING_LIST | P, .expect = "a shell command line", .doc = "Hook: In the guest, its root and network ready, just before init is executed",
          .format = format_strv },
        { .key = "nsboot.hook.start-host", .lxc_key = "lxc.hook.start-host", .parse = parse_hook, .offset = FIELD(hooks[HOOK_START_HOST]),
          .flags = SETTING_LIST | P, .expect = "a shell command line", .doc = "Hook: On the host once the guest is set up, just before its init is executed (LXC_PID set)",
          .format = format_strv },
        { .key = "nsboot.hook.stop", .lxc_key = "lxc.hook.stop", .parse = parse_hook, .offset = FIELD(hooks[HOOK_STOP]),
          .flags = SETTING_LIST | P, .expect = "a shell command line", .doc = "Hook: On the host after the guest's init ended, before teardown (LXC_TARGET: stop or reboot)",
          .format = format_strv },
        { .key = "nsboot.hostname", .lxc_key = "lxc.uts.name", .lxc_legacy_key = "lxc.utsname",
          .long_option = "hostname", .parse = parse_hostname, .offset = FIELD(hostname), .metavar = "NAME",
          .expect = "a hostname of up to 64 letters, digits, '-', '_' and '.'",
          .doc = "Hostname inside (default: machine name)", .format = format_string },
        { .key = "nsboot.idmap", .lxc_key = "lxc.idmap", .lxc_legacy_key = "lxc.id_map", .parse = parse_idmap, .offset = FIELD(userns),
          .flags = SETTING_LIST | P, .expect = "u, g or b, then the first id inside, the first host id and a count",
          .doc = "Map a range of the guest's user (u), group (g) or both (b) ids to host ids", .format = format_idmap },
        { .key = "nsboot.image", .long_option = "image", .short_option = 'i', .parse = parse_path,
          .offset = FIELD(image), .flags = P, .metavar = "FILE",
          .expect = "a disk image file: GPT (Discoverable Partitions), one partition, or a bare file system",
          .doc = "Boot a disk image instead of a directory tree", .format = format_string },
        { .key = "nsboot.image-policy", .long_option = "image-policy", .parse = parse_image_policy,
          .offset = FIELD(image_policy), .metavar = "POLICY",
          .expect = "PARTITION=FLAGS[:...] (partitions root, usr, home, srv, var, tmp or empty for the rest; flags "
                    "unprotected, unused, absent, ignore joined by +), or *, - or ~",
          .doc = "Which partitions of the image to use", .format = format_string },
        { .key = "nsboot.init", .lxc_key = "lxc.init.cmd", .lxc_legacy_key = "lxc.init_cmd", .parse = parse_command_line,
          .offset = FIELD(init_cmd), .flags = P, .expect = "an absolute path in the tree, then arguments",
          .doc = "Init to boot (with -b) instead of looking for one, with its first arguments",
          .format = format_command_line },
        { .key = "nsboot.init-gid", .lxc_key = "lxc.init.gid", .lxc_legacy_key = "lxc.init_gid",
          .parse = parse_guest_id, .offset = FIELD(init_gid), .expect = "a numeric group id of the guest, or empty",
          .doc = "Group id of init (or the command), a number; 0 unless set", .format = format_guest_id },
        { .key = "nsboot.init-groups", .lxc_key = "lxc.init.groups", .parse = parse_guest_groups,
          .offset = FIELD(init_groups), .flags = SETTING_LIST,
          .expect = "numeric group ids of the guest separated by commas (at most 64 in all)",
          .doc = "Supplementary group ids of init (or the command)", .format = format_guest_groups },
        { .key = "nsboot.init-uid", .lxc_key = "lxc.init.uid", .lxc_legacy_key = "lxc.init_uid",
          .parse = parse_guest_id, .offset = FIELD(init_uid), .expect = "a numeric user id of the guest, or empty",
          .doc = "User id of init (or the command), a number", .format = format_guest_id },
        { .key = "nsboot.io.max", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "MAJOR:MINOR followed by rbps=, wbps=, riops= and wiops= limits",
          .doc = "Bandwidth and IOPS limits of one block device (io.max)", .format = format_strv },
        { .key = "nsboot.io.weight", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "a weight from 1 to 10000 (default 100)",
          .doc = "Share of disk time under contention (IOWeight=, io.weight)", .format = format_strv },
        { .key = "nsboot.ipc-namespace-path", .lxc_key = "lxc.namespace.share.ipc", .long_option = "ipc-namespace-path",
          .parse = parse_ns_spec, .offset = FIELD(ipc_ns_path), .flags = P, .metavar = "PATH",
          .expect = "an IPC namespace file (/proc/PID/ns/ipc), a PID or a running machine's name",
          .doc = "Join this IPC namespace (System V IPC, POSIX message queues) instead of an own one",
          .format = format_string },
        { .key = "nsboot.keep-capability", .lxc_key = "lxc.cap.keep", .long_option = "keep-capability",
          .parse = parse_caps_keep, .offset = FIELD(caps_keep), .flags = P, .metavar = "CAP[,CAP...]",
          .expect = "capability names, or none", .doc = "Give PID 1 exactly these capabilities",
          .format = format_caps },
        { .key = "nsboot.keep-unit", .long_option = "keep-unit", .parse = parse_bool, .offset = FIELD(keep_unit),
          .flags = P | SETTING_FLAG, .cli_value = "yes", .expect = "yes or no",
          .doc = "Stay in nsboot's own unit (nsboot@.service) instead of a new scope", .format = format_bool },
        { .key = "nsboot.kill-signal", .lxc_key = "lxc.signal.halt", .lxc_legacy_key = "lxc.haltsignal",
          .long_option = "kill-signal", .parse = parse_signal, .offset = FIELD(kill_signal), .flags = P,
          .metavar = "SIGNAL",
          .expect = "a signal name or number", .doc = "Signal sent to PID 1 to power it off (default: the init's own way)",
          .format = format_signal },
        { .key = "nsboot.link-journal", .long_option = "link-journal", .parse = parse_link_journal,
          .offset = FIELD(link_journal), .flags = P, .metavar = "MODE",
          .expect = "no, host, try-host, guest, try-guest or auto",
          .doc = "Make the guest's journal visible to the host's journalctl", .format = format_link_journal },
        { .short_option = 'j', .parse = parse_link_journal, .offset = FIELD(link_journal),
          .flags = SETTING_FLAG, .cli_value = "try-guest", .expect = "try-guest",
          .doc = "Same as --link-journal=try-guest", .format = format_link_journal },
        { .key = "nsboot.load-credential", .long_option = "load-credential", .parse = parse_load_credential,
          .offset = FIELD(credentials), .flags = SETTING_LIST | SETTING_NO_PRINT | SETTING_SECRET | P,
          .metavar = "ID:PATH", .expect = "a credential name, ':' and a regular file, absolute or in "
          "$CREDENTIALS_DIRECTORY, with all credentials together at most 1M",
          .doc = "Pass the contents of a host file to the guest's init as credential ID", .format = NULL },
        { .key = "nsboot.log-file", .lxc_key = "lxc.log.file", .lxc_legacy_key = "lxc.logfile",
          .parse = parse_absolute_path, .offset = FIELD(log_file), .flags = P, .expect = "an absolute path",
          .doc = "Append a copy of nsboot's messages for this machine to this file", .format = format_string },
        { .key = "nsboot.log-level", .lxc_key = "lxc.log.level", .lxc_legacy_key = "lxc.loglevel",
          .parse = parse_log_level, .offset = FIELD(log_level), .expect = "trace, debug, info, notice, warn, error, "
          "crit, alert, fatal or 0-8 (LXC's numbers)", .doc = "Most detailed messages nsboot prints for this machine",
          .format = format_log_level },
        { .key = "nsboot.machine", .long_option = "machine", .short_option = 'M', .parse = parse_machine_name,
          .offset = FIELD(machine), .flags = P, .metavar = "NAME",
          .expect = "1-64 letters, digits, '-', '_' and '.', not starting with '.' or '-'", .doc = "Machine name",
          .format = format_string },
        { .key = "nsboot.masquerade", .long_option = "masquerade", .parse = parse_bool, .offset = FIELD(masquerade),
          .flags = SETTING_FLAG | P, .cli_value = "yes", .expect = "yes or no",
          .doc = "NAT the first veth's IPv4 and IPv6 subnets out of the host's other interfaces", .format = format_bool },
        { .key = "nsboot.memory.high", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "a size in bytes with an optional K, M, G or T suffix, or infinity",
          .doc = "Memory use above which the machine is throttled (MemoryHigh=, memory.high)", .format = format_strv },
        { .key = "nsboot.memory.max", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "a size in bytes with an optional K, M, G or T suffix, or infinity",
          .doc = "Hard memory limit: the OOM killer acts inside above it (MemoryMax=, memory.max)", .format = format_strv },
        { .key = "nsboot.memory.swap.max", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "a size in bytes with an optional K, M, G or T suffix, or infinity",
          .doc = "Swap the machine may use (MemorySwapMax=, memory.swap.max)", .format = format_strv },
        { .key = "nsboot.mount-entry", .lxc_key = "lxc.mount.entry", .parse = parse_mount_entry,
          .offset = FIELD(mounts), .flags = SETTING_LIST | P, .expect = "an fstab line: SOURCE TARGET TYPE OPTIONS",
          .doc = "Mount one fstab line, its target inside the container", .format = format_mounts },
        { .key = "nsboot.mount-fstab", .lxc_key = "lxc.mount.fstab", .lxc_legacy_key = "lxc.mount",
          .parse = parse_mount_fstab, .offset = FIELD(mounts), .flags = SETTING_NO_PRINT | SETTING_LIST | P,
          .expect = "the absolute path of a readable fstab-style file of valid lines",
          .doc = "Mount every line of an fstab-style file", .format = format_mounts },
        { .key = "nsboot.net", .lxc_key = "lxc.net", .lxc_legacy_key = "lxc.network", .status = KEY_NETDEV, .parse = net_nothing,
          .offset = 0, .net_types = ~0u, .flags = SETTING_NET | P,
          .expect = "nothing: an empty value removes every interface",
          .doc = "An empty value removes every interface set so far" },
        { .key = "nsboot.net.N", .lxc_key = "lxc.net.N", .lxc_legacy_key = "lxc.network.N", .status = KEY_NETDEV, .parse = net_nothing,
          .offset = 0, .net_types = ~0u, .flags = SETTING_NET | P,
          .expect = "nothing: an empty value removes interface N",
          .doc = "An empty value removes interface N" },
        { .key = "nsboot.net.N.flags", .lxc_key = "lxc.net.N.flags", .status = KEY_NETDEV, .parse = net_flags,
          .offset = NETF(up), .net_types = ~0u, .flags = SETTING_NET | P,
          .expect = "up",
          .doc = "Bring the interface up inside (nsboot always does when it has addresses)" },
        { .key = "nsboot.net.N.hwaddr", .lxc_key = "lxc.net.N.hwaddr", .status = KEY_NETDEV, .parse = net_hwaddr,
          .offset = NETF(hwaddr), .net_types = ALL_LINKED, .flags = SETTING_NET | P,
          .expect = "a unicast MAC such as 00:16:3e:xx:xx:xx",
          .doc = "MAC inside; each x is a random hex digit" },
        { .key = "nsboot.net.N.ipv4.address", .lxc_key = "lxc.net.N.ipv4.address", .lxc_legacy_key = "lxc.network.N.ipv4", .status = KEY_NETDEV, .parse = net_ipv4,
          .offset = NETF(ipv4), .net_types = ALL_LINKED, .flags = SETTING_NET | P | SETTING_LIST,
          .expect = "an IPv4 ADDRESS/PREFIX",
          .doc = "IPv4 address inside, one per line" },
        { .key = "nsboot.net.N.ipv4.gateway", .lxc_key = "lxc.net.N.ipv4.gateway", .status = KEY_NETDEV, .parse = net_gateway4,
          .offset = NETF(ipv4_gateway), .net_types = ALL_LINKED, .flags = SETTING_NET | P,
          .expect = "an IPv4 address, auto or dev",
          .doc = "IPv4 default route inside" },
        { .key = "nsboot.net.N.ipv6.address", .lxc_key = "lxc.net.N.ipv6.address", .lxc_legacy_key = "lxc.network.N.ipv6", .status = KEY_NETDEV, .parse = net_ipv6,
          .offset = NETF(ipv6), .net_types = ALL_LINKED, .flags = SETTING_NET | P | SETTING_LIST,
          .expect = "an IPv6 ADDRESS/PREFIX",
          .doc = "IPv6 address inside, one per line" },
        { .key = "nsboot.net.N.ipv6.gateway", .lxc_key = "lxc.net.N.ipv6.gateway", .status = KEY_NETDEV, .parse = net_gateway6,
          .offset = NETF(ipv6_gateway), .net_types = ALL_LINKED, .flags = SETTING_NET | P,
          .expect = "an IPv6 address, auto or dev",
          .doc = "IPv6 default route inside" },
        { .key = "nsboot.net.N.ipvlan.isolation", .lxc_key = "lxc.net.N.ipvlan.isolation", .status = KEY_NETDEV,
          .parse = net_ipvlan_isolation, .offset = NETF(ipvlan_isolation), .net_types = T(IPVLAN),
          .flags = SETTING_NET | P, .expect = "bridge, private or vepa",
          .doc = "ipvlan port isolation (private: no traffic between ports; vepa: through the switch)" },
        { .key = "nsboot.net.N.ipvlan.mode", .lxc_key = "lxc.net.N.ipvlan.mode", .status = KEY_NETDEV, .parse = net_ipvlan_mode,
          .offset = NETF(mode), .net_types = T(IPVLAN), .flags = SETTING_NET | P,
          .expect = "l2, l3 or l3s",
          .doc = "ipvlan mode" },
        { .key = "nsboot.net.N.l2proxy", .lxc_key = "lxc.net.N.l2proxy", .status = KEY_NETDEV, .parse = parse_bool,
          .offset = NETF(l2proxy), .net_types = ALL_LINKED & ~T(PHYS), .flags = SETTING_NET | P,
          .expect = "0 or 1",
          .doc = "Proxy ARP/NDP entries on the link for the addresses inside" },
        { .key = "nsboot.net.N.link", .lxc_key = "lxc.net.N.link", .status = KEY_NETDEV, .parse = net_link,
          .offset = NETF(link), .net_types = ALL_LINKED, .flags = SETTING_NET | P,
          .expect = "a host interface name, or empty for none",
          .doc = "Host interface: bridge of a veth (empty: none), parent of the others" },
        { .key = "nsboot.net.N.macvlan.mode", .lxc_key = "lxc.net.N.macvlan.mode", .status = KEY_NETDEV, .parse = net_macvlan_mode,
          .offset = NETF(mode), .net_types = T(MACVLAN), .flags = SETTING_NET | P,
          .expect = "private, vepa, bridge or passthru",
          .doc = "macvlan mode" },
        { .key = "nsboot.net.N.macvlan.vlan", .lxc_key = "lxc.net.N.macvlan.vlan", .status = KEY_NETDEV, .parse = net_vlan_id,
          .offset = NETF(macvlan_vlan), .net_types = T(MACVLAN), .flags = SETTING_NET | P,
          .expect = "a VLAN ID from 0 to 4094",
          .doc = "Put the macvlan on VLAN ID of its link (made while it runs, if missing)" },
        { .key = "nsboot.net.N.mtu", .lxc_key = "lxc.net.N.mtu", .status = KEY_NETDEV, .parse = net_mtu,
          .offset = NETF(mtu), .net_types = ALL_LINKED, .flags = SETTING_NET | P,
          .expect = "an MTU from 68 to 65535",
          .doc = "MTU" },
        { .key = "nsboot.net.N.name", .lxc_key = "lxc.net.N.name", .status = KEY_NETDEV, .parse = net_ifname,
          .offset = NETF(name), .net_types = ALL_LINKED, .flags = SETTING_NET | P,
          .expect = "an interface name of 1-15 characters",
          .doc = "Name inside (default eth0, eth1, ...)" },
        { .key = "nsboot.net.N.script.down", .lxc_key = "lxc.net.N.script.down", .status = KEY_NETDEV, .parse = net_script,
          .offset = NETF(script_down), .net_types = ALL_LINKED | T(EMPTY), .flags = SETTING_NET | P,
          .expect = "a command line, run on the host",
          .doc = "Host-side script before the interface goes" },
        { .key = "nsboot.net.N.script.up", .lxc_key = "lxc.net.N.script.up", .status = KEY_NETDEV, .parse = net_script,
          .offset = NETF(script_up), .net_types = ALL_LINKED | T(EMPTY), .flags = SETTING_NET | P,
          .expect = "a command line, run on the host",
          .doc = "Host-side script after the interface is made" },
        { .key = "nsboot.net.N.type", .lxc_key = "lxc.net.N.type", .status = KEY_NETDEV, .parse = net_type,
          .offset = NETF(type), .net_types = ~0u, .flags = SETTING_NET | P,
          .expect = "none, empty, veth, macvlan, ipvlan, vlan or phys",
          .doc = "Interface type" },
        { .key = "nsboot.net.N.veth.ipv4.route", .lxc_key = "lxc.net.N.veth.ipv4.route", .status = KEY_NETDEV, .parse = net_route4,
          .offset = NETF(routes4), .net_types = T(VETH), .flags = SETTING_NET | P | SETTING_LIST,
          .expect = "an IPv4 ADDRESS/PREFIX",
          .doc = "Host route to this IPv4 network through the veth" },
        { .key = "nsboot.net.N.veth.ipv6.route", .lxc_key = "lxc.net.N.veth.ipv6.route", .status = KEY_NETDEV, .parse = net_route6,
          .offset = NETF(routes6), .net_types = T(VETH), .flags = SETTING_NET | P | SETTING_LIST,
          .expect = "an IPv6 ADDRESS/PREFIX",
          .doc = "Host route to this IPv6 network through the veth" },
        { .key = "nsboot.net.N.veth.mode", .lxc_key = "lxc.net.N.veth.mode", .status = KEY_NETDEV, .parse = net_veth_mode,
          .offset = NETF(router), .net_types = T(VETH), .flags = SETTING_NET | P,
          .expect = "bridge or router",
          .doc = "router: host routes and proxy ARP/NDP to the guest instead of a bridge" },
        { .key = "nsboot.net.N.veth.n_rxqueues", .lxc_key = "lxc.net.N.veth.n_rxqueues", .status = KEY_NETDEV, .parse = net_queues,
          .offset = NETF(veth_rxqueues), .net_types = T(VETH), .flags = SETTING_NET | P,
          .expect = "a number of queues from 1 to 4096",
          .doc = "Receive queues of the guest's end of the veth (transmit queues of the host's)" },
        { .key = "nsboot.net.N.veth.n_txqueues", .lxc_key = "lxc.net.N.veth.n_txqueues", .status = KEY_NETDEV, .parse = net_queues,
          .offset = NETF(veth_txqueues), .net_types = T(VETH), .flags = SETTING_NET | P,
          .expect = "a number of queues from 1 to 4096",
          .doc = "Transmit queues of the guest's end of the veth (receive queues of the host's)" },
        { .key = "nsboot.net.N.veth.pair", .lxc_key = "lxc.net.N.veth.pair", .status = KEY_NETDEV, .parse = net_ifname,
          .offset = NETF(veth_pair), .net_types = T(VETH), .flags = SETTING_NET | P,
          .expect = "a host interface name of 1-15 characters",
          .doc = "Host-side name of the veth" },
        { .key = "nsboot.net.N.veth.vlan.id", .lxc_key = "lxc.net.N.veth.vlan.id", .status = KEY_NETDEV,
          .parse = net_bridge_vid, .offset = NETF(bridge_vid), .net_types = T(VETH), .flags = SETTING_NET | P,
          .expect = "a VLAN ID from 1 to 4094, or none",
          .doc = "Untagged VLAN (PVID) of the bridge port of the veth, on a VLAN-aware bridge" },
        { .key = "nsboot.net.N.veth.vlan.tagged.id", .lxc_key = "lxc.net.N.veth.vlan.tagged.id", .status = KEY_NETDEV,
          .parse = net_bridge_tagged, .offset = NETF(bridge_tagged), .net_types = T(VETH),
          .flags = SETTING_NET | SETTING_LIST | P, .expect = "a VLAN ID from 1 to 4094",
          .doc = "Tagged VLAN of the bridge port of the veth, one per line" },
        { .key = "nsboot.net.N.vlan.id", .lxc_key = "lxc.net.N.vlan.id", .status = KEY_NETDEV, .parse = net_vlan_id,
          .offset = NETF(vlan_id), .net_types = T(VLAN), .flags = SETTING_NET | P,
          .expect = "a VLAN ID from 0 to 4094",
          .doc = "802.1Q VLAN ID" },
        { .key = "nsboot.network-bridge", .long_option = "network-bridge", .parse = parse_network_veth,
          .offset = FIELD(netdevs), .flags = SETTING_LIST | SETTING_NO_PRINT | P, .metavar = "BRIDGE",
          .expect = "the name of an existing bridge",
          .doc = "Add a veth whose host side joins BRIDGE (inside: host0)", .format = format_netdevs },
        { .key = "nsboot.network-interface", .long_option = "network-interface", .parse = parse_network_interface,
          .offset = FIELD(netdevs), .flags = SETTING_LIST | SETTING_NO_PRINT | P, .metavar = "IF[:NAME]",
          .expect = "a host interface name, optionally :name inside",
          .doc = "Move a host interface into the container (and back at the end)", .format = format_netdevs },
        { .key = "nsboot.network-ipvlan", .long_option = "network-ipvlan", .parse = parse_network_ipvlan,
          .offset = FIELD(netdevs), .flags = SETTING_LIST | SETTING_NO_PRINT | P, .metavar = "IF[:NAME[:MODE]]",
          .expect = "a host interface, optionally :name inside and :l2, :l3 or :l3s",
          .doc = "Add an ipvlan on a host interface (default iv-IF, l2)", .format = format_netdevs },
        { .key = "nsboot.network-macvlan", .long_option = "network-macvlan", .parse = parse_network_macvlan,
          .offset = FIELD(netdevs), .flags = SETTING_LIST | SETTING_NO_PRINT | P, .metavar = "IF[:NAME[:MODE]]",
          .expect = "a host interface, optionally :name inside and :private, :vepa, :bridge or :passthru",
          .doc = "Add a macvlan on a host interface (default mv-IF, bridge)", .format = format_netdevs },
        { .key = "nsboot.network-namespace-path", .lxc_key = "lxc.namespace.share.net",
          .long_option = "network-namespace-path", .parse = parse_ns_spec, .offset = FIELD(netns_path), .flags = P,
          .metavar = "PATH", .expect = "a network namespace file (/run/netns/NAME), a PID or a running machine's name",
          .doc = "Join this network namespace instead of the host's (no interfaces of nsboot's own)",
          .format = format_string },
        { .key = "nsboot.network-veth", .long_option = "network-veth", .short_option = 'n', .parse = parse_network_flag,
          .offset = FIELD(netdevs), .flags = SETTING_FLAG | SETTING_NO_PRINT | P, .cli_value = "yes",
          .expect = "yes or no", .doc = "Add a veth pair: ve-MACHINE on the host, host0 inside",
          .format = format_netdevs },
        { .key = "nsboot.network-veth-extra", .long_option = "network-veth-extra", .parse = parse_network_veth_extra,
          .offset = FIELD(netdevs), .flags = SETTING_LIST | SETTING_NO_PRINT | P, .metavar = "HOST[:CONT]",
          .expect = "a host-side interface name, optionally :the name inside",
          .doc = "Add a veth pair named HOST on the host and CONT (default HOST) inside", .format = format_netdevs },
        { .key = "nsboot.network-vlan", .long_option = "network-vlan", .parse = parse_network_vlan,
          .offset = FIELD(netdevs), .flags = SETTING_LIST | SETTING_NO_PRINT | P, .metavar = "IF:ID[:NAME]",
          .expect = "a host interface and a VLAN ID from 0 to 4094, optionally :name inside",
          .doc = "Add an 802.1Q VLAN interface on a host interface (default IF.ID)", .format = format_netdevs },
        { .key = "nsboot.network-zone", .long_option = "network-zone", .parse = parse_network_zone,
          .offset = FIELD(netdevs), .flags = SETTING_LIST | SETTING_NO_PRINT | P, .metavar = "NAME",
          .expect = "a zone name of up to 12 characters",
          .doc = "Add a veth on the bridge vz-NAME, made while machines use it", .format = format_netdevs },
        { .key = "nsboot.no-new-privileges", .lxc_key = "lxc.no_new_privs", .long_option = "no-new-privileges",
          .parse = parse_bool, .offset = FIELD(no_new_privileges), .metavar = "BOOL", .expect = "yes or no (1 or 0)",
          .doc = "Set no_new_privs: setuid bits and file capabilities give nothing", .format = format_bool },
        { .key = "nsboot.notify-ready", .long_option = "notify-ready", .parse = parse_bool,
          .offset = FIELD(notify_ready), .metavar = "BOOL", .expect = "yes or no",
          .doc = "Report readiness only when the guest's init sends READY=1", .format = format_bool },
        { .key = "nsboot.oom-score-adjust", .lxc_key = "lxc.proc.oom_score_adj", .long_option = "oom-score-adjust",
          .parse = parse_oom_score_adjust, .offset = FIELD(oom_score_adjust), .flags = P, .metavar = "N",
          .expect = "an integer from -1000 to 1000, or empty",
          .doc = "The OOM killer's adjustment for the guest's init (inherited by its processes)",
          .format = format_oom_score_adjust },
        { .key = "nsboot.overlay", .long_option = "overlay", .parse = parse_overlay, .offset = FIELD(overlays),
          .flags = SETTING_LIST | P, .metavar = "[+]LOWER:...:[+]UPPER:DEST",
          .expect = "two or more host directories (+: in the tree; an empty upper means a tmpfs) and a container path",
          .doc = "Mount an overlay of host directories at DEST; writes go to the upper one", .format = format_strv },
        { .key = "nsboot.overlay-ro", .long_option = "overlay-ro", .parse = parse_overlay, .offset = FIELD(overlays_ro),
          .flags = SETTING_LIST | P, .metavar = "[+]LOWER:...:DEST",
          .expect = "two or more host directories (+: in the tree) and a container path",
          .doc = "Mount a read-only overlay of host directories at DEST", .format = format_strv },
        { .key = "nsboot.parameters", .parse = parse_parameters, .offset = FIELD(parameters),
          .expect = "arguments ('...' and \"...\" quote), or empty",
          .doc = "With -b the init's arguments, else the command and its arguments; those of the command line "
                 "replace them (systemd-nspawn's Parameters=)",
          .format = format_command_line },
        { .key = "nsboot.personality", .lxc_key = "lxc.arch", .lxc_alt_key = "lxc.personality",
          .long_option = "personality", .parse = parse_personality, .offset = FIELD(personality),
          .metavar = "ARCH", .expect = "x86 (or i686, linux32, ...) for a 32-bit guest, or x86-64 (amd64, linux64, ...)",
          .doc = "Architecture uname reports in the guest (a 32-bit tree on a 64-bit host)",
          .format = format_personality },
        { .key = "nsboot.pids.max", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "a number of tasks, or infinity",
          .doc = "Most processes and threads at once (TasksMax=, pids.max)", .format = format_strv },
        { .key = "nsboot.pivot-root", .long_option = "pivot-root", .parse = parse_pivot_root, .offset = FIELD(pivot_root),
          .metavar = "PATH[:PATH]", .expect = "an absolute path in the tree, optionally :an absolute path in it for "
                                             "the old root",
          .doc = "Make this directory of the tree the root, the tree's top unmounted or at the second path",
          .format = format_pivot_root },
        { .key = "nsboot.port", .long_option = "port", .short_option = 'p', .parse = parse_port, .offset = FIELD(ports),
          .flags = SETTING_LIST | P, .metavar = "[tcp:|udp:]HOST[:CONT]",
          .expect = "[tcp:|udp:]HOSTPORT[:CONTAINERPORT] with ports 1-65535, each protocol and host port once",
          .doc = "Forward a host port to the container's first veth addresses (IPv4 and IPv6)", .format = format_strv },
        { .key = "nsboot.private-network", .long_option = "private-network", .parse = parse_bool,
          .offset = FIELD(private_network), .flags = SETTING_FLAG | P, .cli_value = "yes", .expect = "yes or no",
          .doc = "Own network namespace with only loopback", .format = format_bool },
        { .key = "nsboot.private-time", .long_option = "private-time", .parse = parse_bool,
          .offset = FIELD(private_time), .metavar = "BOOL", .expect = "yes or no",
          .doc = "Own clocks: uptime counts from the guest's start (default yes)", .format = format_bool },
        { .key = "nsboot.private-users", .long_option = "private-users", .short_option = 'U',
          .parse = parse_private_users, .offset = FIELD(userns), .flags = SETTING_FLAG | P, .cli_value = "pick",
          .metavar = "MODE", .expect = "pick, yes, no, identity or BASE[:SIZE]",
          .doc = "User namespace of the guest (default pick: a free range of 65536 host ids)",
          .format = format_private_users },
        { .key = "nsboot.private-users-ownership", .long_option = "private-users-ownership", .parse = parse_ownership,
          .offset = FIELD(userns), .flags = P, .metavar = "MODE", .expect = "auto, map, chown or off",
          .doc = "How the tree's owners fit the guest's ids (auto: an idmapped mount when needed)",
          .format = format_ownership },
        { .key = "nsboot.proc.hide", .long_option = "inaccessible", .parse = parse_hide, .offset = FIELD(proc_hide),
          .flags = SETTING_LIST, .metavar = "PATH", .expect = "an absolute path in the guest, e.g. /proc/uptime (at most 256)",
          .doc = "Make a path in the guest inaccessible (/proc entries included)", .format = format_strv },
        { .key = "nsboot.proc.virtualize", .long_option = "proc-virtualize", .parse = parse_bool,
          .offset = FIELD(proc_virtualize), .metavar = "BOOL", .expect = "yes or no",
          .doc = "Show the guest its own memory, CPUs, load and disk I/O in /proc (default yes)",
          .format = format_bool },
        { .key = "nsboot.property", .long_option = "property", .parse = parse_property, .offset = FIELD(properties),
          .flags = SETTING_LIST | P, .metavar = "NAME=VALUE",
          .expect = "CPUQuota=N%, CPUWeight=N, Description=TEXT, IOWeight=N, MemoryHigh=SIZE, MemoryMax=SIZE, "
                    "MemorySwapMax=SIZE or TasksMax=N",
          .doc = "Set a property of the machine's scope", .format = format_strv },
        { .key = "nsboot.pty-max", .lxc_key = "lxc.pty.max", .lxc_legacy_key = "lxc.pts", .parse = parse_unsigned,
          .offset = FIELD(pty_max), .expect = "a number of ptys up to 4096 (0: no limit)",
          .doc = "Most ptys the container may open at once", .format = format_unsigned },
        { .key = "nsboot.quiet", .long_option = "quiet", .short_option = 'q', .parse = parse_bool,
          .offset = FIELD(quiet), .flags = SETTING_FLAG, .cli_value = "yes", .expect = "yes or no",
          .doc = "Do not print the banner and informational messages", .format = format_bool },
        { .key = "nsboot.read-only", .long_option = "read-only", .parse = parse_bool, .offset = FIELD(read_only),
          .flags = SETTING_FLAG, .cli_value = "yes", .expect = "yes or no",
          .doc = "Mount the root (tree or image) read-only", .format = format_bool },
        { .key = "nsboot.reboot-signal", .lxc_key = "lxc.signal.reboot", .lxc_legacy_key = "lxc.rebootsignal",
          .long_option = "reboot-signal", .parse = parse_signal, .offset = FIELD(reboot_signal), .metavar = "SIGNAL",
          .expect = "a signal name or number", .doc = "Signal sent to PID 1 to reboot it (default: the init's own way)",
          .format = format_signal },
        { .key = "nsboot.register", .long_option = "register", .parse = parse_register, .offset = FIELD(register_mode), .flags = P,
          .metavar = "yes|no|auto", .expect = "yes, no or auto",
          .doc = "Register with systemd-machined (auto: when it answers)", .format = format_register },
        { .key = "nsboot.resolv-conf", .long_option = "resolv-conf", .parse = parse_resolv_conf,
          .offset = FIELD(resolv_conf), .flags = P, .metavar = "MODE",
          .expect = "off, copy-host, copy-static, copy-uplink, copy-stub, replace-host, replace-static, replace-uplink, "
                    "replace-stub, bind-host, bind-static, bind-uplink, bind-stub, delete or auto",
          .doc = "Set the guest's /etc/resolv.conf from the host's, as systemd-nspawn (default: off)",
          .format = format_resolv_conf },
        { .key = "nsboot.rlimit", .lxc_key = "lxc.prlimit.", .lxc_legacy_key = "lxc.limit.", .long_option = "rlimit",
          .parse = parse_rlimit, .offset = FIELD(rlimits), .flags = SETTING_LIST | SETTING_FAMILY | P, .metavar = "NAME=SOFT[:HARD]",
          .expect = "NAME=SOFT[:HARD], NAME one of as, core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, "
                    "nproc, rss, rtprio, rttime, sigpending, stack; values a number or unlimited",
          .doc = "Resource limit of PID 1 (lxc.prlimit.NAME)", .format = format_rlimits },
        { .key = "nsboot.rootfs-options", .lxc_key = "lxc.rootfs.options", .parse = parse_rootfs_options,
          .offset = FIELD(userns), .flags = SETTING_NO_PRINT | P, .expect = "idmap=container",
          .doc = "Root mount options; idmap=container mounts the tree idmapped", .format = format_ownership },
        { .key = "nsboot.seccomp-profile", .lxc_key = "lxc.seccomp.profile", .lxc_legacy_key = "lxc.seccomp",
          .parse = parse_seccomp_profile, .offset = FIELD(seccomp_profile_path), .flags = P,
          .expect = "the absolute path of an LXC seccomp profile (format 1 or 2)",
          .doc = "Stack an LXC seccomp profile on nsboot's system call filter", .format = format_string },
        { .key = "nsboot.session-keyring", .lxc_key = "lxc.keyring.session", .parse = parse_bool,
          .offset = FIELD(session_keyring), .flags = P, .expect = "1 or 0 (yes or no)",
          .doc = "Give the guest a new session keyring (no: the caller's own, which the guest can then use)",
          .format = format_bool },
        { .key = "nsboot.set-credential", .long_option = "set-credential", .parse = parse_set_credential,
          .offset = FIELD(credentials), .flags = SETTING_LIST | SETTING_NO_PRINT | SETTING_SECRET,
          .metavar = "ID:VALUE", .expect = "a credential name, ':' and the value (C escapes such as \\n), "
          "with all credentials together at most 1M",
          .doc = "Pass VALUE to the guest's init as credential ID", .format = NULL },
        { .key = "nsboot.setenv", .lxc_key = "lxc.environment", .lxc_alt_key = "lxc.environment.runtime",
          .long_option = "setenv", .short_option = 'E',
          .parse = parse_env, .offset = FIELD(environment), .flags = SETTING_LIST, .metavar = "VAR[=VALUE]",
          .expect = "VAR=VALUE or VAR", .doc = "Set an environment variable for PID 1", .format = format_strv },
        { .key = "nsboot.slice", .long_option = "slice", .short_option = 'S', .parse = parse_slice,
          .offset = FIELD(slice), .flags = P, .metavar = "SLICE", .expect = "a slice unit name such as machine-web.slice",
          .doc = "Place the machine's scope in this slice", .format = format_string },
        { .key = "nsboot.start-auto", .lxc_key = "lxc.start.auto", .parse = parse_bool, .offset = FIELD(start_auto),
          .expect = "yes or no (1 or 0)",
          .doc = "Start at boot: nsboot-generator enables nsboot@NAME.service", .format = format_bool },
        { .key = "nsboot.start-delay", .lxc_key = "lxc.start.delay", .parse = parse_unsigned,
          .offset = FIELD(start_delay), .expect = "seconds, up to 4096",
          .doc = "Seconds to wait after this machine started before later ones start", .format = format_unsigned },
        { .key = "nsboot.start-order", .lxc_key = "lxc.start.order", .parse = parse_int, .offset = FIELD(start_order),
          .expect = "an integer; lower starts earlier", .doc = "Start order among autostarted machines",
          .format = format_int },
        { .key = "nsboot.stop-signal", .lxc_key = "lxc.signal.stop", .lxc_legacy_key = "lxc.stopsignal",
          .parse = parse_signal, .offset = FIELD(stop_signal), .flags = P, .expect = "a signal name or number",
          .doc = "Signal for a forced stop (the second SIGTERM; default SIGKILL)", .format = format_signal },
        { .key = "nsboot.stop-timeout", .long_option = "stop-timeout", .parse = parse_unsigned,
          .offset = FIELD(stop_timeout), .metavar = "SECONDS", .expect = "seconds up to 4096 (0: no limit)",
          .doc = "Time for a clean stop before the guest is killed (default 60)", .format = format_unsigned },
        { .key = "nsboot.suppress-sync", .long_option = "suppress-sync", .parse = parse_bool,
          .offset = FIELD(suppress_sync), .flags = SETTING_FLAG, .cli_value = "yes", .expect = "yes or no",
          .doc = "Make sync(), fsync() and the like succeed without waiting for the disk (fast, unsafe on a crash)",
          .format = format_bool },
        { .key = "nsboot.sysctl", .lxc_key = "lxc.sysctl.", .long_option = "sysctl", .parse = parse_sysctl,
          .offset = FIELD(sysctls), .flags = SETTING_LIST | SETTING_FAMILY, .metavar = "KEY=VALUE",
          .expect = "KEY=VALUE with a dotted sysctl name (net.*, kernel.hostname, kernel.shm*, fs.mqueue.*, …)",
          .doc = "Set a per-container sysctl (lxc.sysctl.KEY)", .format = format_strv },
        { .key = "nsboot.system-call-filter", .long_option = "system-call-filter", .parse = parse_syscall_filter,
          .offset = FIELD(syscall_filter), .flags = SETTING_LIST | P, .metavar = "LIST",
          .expect = "system call names and @groups to allow, or after '~' to deny, e.g. '~@clock sethostname'",
          .doc = "Allow these system calls, or deny them with a leading ~", .format = format_syscall_filter,
          .untrusted_ok = syscall_filter_value_restricts },
        { .key = "nsboot.template", .long_option = "template", .parse = parse_absolute_path,
          .offset = FIELD(template_dir), .flags = P, .metavar = "DIR",
          .expect = "an absolute path of a directory tree",
          .doc = "Make the tree as a copy of DIR (reflinks where possible) if it does not exist", .format = format_string },
        { .key = "nsboot.time-offset.boot", .lxc_key = "lxc.time.offset.boot", .parse = parse_time_offset,
          .offset = FIELD(time_offset_boot), .expect = "an offset such as -1h, 30s or 1500ms (h, m, s, ms, us, ns)",
          .doc = "Boot-time clock of the guest: the host's plus this, instead of starting at zero",
          .format = format_time_offset },
        { .key = "nsboot.time-offset.monotonic", .lxc_key = "lxc.time.offset.monotonic",
          .parse = parse_time_offset, .offset = FIELD(time_offset_monotonic),
          .expect = "an offset such as -1h, 30s or 1500ms (h, m, s, ms, us, ns)",
          .doc = "Monotonic clock of the guest: the host's plus this, instead of starting at zero",
          .format = format_time_offset },
        { .key = "nsboot.timezone", .long_option = "timezone", .parse = parse_timezone, .offset = FIELD(timezone),
          .flags = P, .metavar = "MODE", .expect = "off, copy, bind, symlink, delete or auto",
          .doc = "Set the guest's /etc/localtime from the host's, as systemd-nspawn (default: off)",
          .format = format_timezone },
        { .key = "nsboot.tmpfs", .long_option = "tmpfs", .parse = parse_tmpfs, .offset = FIELD(mounts),
          .flags = SETTING_NO_PRINT | SETTING_LIST, .metavar = "PATH[:OPTIONS]",
          .expect = "an absolute container path, optionally :tmpfs options",
          .doc = "Mount an empty tmpfs at PATH in the container", .format = format_mounts },
        { .key = "nsboot.tty-max", .lxc_key = "lxc.tty.max", .lxc_legacy_key = "lxc.tty", .parse = parse_unsigned,
          .offset = FIELD(tty_max), .expect = "a number of ttys up to 4096",
          .doc = "Extra ttys /dev/tty1..N for gettys, on ptys", .format = format_unsigned },
        { .key = "nsboot.user", .long_option = "user", .short_option = 'u', .parse = parse_user, .offset = FIELD(user),
          .metavar = "USER", .expect = "a user name or UID", .doc = "Run the command as this user of the tree",
          .format = format_string },
        { .key = "nsboot.uts-namespace-path", .lxc_key = "lxc.namespace.share.uts", .long_option = "uts-namespace-path",
          .parse = parse_ns_spec, .offset = FIELD(uts_ns_path), .flags = P, .metavar = "PATH",
          .expect = "a UTS namespace file (/proc/PID/ns/uts), a PID or a running machine's name",
          .doc = "Join this UTS namespace (host and domain name) instead of an own one", .format = format_string },
        { .key = "nsboot.uuid", .long_option = "uuid", .parse = parse_uuid, .offset = FIELD(uuid), .flags = P,
          .metavar = "UUID", .expect = "a UUID or 32 hex digits",
          .doc = "Container UUID when the tree has no machine ID", .format = format_uuid },
        { .key = "nsboot.volatile", .long_option = "volatile", .parse = parse_volatile, .offset = FIELD(volatile_mode),
          .flags = SETTING_FLAG, .cli_value = "yes", .metavar = "MODE", .expect = "yes, state, overlay or no",
          .doc = "Boot with a tmpfs root and the tree's /usr (yes), a tmpfs /var (state) or an overlay (overlay)",
          .format = format_volatile },
        /* LXC keys without a setting of their own, by LXC key. */
        LXC_ONLY("lxc.apparmor.", NULL, KEY_IGNORED, "nsboot does not load AppArmor profiles"),
        LXC_ONLY("lxc.apparmor.allow_incomplete", "lxc.aa_allow_incomplete", KEY_IGNORED,
                 "nsboot does not load AppArmor profiles"),
        LXC_ONLY("lxc.apparmor.profile", "lxc.aa_profile", KEY_IGNORED, "nsboot does not load AppArmor profiles"),
        { .lxc_key = "lxc.autodev", .status = KEY_ACCEPTED, .parse = parse_autodev,
          .note = "nsboot always gives the container its own /dev, with the standard nodes; the tree's static "
                  "nodes (e.g. /dev/ttyS0) are not there: bind them (lxc.mount.entry) and allow them "
                  "(lxc.cgroup2.devices.allow)" },
        { .lxc_key = "lxc.cgroup.", .parse = parse_cgroup_v1, .offset = FIELD(cgroup_settings), .flags = SETTING_LIST | P,
          .note = "a cgroup v1 setting: nsboot writes its cgroup2 equivalent",
          .expect = "memory.limit_in_bytes, memory.soft_limit_in_bytes, cpu.shares (2-262144), pids.max, cpuset.cpus or "
                    "cpuset.mems, each with a value of that file",
          .doc = "cgroup v1 setting, converted to cgroup2" },
        LXC_ONLY("lxc.cgroup.dir", NULL, KEY_ACCEPTED,
                 "placement metadata: nsboot places the machine in its own scope (--slice chooses where)"),
        { .lxc_key = "lxc.cgroup.dir.", .status = KEY_ACCEPTED,
          .note = "placement metadata: nsboot places the machine in its own scope (--slice chooses where)" },
        LXC_ONLY("lxc.cgroup.relative", NULL, KEY_ACCEPTED,
                 "placement metadata: nsboot places the machine in its own scope (--slice chooses where)"),
        LXC_ONLY("lxc.console.", NULL, KEY_UNSUPPORTED, "only lxc.console.path, logfile, size, rotate and buffer.size exist"),
        LXC_ONLY("lxc.environment.", NULL, KEY_UNSUPPORTED, "only lxc.environment.runtime and lxc.environment.hooks exist"),
        LXC_ONLY("lxc.group", NULL, KEY_ACCEPTED,
                 "autostart metadata: nsboot-generator starts every machine with lxc.start.auto = 1"),
        LXC_ONLY("lxc.hook.clone", NULL, KEY_IGNORED, "nsboot does not clone containers"),
        LXC_ONLY("lxc.hook.destroy", NULL, KEY_IGNORED, "nsboot does not destroy containers"),
        LXC_ONLY("lxc.init.", NULL, KEY_UNSUPPORTED, "only lxc.init.cmd, cwd, uid, gid and groups exist"),
        LXC_ONLY("lxc.kmsg", NULL, KEY_OBSOLETE, NULL),
        LXC_ONLY("lxc.log.", NULL, KEY_IGNORED, "nsboot logs to its standard error"),
        LXC_ONLY("lxc.log.syslog", "lxc.syslog", KEY_IGNORED, "nsboot logs to its standard error"),
        LXC_ONLY("lxc.monitor.", NULL, KEY_IGNORED, "nsboot itself is the monitor"),
        { .lxc_key = "lxc.mount.auto", .status = KEY_ACCEPTED, .parse = parse_mount_auto,
          .note = "nsboot mounts /proc and /sys mixed (read-only but for what the guest owns) and cgroupfs as the "
                  "own subtree of the guest, whatever the security mode; rw is tightened to that" },
        LXC_ONLY("lxc.namespace.", NULL, KEY_UNSUPPORTED,
                 "only lxc.namespace.clone, lxc.namespace.keep and lxc.namespace.share.net, .uts and .ipc exist"),
        { .lxc_key = "lxc.namespace.clone", .parse = parse_namespace_clone, .offset = FIELD(ns_clone), .flags = P,
          .note = "nsboot makes the mount, PID, UTS, IPC and cgroup namespaces whether listed or not, and a user "
                  "namespace unless lxc.namespace.keep = user (or nsboot.private-users = no) says otherwise; "
                  "net and time are made when listed",
          .expect = "a blank-separated list of mnt, pid, uts, ipc, net, user, cgroup and time",
          .doc = "Namespaces to make: net and time only when listed" },
        { .lxc_key = "lxc.namespace.keep", .parse = parse_namespace_keep, .offset = FIELD(ns_keep), .flags = P,
          .expect = "a blank-separated list of net, user and time (the host's network, no user namespace: "
                    "privileged, the host's clocks); mnt, pid, uts, ipc and cgroup namespaces are always the "
                    "machine's own",
          .doc = "Namespaces kept from the host: net, user (privileged) or time" },
        LXC_ONLY("lxc.pivotdir", NULL, KEY_OBSOLETE, NULL),
        LXC_ONLY("lxc.proc.", NULL, KEY_UNSUPPORTED, "only lxc.proc.oom_score_adj exists; nsboot writes no other /proc/PID file"),
        LXC_ONLY("lxc.rootfs.backend", NULL, KEY_OBSOLETE, NULL),
        LXC_ONLY("lxc.rootfs.managed", NULL, KEY_IGNORED, "nsboot never deletes a tree"),
        LXC_ONLY("lxc.rootfs.mount", NULL, KEY_IGNORED, "nsboot needs no staging directory"),
        LXC_ONLY("lxc.seccomp.allow_nesting", NULL, KEY_IGNORED, "nsboot always stacks its filters on any it runs under"),
        LXC_ONLY("lxc.seccomp.notify.", NULL, KEY_UNSUPPORTED, "nsboot has no seccomp notifier to forward calls to"),
        LXC_ONLY("lxc.selinux.", NULL, KEY_IGNORED, "nsboot does not set SELinux contexts"),
        LXC_ONLY("lxc.selinux.context", "lxc.se_context", KEY_IGNORED, "nsboot does not set SELinux contexts"),
        LXC_ONLY("lxc.start.", NULL, KEY_UNSUPPORTED, "only lxc.start.auto, lxc.start.order and lxc.start.delay exist"),
        LXC_ONLY("lxc.time.", NULL, KEY_UNSUPPORTED, "only lxc.time.offset.boot and lxc.time.offset.monotonic exist"),
        LXC_ONLY("lxc.tty.dir", "lxc.devttydir", KEY_IGNORED, "the console and ttys are always directly in /dev"),
};

const size_t settings_table_size = ELEMENTSOF(settings_table);

static bool is_family(const char *spelling) {
        return spelling && spelling[strlen(spelling) - 1] == '.';
}

const char *settings_net_sub(const SettingDef *def) {
        const char *sub = def->key ? startswith(def->key, "nsboot.net.N") : NULL;

        return sub && *sub == '.' ? sub + 1 : NULL;
}

/* A net row's LXC <= 2.0 spelling: its own, else lxc.network.N.SUB. */
static bool net_legacy_is(const SettingDef *d, const char *pattern) {
        const char *sub = settings_net_sub(d), *rest = startswith(pattern, "lxc.network.N.");

        if (d->lxc_legacy_key)
                return streq(d->lxc_legacy_key, pattern);
        return sub && rest && streq(rest, sub);
}

/* "lxc.net.12.link" -> "lxc.net.N.link" and 12. */
static bool net_pattern(const char *key, char *ret, size_t size, int *ret_index) {
        static const char *const prefixes[] = { "nsboot.net.", "lxc.net.", "lxc.network." };

        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++) {
                const char *rest = startswith(key, prefixes[i]);
                size_t digits = rest ? strspn(rest, "0123456789") : 0;
                unsigned v;

                if (digits == 0 || digits > 4 || (rest[digits] && rest[digits] != '.'))
                        continue;
                if (safe_atou(strndupa(rest, digits), &v) < 0)
                        return false;
                snprintf(ret, size, "%sN%s", prefixes[i], rest + digits);
                *ret_index = (int) v;
                return true;
        }
        return false;
}

static bool lookup_exact(const char *key, SettingMatch *ret) {
        for (size_t i = 0; i < settings_table_size; i++) {
                const SettingDef *d = &settings_table[i];
                const char *names[] = { d->key, d->lxc_key, d->lxc_alt_key, d->lxc_legacy_key };

                if (d->flags & SETTING_NET)
                        continue;
                for (size_t k = 0; k < ELEMENTSOF(names); k++)
                        if (names[k] && !is_family(names[k]) && streq(names[k], key)) {
                                *ret = (SettingMatch) { .def = d, .legacy = k == 3, .index = -1 };
                                return true;
                        }
        }
        return false;
}

static bool lookup_net(const char *key, SettingMatch *ret) {
        char pattern[128];
        int index = -1;

        if (!net_pattern(key, pattern, sizeof pattern, &index) && !streq(key, "lxc.network"))
                snprintf(pattern, sizeof pattern, "%s", key);
        for (size_t i = 0; i < settings_table_size; i++) {
                const SettingDef *d = &settings_table[i];

                if (!(d->flags & SETTING_NET))
                        continue;
                if (streq(d->key, pattern) || streq_ptr(d->lxc_key, pattern) || net_legacy_is(d, pattern)) {
                        *ret = (SettingMatch) { .def = d, .legacy = !!startswith(pattern, "lxc.network"),
                                                .index = index };
                        return true;
                }
        }
        if (streq(key, "lxc.network")) {
                *ret = (SettingMatch) { .def = settings_table_find_key("nsboot.net"), .legacy = true, .index = -1 };
                return true;
        }
        return false;
}

/* The longest family prefix of key, with something after it. */
static bool lookup_family(const char *key, SettingMatch *ret) {
        size_t best = 0;

        for (size_t i = 0; i < settings_table_size; i++) {
                const SettingDef *d = &settings_table[i];
                const char *names[] = { d->lxc_key, d->lxc_alt_key, d->lxc_legacy_key };
                size_t n;

                for (size_t k = 0; k < ELEMENTSOF(names); k++) {
                        n = names[k] ? strlen(names[k]) : 0;
                        if (is_family(names[k]) && n > best && strncmp(key, names[k], n) == 0 && key[n]) {
                                best = n;
                                *ret = (SettingMatch) { .def = d, .legacy = k == 2, .rest = key + n, .index = -1 };
                        }
                }
                n = d->key ? strlen(d->key) : 0;
                if (d->flags & SETTING_FAMILY && n + 1 > best && strncmp(key, d->key, n) == 0 && key[n] == '.' &&
                    key[n + 1]) {
                        best = n + 1;
                        *ret = (SettingMatch) { .def = d, .rest = key + n + 1, .index = -1 };
                }
        }
        return best > 0;
}

bool settings_table_lookup(const char *key, SettingMatch *ret) {
        return lookup_exact(key, ret) || lookup_net(key, ret) || lookup_family(key, ret);
}

char *settings_match_modern_key(const SettingMatch *m) {
        const char *lxc = m->def->lxc_key ?: m->def->key;
        const char *n = lxc ? strstr(lxc, ".N") : NULL;
        char *k = NULL;

        if (!lxc)
                return NULL;
        if (m->def->flags & SETTING_NET && n && m->index >= 0) {
                if (asprintf(&k, "%.*s.%d%s", (int) (n - lxc), lxc, m->index, n + 2) < 0)
                        return NULL;
                return k;
        }
        if (m->rest && is_family(lxc))
                return asprintf(&k, "%s%s", lxc, m->rest) < 0 ? NULL : k;
        return strdup(lxc);
}

const SettingDef *settings_table_net_row(unsigned n) {
        for (size_t i = 0; i < settings_table_size; i++)
                if (settings_table[i].flags & SETTING_NET && settings_net_sub(&settings_table[i]) && n-- == 0)
                        return &settings_table[i];
        return NULL;
}

const SettingDef *settings_table_find_net(const char *sub, unsigned *ret_ordinal) {
        const SettingDef *d;

        for (unsigned n = 0; (d = settings_table_net_row(n)); n++)
                if (streq(settings_net_sub(d), sub)) {
                        if (ret_ordinal)
                                *ret_ordinal = n;
                        return d;
                }
        return NULL;
}

const SettingDef *settings_table_find_key(const char *key) {
        for (size_t i = 0; i < settings_table_size; i++)
                if (settings_table[i].key && streq(settings_table[i].key, key))
                        return &settings_table[i];
        return NULL;
}

const SettingDef *settings_table_find_long(const char *option) {
        for (size_t i = 0; i < settings_table_size; i++)
                if (settings_table[i].long_option && streq(settings_table[i].long_option, option))
                        return &settings_table[i];
        return NULL;
}

const SettingDef *settings_table_find_short(char c) {
        for (size_t i = 0; i < settings_table_size; i++)
                if (c != 0 && settings_table[i].short_option == c)
                        return &settings_table[i];
        return NULL;
}

int settings_assign(Settings *s, const SettingDef *def, const char *value, const char *where) {
        _cleanup_free_ char *redacted = NULL;
        int r;

        r = def->parse(def, value, (char *) s + def->offset);
        if (r < 0 && def->flags & SETTING_SECRET) {
                /* Its name only; with no ':' the whole value may be the secret. */
                if (!strchr(value, ':'))
                        value = "(redacted)";
                else if (asprintf(&redacted, "%.*s:...", (int) strcspn(value, ":"), value) < 0)
                        return log_oom();
                value = redacted ?: value;
        }
        if (r == -ENOMEM)
                return log_oom();
        if (r == -EEXIST)
                return log_error_errno(r, "%s: '%s' is given twice", where, value);
        if (r == -ENOENT)
                return log_error_errno(r, "%s: '%s' does not exist", where, value);
        if (r == -E2BIG)
                return log_error_errno(r, "%s: '%s' is too large (expected %s)", where, value, def->expect);
        if (r == -EOPNOTSUPP)
                return log_error_errno(r, "%s: not supported yet ('%s'; expected %s)", where, value, def->expect);
        if (r < 0)
                return log_error_errno(r, "%s: invalid value '%s' (expected %s)", where, value, def->expect);
        return 0;
}
