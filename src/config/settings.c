/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/strv.h"
#include "log.h"
#include "journal-link.h"
#include "netdev.h"
#include "overlay.h"
#include "seccomp-profile.h"
#include "sysctl.h"
#include <linux/capability.h>

#include "caps.h"
#include "settings-parse.h"
#include "settings.h"
#include "storage.h"

static const char *const console_mode_table[_CONSOLE_MODE_MAX] = {
        [CONSOLE_INTERACTIVE] = "interactive",
        [CONSOLE_READ_ONLY] = "read-only",
        [CONSOLE_PASSIVE] = "passive",
        [CONSOLE_PIPE] = "pipe",
};

DEFINE_STRING_TABLE_LOOKUP(console_mode, ConsoleMode, console_mode_table, _CONSOLE_MODE_MAX);

Settings *settings_new(void) {
        Settings *s = calloc(1, sizeof(Settings));

        if (!s)
                return NULL;
        s->console_mode = _CONSOLE_MODE_INVALID;
        s->link_journal = LINK_JOURNAL_AUTO;
        s->userns.mode = USERNS_PICK;
        s->private_time = true;
        s->session_keyring = true;
        s->proc_virtualize = true;
        s->log_level = -1;
        s->personality = PERSONALITY_UNSET;
        s->stop_timeout = 60; /* lxc-stop's; below systemd's 90 s stop timeout of nsboot@.service */
        return s;
}

Settings *settings_free(Settings *s) {
        if (!s)
                return NULL;
        free(s->directory);
        free(s->image);
        free(s->image_policy);
        free(s->template_dir);
        strv_free(s->overlays);
        strv_free(s->bind_users);
        free(s->bind_user_shell);
        strv_free(s->overlays_ro);
        free(s->machine);
        free(s->hostname);
        free(s->user);
        credential_list_done(&s->credentials);
        free(s->chdir);
        free(s->slice);
        free(s->netns_path);
        free(s->uts_ns_path);
        free(s->ipc_ns_path);
        free(s->pivot_root);
        free(s->pivot_root_old);
        strv_free(s->ports);
        strv_free(s->init_cmd);
        strv_free(s->execute_cmd);
        strv_free(s->sysctls);
        strv_free(s->cgroup_settings);
        strv_free(s->proc_hide);
        strv_free(s->properties);
        strv_free(s->environment);
        strv_free(s->hook_environment);
        strv_free(s->parameters);
        for (size_t i = 0; i < _HOOK_TYPE_MAX; i++)
                strv_free(s->hooks[i]);
        free(s->config_file);
        free(s->log_file);
        free(s->console_log);
        free(s->console_path);
        custom_mounts_done(&s->mounts);
        netdev_configs_done(&s->netdevs);
        device_rules_done(&s->device_rules);
        syscall_filter_done(&s->syscall_filter);
        free(s->seccomp_profile_path);
        seccomp_profile_free(s->seccomp_profile);
        free(s);
        return NULL;
}

void settings_file_mark(Settings *s, size_t offset) {
        if (settings_file_set(s, offset) || s->n_file_fields >= ELEMENTSOF(s->file_fields))
                return;
        s->file_fields[s->n_file_fields++] = offset;
}

bool settings_file_set(const Settings *s, size_t offset) {
        for (size_t i = 0; i < s->n_file_fields; i++)
                if (s->file_fields[i] == offset)
                        return true;
        return false;
}

bool hostname_is_valid(const char *s) {
        size_t n = 0;
        char prev = '.';

        if (isempty(s))
                return false;
        for (const char *p = s; *p; p++, n++) {
                bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');

                if (!alnum && !strchr("-_.", *p))
                        return false;
                /* No empty labels and no label starting with '-'. */
                if ((*p == '.' || *p == '-') && prev == '.')
                        return false;
                prev = *p;
        }
        return n <= 64 && prev != '.';
}

bool machine_name_is_valid(const char *s) {
        return hostname_is_valid(s);
}

/* Directories searched for -M NAME without -D, as systemd-nspawn and machinectl search them. */
static const char *const machine_search_path[] = { MACHINE_DIRS };

int settings_find_machine(const char *name, bool images, char **ret, bool *ret_image) {
        for (size_t i = 0; i < ELEMENTSOF(machine_search_path); i++)
                for (int image = 0; image <= images; image++) {
                        _cleanup_free_ char *p = NULL;
                        struct stat st;

                        if (asprintf(&p, "%s/%s%s", machine_search_path[i], name, image ? ".raw" : "") < 0)
                                return -ENOMEM;
                        if (stat(p, &st) < 0 ||
                            !(image ? S_ISREG(st.st_mode) || S_ISBLK(st.st_mode) : S_ISDIR(st.st_mode)))
                                continue;
                        *ret = TAKE_PTR(p);
                        if (ret_image)
                                *ret_image = image;
                        return 0;
                }
        return -ENOENT;
}

int settings_find_machine_directory(const char *name, char **ret) {
        return settings_find_machine(name, false, ret, NULL);
}

/* -M NAME alone: the tree or the disk image NAME.raw, as systemd-nspawn -M and machinectl find
 * them. */
static int find_machine(Settings *s) {
        bool image;
        char *p;
        int r = settings_find_machine(s->machine, true, &p, &image);

        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(SYNTHETIC_ERRNO(ENOENT),
                                       "No tree or image for machine '%s' in /var/lib/machines and the other machine "
                                       "directories; use -D/--directory= or -i/--image=", s->machine);
        if (image)
                s->image = p;
        else
                s->directory = p;
        return 0;
}

/* -i FILE instead of a tree: an absolute path; the file itself is checked when it is opened. */
static int validate_image(Settings *s) {
        char *resolved;

        if (s->directory)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "-i/--image= and -D/--directory= exclude each other");
        resolved = realpath(s->image, NULL);
        if (!resolved)
                return log_error_errno(errno, "-i/--image=%s: %m", s->image);
        free(s->image);
        s->image = resolved;
        return 0;
}

/* --template: the tree may not exist yet (it is copied at the start); its parent must. */
static int validate_template(Settings *s) {
        _cleanup_free_ char *parent = NULL, *dir = NULL;
        const char *slash;
        char *t;

        if (s->image)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--template= makes a tree: not with -i/--image=");
        t = realpath(s->template_dir, NULL);
        if (!t)
                return log_error_errno(errno, "--template=%s: %m", s->template_dir);
        free(s->template_dir);
        s->template_dir = t;
        if (!s->directory || access(s->directory, F_OK) >= 0 || errno != ENOENT)
                return 0;
        slash = strrchr(s->directory, '/');
        parent = slash ? strndup(s->directory, (size_t) (slash - s->directory) + 1) : strdup(".");
        dir = parent ? realpath(parent, NULL) : NULL;
        if (!dir)
                return log_error_errno(errno, "-D/--directory=%s: %m", s->directory);
        if (asprintf(&t, "%s/%s", streq(dir, "/") ? "" : dir, slash ? slash + 1 : s->directory) < 0)
                return log_oom();
        free(s->directory);
        s->directory = t;
        return 1;
}

static int validate_directory(Settings *s) {
        char *resolved;
        struct stat st;
        int r;

        if (s->template_dir) {
                r = validate_template(s);
                if (r != 0)
                        return r;
        }
        if (!s->image && !s->directory) {
                if (!s->machine)
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                               "No root directory given: use -D/--directory=PATH or -M/--machine=NAME");
                r = find_machine(s);
                if (r < 0)
                        return r;
        }
        if (s->image)
                return validate_image(s);
        resolved = realpath(s->directory, NULL);
        if (!resolved)
                return log_error_errno(errno, "-D/--directory=%s: %m", s->directory);
        free(s->directory);
        s->directory = resolved;
        if (stat(resolved, &st) < 0)
                return log_error_errno(errno, "-D/--directory=%s: %m", resolved);
        if (!S_ISDIR(st.st_mode))
                return log_error_errno(SYNTHETIC_ERRNO(ENOTDIR), "-D/--directory=%s: not a directory", resolved);
        if (streq(resolved, "/"))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "-D/--directory=/: refusing to use the host's own root as a container tree");
        return 0;
}

/* The machine name from the tree's or image's name (without the image's suffix, "debian.raw" gives
 * "debian"); with -x a random suffix, as systemd-nspawn adds, so that several throwaway copies of
 * one tree run side by side. */
static int default_machine_name(const Settings *s, char **ret) {
        const char *path = s->image ?: s->directory, *base = strrchr(path, '/') + 1, *dot = strrchr(base, '.');
        _cleanup_free_ char *name = strndup(base, s->image && dot && dot != base ? (size_t) (dot - base) : strlen(base));
        Id128 id;

        if (!name)
                return log_oom();
        if (!machine_name_is_valid(name))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Cannot derive a machine name from '%s': use -M/--machine=NAME",
                                       path);
        if (s->ephemeral) {
                char *n;

                if (id128_randomize(&id) < 0 ||
                    asprintf(&n, "%.*s-%016" PRIx64, 64 - 17, name, *(uint64_t *) id.bytes) < 0)
                        return log_oom();
                free(name);
                name = n;
        }
        *ret = TAKE_PTR(name);
        return 0;
}

static int validate_names(Settings *s) {
        int r;

        if (!s->machine) {
                r = default_machine_name(s, &s->machine);
                if (r < 0)
                        return r;
        }
        if (!s->hostname) {
                s->hostname = strdup(s->machine);
                if (!s->hostname)
                        return log_oom();
        }
        return 0;
}

/* The first veth with a static address: where --port and --masquerade send traffic. */
const NetDevConfig *settings_nat_interface(const Settings *s) {
        for (size_t i = 0; i < s->netdevs.n; i++)
                if (netdev_config_has_host_side(&s->netdevs.items[i]) &&
                    (s->netdevs.items[i].ipv4 || s->netdevs.items[i].ipv6))
                        return &s->netdevs.items[i];
        return NULL;
}

/* lxc.namespace.keep and lxc.namespace.clone against what else asks for namespaces: both naming one
 * namespace, keep = user beside a user namespace asked for, a network namespace kept or not made beside
 * an interface or --private-network (validate_network(), whose interfaces imply one), keep = net beside
 * a namespace to join. A clone list without net and lxc.namespace.share.net go together, as in LXC:
 * the joined namespace is not made. */
static int validate_namespaces(const Settings *s, bool netns_needed) {
        bool keep_net = s->ns_keep & CLONE_NEWNET, clone_no_net = s->ns_clone_set && !(s->ns_clone & CLONE_NEWNET);
        _cleanup_free_ char *both = NULL;

        if (s->ns_clone_set && s->ns_keep & s->ns_clone) {
                if (namespace_list_to_string(s->ns_keep & s->ns_clone, &both) < 0)
                        return log_oom();
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "lxc.namespace.keep and lxc.namespace.clone both name "
                                       "%s", both);
        }
        if (s->ns_keep & CLONE_NEWUSER && s->userns.mode != USERNS_NO)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "lxc.namespace.keep = user runs the guest without a "
                                       "user namespace, but lxc.idmap or --private-users asks for one");
        if (keep_net && (netns_needed || s->netns_path))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "lxc.namespace.keep = net: the machine keeps the host's "
                                       "network, but %s", s->netns_path ?
                                       "lxc.namespace.share.net (--network-namespace-path) joins another network "
                                       "namespace" : "a network interface or --private-network needs its own");
        /* with a namespace to join, validate_network() refuses the interfaces already */
        if (clone_no_net && netns_needed && !s->netns_path)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "lxc.namespace.clone without net: the machine keeps the "
                                       "host's network, but a network interface or --private-network needs its own");
        if (s->ns_keep & CLONE_NEWTIME && s->private_time)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "lxc.namespace.keep = time keeps the host's clocks, but "
                                       "--private-time asks for a time namespace");
        return 0;
}

/* Any interface but "none" (the host's network) means an own network namespace. */
static int validate_network(Settings *s) {
        int r = netdev_configs_validate(&s->netdevs);
        bool netns_needed = s->private_network;

        if ((s->ports || s->masquerade) && !settings_nat_interface(s))
                r = log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                    "-p/--port and --masquerade need a veth interface with a static IPv4 or IPv6 address "
                                    "(nsboot.net.N.ipv4.address, nsboot.net.N.ipv6.address)");

        for (size_t i = 0; i < s->netdevs.n; i++) {
                const NetDevConfig *d = &s->netdevs.items[i];

                if (netdev_config_has_netns(d))
                        s->private_network = netns_needed = true;
                if ((streq_ptr(d->ipv4_gateway, "auto") || streq_ptr(d->ipv6_gateway, "auto")) && !d->link)
                        r = log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                            "%s: lxc.net.%u: gateway auto needs a link (the host's address on it)",
                                            d->where, d->index);
        }
        /* A joined namespace is someone else's: nsboot adds nothing to it, as systemd-nspawn. */
        if (s->netns_path && s->private_network)
                r = log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                    "--network-namespace-path= (lxc.namespace.share.net) joins a network namespace: it "
                                    "cannot be combined with --private-network or a network interface of nsboot's "
                                    "own (--network-*, -n, lxc.net.N.type other than none)");
        if (validate_namespaces(s, netns_needed) < 0)
                r = -EINVAL;
        return r;
}

bool settings_init_ids_set(const Settings *s) {
        return s->init_uid.set || s->init_gid.set || s->init_groups.n > 0;
}

/* lxc.init.uid, gid and groups: ids the guest's user namespace maps, and not together with -u. */
static int validate_init_ids(const Settings *s) {
        if (s->user && settings_init_ids_set(s))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "-u/--user= cannot be combined with nsboot.init-uid, "
                                       "nsboot.init-gid or nsboot.init-groups (lxc.init.uid, gid, groups)");
        if (s->init_uid.set && !userns_config_maps(&s->userns, false, s->init_uid.id))
                return log_error_errno(SYNTHETIC_ERRNO(ERANGE), "nsboot.init-uid=%" PRIu32 " (lxc.init.uid): not a user "
                                       "id of the guest: its user namespace does not map it", s->init_uid.id);
        if (s->init_gid.set && !userns_config_maps(&s->userns, true, s->init_gid.id))
                return log_error_errno(SYNTHETIC_ERRNO(ERANGE), "nsboot.init-gid=%" PRIu32 " (lxc.init.gid): not a group "
                                       "id of the guest: its user namespace does not map it", s->init_gid.id);
        for (unsigned i = 0; i < s->init_groups.n; i++)
                if (!userns_config_maps(&s->userns, true, s->init_groups.ids[i]))
                        return log_error_errno(SYNTHETIC_ERRNO(ERANGE), "nsboot.init-groups: %" PRIu32 " (lxc.init.groups) "
                                               "is not a group id of the guest: its user namespace does not map it",
                                               s->init_groups.ids[i]);
        return 0;
}

/* Whether an --overlay= spec (LOWER...:UPPER:DEST) is one of the root. */
static bool overlays_of_root(char **specs) {
        STRV_FOREACH(o, specs) {
                const char *d = strrchr(*o, ':');

                if (d && streq(d + 1, "/"))
                        return true;
        }
        return false;
}

int settings_validate(Settings *s, bool stdin_tty, bool stdout_tty) {
        int r;

        r = validate_directory(s);
        if (r < 0)
                return r;
        if (s->uts_ns_path && s->hostname)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--hostname=%s: the guest joins the UTS namespace of "
                                       "--uts-namespace-path=%s (lxc.namespace.share.uts), whose host name it keeps",
                                       s->hostname, s->uts_ns_path);
        r = validate_names(s);
        if (r < 0)
                return r;
        r = validate_network(s);
        if (r < 0)
                return r;
        if (s->boot && s->user)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "-u/--user= cannot be combined with -b/--boot: it names a user of "
                                       "the tree for a command (nsboot.init-uid and nsboot.init-gid set init's ids)");
        r = validate_init_ids(s);
        if (r < 0)
                return r;
        if (s->boot && s->caps_ambient)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--ambient-capability= cannot be combined with -b/--boot: "
                                       "it is for a command, as with systemd-nspawn");
        if (s->caps_ambient & ~settings_caps(s)) {
                _cleanup_free_ char *missing = NULL;

                (void) caps_to_string(s->caps_ambient & ~settings_caps(s), &missing);
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--ambient-capability=: the guest does not keep %s "
                                       "(add it with --capability=)", strna(missing));
        }
        if (s->ephemeral && s->volatile_mode != 0)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "-x/--ephemeral cannot be combined with --volatile=");
        /* Those are made on the tree's top before the pivot, so PATH would not get them. */
        if (s->pivot_root && (s->volatile_mode == VOLATILE_YES || s->volatile_mode == VOLATILE_STATE))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--pivot-root cannot be combined with --volatile=%s: "
                                       "it would apply to the tree's top, not to '%s'",
                                       volatile_mode_to_string(s->volatile_mode), s->pivot_root);
        if (s->pivot_root && (s->overlays || s->overlays_ro))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--pivot-root cannot be combined with --overlay= or "
                                       "--overlay-ro=: their paths would be in the tree's top, not in '%s'",
                                       s->pivot_root);
        if (s->link_journal == LINK_JOURNAL_GUEST && s->pivot_root)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--link-journal=guest links the tree's own "
                                       "/var/log/journal, which --pivot-root does not show: use host");
        if (s->link_journal == LINK_JOURNAL_GUEST && storage_wanted(s))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "--link-journal=guest needs a plain tree: not with -i, -x, --volatile, "
                                       "--read-only or --overlay");
        if (s->userns.ownership == USERNS_OWNERSHIP_CHOWN && storage_wanted(s))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "--private-users-ownership=chown changes the tree on disk: not with -i, -x, "
                                       "--volatile, --read-only or --overlay");
        /* The quota is the tree's, on disk: a run whose writes go elsewhere would not count them. */
        if ((s->disk_quota || s->disk_inodes) &&
            (s->image || s->ephemeral || IN_SET(s->volatile_mode, VOLATILE_YES, VOLATILE_OVERLAY) ||
             overlays_of_root(s->overlays) || overlays_of_root(s->overlays_ro) || s->read_only))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "--disk-quota= and --disk-inodes= limit a directory tree (-D) on disk: not with -i, "
                                       "-x, --volatile=yes|overlay or an --overlay of /, whose writes go to an image, to "
                                       "memory or elsewhere, nor with --read-only, where nothing is written");
        if (s->image_policy && !s->image)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--image-policy= needs -i/--image=");
        if (s->boot && s->as_pid2)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "-a/--as-pid2 cannot be combined with -b/--boot");
        STRV_FOREACH(k, s->sysctls) {
                _cleanup_free_ char *key = strndup(*k, strcspn(*k, "="));
                bool uts_key, ipc_key;

                if (!key)
                        return log_oom();
                if (s->netns_path && startswith(key, "net.") && !sysctl_is_namespaced(key, false))
                        return log_error_errno(SYNTHETIC_ERRNO(EPERM),
                                               "sysctl %s: the network namespace of --network-namespace-path=%s is "
                                               "not the container's own: setting it would change that namespace",
                                               key, s->netns_path);
                uts_key = streq(key, "kernel.hostname") || streq(key, "kernel.domainname");
                ipc_key = !uts_key && !startswith(key, "net.") && sysctl_is_namespaced(key, false);
                if ((uts_key && s->uts_ns_path) || (ipc_key && s->ipc_ns_path))
                        return log_error_errno(SYNTHETIC_ERRNO(EPERM),
                                               "sysctl %s: the %s namespace of --%s-namespace-path=%s is not the "
                                               "container's own: setting it would change that namespace", key,
                                               uts_key ? "UTS" : "IPC", uts_key ? "uts" : "ipc",
                                               uts_key ? s->uts_ns_path : s->ipc_ns_path);
                if (!sysctl_is_namespaced(key, s->private_network))
                        return log_error_errno(SYNTHETIC_ERRNO(EPERM),
                                               "sysctl %s is not kept per container%s: setting it would change the "
                                               "host", key, startswith(key, "net.") ? " without a private network" : "");
        }
        if (s->userns.mode == USERNS_IDMAP) {
                r = idmap_check(&s->userns.idmap);
                if (r == -ENOENT)
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                               "lxc.idmap: the guest's root (user and group id 0) must be mapped");
                if (r < 0)
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "lxc.idmap: ranges overlap");
        }
        if (!s->private_time && (s->time_offset_boot.set || s->time_offset_monotonic.set))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "lxc.time.offset.* need a time namespace, which "
                                       "--private-time=no turns off");
        if (s->init_cmd && s->init_cmd[0][0] != '/')
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "lxc.init.cmd: '%s' is not an absolute path",
                                       s->init_cmd[0]);
        if (s->keep_unit && s->slice)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "-S/--slice= cannot be combined with --keep-unit: the unit's own slice applies");
        if (s->tty_max > SETTINGS_TTY_MAX)
                return log_error_errno(SYNTHETIC_ERRNO(ERANGE), "lxc.tty.max=%u: at most %d ttys", s->tty_max,
                                       SETTINGS_TTY_MAX);
        if (s->pty_max > 0 && s->pty_max < s->tty_max + 2)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "lxc.pty.max=%u leaves no pty for the console and %u ttys: use at least %u",
                                       s->pty_max, s->tty_max, s->tty_max + 2);
        if (s->chdir && s->chdir[0] != '/')
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--chdir=%s: path must be absolute", s->chdir);
        /* Read on the host now: after pivot_root the guest could not reach it, nor should it. */
        if (s->seccomp_profile_path && !s->seccomp_profile) {
                r = seccomp_profile_load(s->seccomp_profile_path, &s->seccomp_profile);
                if (r < 0)
                        return r;
        }
        /* With --boot the default comes from the guest's init (container.c); the stub init of
         * --as-pid2 understands systemd's. */
        if (s->kill_signal == 0 && s->as_pid2)
                s->kill_signal = SIGRTMIN + 3;
        /* lxc.console.path = none: LXC's console connected to nothing, nsboot's nearest is passive. A
         * host device is the console, interactive unless read-only is asked for. */
        if (s->console_path && streq(s->console_path, "none")) {
                if (s->console_mode < 0)
                        s->console_mode = CONSOLE_PASSIVE;
                free(s->console_path);
                s->console_path = NULL;
        } else if (s->console_path) {
                if (s->console_mode < 0)
                        s->console_mode = CONSOLE_INTERACTIVE;
                if (!IN_SET(s->console_mode, CONSOLE_INTERACTIVE, CONSOLE_READ_ONLY))
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                               "--console-path=%s (lxc.console.path) connects the console to a host "
                                               "device, --console=%s to none: use interactive or read-only with it",
                                               s->console_path, console_mode_to_string(s->console_mode));
        }
        if (s->console_mode < 0) {
                /* An init reopens /dev/console, so a boot without a terminal still gets a pty whose
                 * output we forward; a plain command keeps the caller's pipes, exit code and all. */
                if (stdin_tty && stdout_tty)
                        s->console_mode = CONSOLE_INTERACTIVE;
                else
                        s->console_mode = s->boot ? CONSOLE_READ_ONLY : CONSOLE_PIPE;
        }
        return 0;
}

uint64_t settings_caps(const Settings *s) {
        uint64_t drop = s->caps_drop;

        if (s->userns.mode != USERNS_NO && !s->private_network && !(s->caps_add & (UINT64_C(1) << CAP_NET_BIND_SERVICE)))
                drop |= UINT64_C(1) << CAP_NET_BIND_SERVICE;
        return caps_effective(s->private_network, s->caps_add, drop, s->caps_keep);
}
