/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Value parsers and formatters of the settings table, shared by the command line and config files. */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/personality.h>
#include <syslog.h>

#include "basic/parse-util.h"
#include "basic/strv.h"
#include "bind-user.h"
#include "caps.h"
#include "devices.h"
#include "firewall.h"
#include "host-files.h"
#include "journal-link.h"
#include "machined.h"
#include "netdev-config.h"
#include "seccomp-filter.h"
#include "userns.h"
#include "limit.h"
#include "log.h"
#include "overlay.h"
#include "image-policy.h"
#include "quota.h"
#include "settings-parse.h"
#include "settings-table.h"

int parse_string(const SettingDef *def _unused_, const char *value, void *dest) {
        char **p = dest, *c;

        if (isempty(value))
                return -EINVAL;
        c = strdup(value);
        if (!c)
                return -ENOMEM;
        free(*p);
        *p = c;
        return 0;
}

int parse_path(const SettingDef *def, const char *value, void *dest) {
        if (isempty(value) || strlen(value) >= 4096)
                return -EINVAL;
        return parse_string(def, value, dest);
}

int parse_absolute_path(const SettingDef *def, const char *value, void *dest) {
        if (isempty(value) || value[0] != '/')
                return -EINVAL;
        return parse_path(def, value, dest);
}

int parse_machine_name(const SettingDef *def, const char *value, void *dest) {
        if (!machine_name_is_valid(value))
                return -EINVAL;
        return parse_string(def, value, dest);
}

/* A namespace to join: a namespace file (/run/netns/NAME, /proc/PID/ns/net), a PID or a running
 * machine's name (lxc.namespace.share.* take the last two). Empty: none. Checked at start. */
int parse_ns_spec(const SettingDef *def, const char *value, void *dest) {
        char **p = dest;

        if (isempty(value)) {
                free(*p);
                *p = NULL;
                return 0;
        }
        if (value[0] == '/')
                return parse_path(def, value, dest);
        if (value[strspn(value, "0123456789")] == '\0') /* a PID, as LXC reads digits */
                return value[0] != '0' && strlen(value) <= 10 ? parse_string(def, value, dest) : -EINVAL;
        return parse_machine_name(def, value, dest);
}

static const struct {
        const char *name;
        unsigned long flag;
} namespace_names[] = {
        { "mnt", CLONE_NEWNS },     { "pid", CLONE_NEWPID },       { "uts", CLONE_NEWUTS },   { "ipc", CLONE_NEWIPC },
        { "net", CLONE_NEWNET },    { "user", CLONE_NEWUSER },     { "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

/* The namespaces nsboot lets a machine go without: the others a system container always has. */
#define NS_OPTIONAL (CLONE_NEWNET | CLONE_NEWUSER | CLONE_NEWTIME)
/* The Settings that ptr, the address of its field, is in: rows that set several fields point at the
 * one they stand for, so that --settings=override tells them apart (settings_file_mark()). */
#define SETTINGS_OF(ptr, field) \
        ((Settings *) ((char *) (ptr) - offsetof(Settings, field)))

/* "net user time": the names of /proc/PID/ns, blank-separated (LXC's lists). */
static int parse_namespace_list(const char *value, unsigned long *ret) {
        _cleanup_free_ char *copy = strdup(value);
        unsigned long flags = 0;
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
                size_t i;

                for (i = 0; i < ELEMENTSOF(namespace_names) && !streq(w, namespace_names[i].name); i++)
                        ;
                if (i == ELEMENTSOF(namespace_names))
                        return -EINVAL;
                flags |= namespace_names[i].flag;
        }
        *ret = flags;
        return 0;
}

/* lxc.namespace.keep: the host's network (nsboot's default anyway), no user namespace (the privileged
 * mode) or the host's clocks. The others cannot be kept. Each line adds to the list, as in LXC. Assigns
 * the settings they stand for, so the command line still wins; settings_validate() refuses what
 * contradicts them. Empty: none kept, and what an earlier line assigned goes back to nsboot's default
 * (a user namespace, a time namespace). */
int parse_namespace_keep(const SettingDef *def _unused_, const char *value, void *dest) {
        Settings *s = SETTINGS_OF(dest, ns_keep);
        unsigned long keep;
        int r;

        if (isempty(value)) {
                if (s->ns_keep & CLONE_NEWUSER && s->userns.mode == USERNS_NO)
                        s->userns.mode = USERNS_PICK;
                if (s->ns_keep & CLONE_NEWTIME)
                        s->private_time = true;
                s->ns_keep = 0;
                return 0;
        }
        r = parse_namespace_list(value, &keep);
        if (r < 0)
                return r;
        if (keep & ~NS_OPTIONAL)
                return -EINVAL;
        if (keep & CLONE_NEWNET)
                s->private_network = false;
        if (keep & CLONE_NEWUSER)
                s->userns.mode = USERNS_NO;
        if (keep & CLONE_NEWTIME)
                s->private_time = false;
        s->ns_keep |= keep;
        /* An LXC key only, so only a file gets here: with --settings=override it wins over the
         * command line's options for these fields too. */
        if (keep & CLONE_NEWNET)
                settings_file_mark(s, offsetof(Settings, private_network));
        if (keep & CLONE_NEWUSER)
                settings_file_mark(s, offsetof(Settings, userns));
        if (keep & CLONE_NEWTIME)
                settings_file_mark(s, offsetof(Settings, private_time));
        return 0;
}

/* lxc.namespace.clone: a network namespace (only loopback unless interfaces are configured) and a time
 * namespace when listed, none when not. nsboot makes the mount, PID, UTS, IPC and cgroup namespaces
 * in any case, and a user namespace unless told otherwise (the row's note says so). Each line adds to
 * the list, as in LXC. Empty: unset, with nsboot's defaults again (the host's network, a time
 * namespace). */
int parse_namespace_clone(const SettingDef *def _unused_, const char *value, void *dest) {
        Settings *s = SETTINGS_OF(dest, ns_clone);
        unsigned long clone;
        int r;

        if (isempty(value)) {
                if (s->ns_clone_set) {
                        s->private_network = false;
                        s->private_time = true;
                }
                s->ns_clone = 0;
                s->ns_clone_set = false;
                return 0;
        }
        r = parse_namespace_list(value, &clone);
        if (r < 0)
                return r;
        s->ns_clone |= clone;
        s->ns_clone_set = true;
        s->private_network = s->ns_clone & CLONE_NEWNET;
        s->private_time = s->ns_clone & CLONE_NEWTIME;
        /* as for lxc.namespace.keep */
        settings_file_mark(s, offsetof(Settings, private_network));
        settings_file_mark(s, offsetof(Settings, private_time));
        return 0;
}

/* "net user": the names of the namespaces in flags. */
int namespace_list_to_string(unsigned long flags, char **ret) {
        char buf[64] = "";

        for (size_t i = 0; i < ELEMENTSOF(namespace_names); i++)
                if (flags & namespace_names[i].flag) {
                        if (buf[0])
                                strcat(buf, " ");
                        strcat(buf, namespace_names[i].name);
                }
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

/* --pivot-root=NEW[:OLD]: absolute paths in the tree; empty: none. */
int parse_pivot_root(const SettingDef *def _unused_, const char *value, void *dest) {
        Settings *s = SETTINGS_OF(dest, pivot_root);
        const char *colon = strchr(value, ':');
        char *new = NULL, *old = NULL;

        if (isempty(value)) {
                free(s->pivot_root);
                free(s->pivot_root_old);
                s->pivot_root = s->pivot_root_old = NULL;
                return 0;
        }
        new = colon ? strndup(value, colon - value) : strdup(value);
        old = colon ? strdup(colon + 1) : NULL;
        if (!new || (colon && !old)) {
                free(new);
                free(old);
                return -ENOMEM;
        }
        if (new[0] != '/' || (old && old[0] != '/') || strlen(value) >= 4096 || (old && strchr(old, ':'))) {
                free(new);
                free(old);
                return -EINVAL;
        }
        free(s->pivot_root);
        free(s->pivot_root_old);
        s->pivot_root = new;
        s->pivot_root_old = old;
        return 0;
}

int format_pivot_root(const void *src, char **ret) {
        const Settings *s = SETTINGS_OF(src, pivot_root);

        if (!s->pivot_root)
                return (*ret = strdup("")) ? 0 : -ENOMEM;
        return asprintf(ret, "%s%s%s", s->pivot_root, s->pivot_root_old ? ":" : "", strempty(s->pivot_root_old)) < 0 ?
                       -ENOMEM : 0;
}

int parse_hostname(const SettingDef *def, const char *value, void *dest) {
        if (!hostname_is_valid(value))
                return -EINVAL;
        return parse_string(def, value, dest);
}

int parse_user(const SettingDef *def, const char *value, void *dest) {
        if (isempty(value) || strpbrk(value, ":/\n") || strlen(value) > 256)
                return -EINVAL;
        return parse_string(def, value, dest);
}

/* A host user name; an empty value clears the list, a name given twice counts once. */
int parse_bind_user(const SettingDef *def _unused_, const char *value, void *dest) {
        char ***l = dest;

        if (isempty(value)) {
                *l = strv_free(*l);
                return 0;
        }
        if (!bind_user_name_is_valid(value) || strv_length(*l) >= BIND_USER_MAX)
                return -EINVAL;
        return strv_contains(*l, value) ? 0 : strv_extend(l, value);
}

/* yes (stored as "yes"), no (NULL) or an absolute path. */
int parse_bind_user_shell(const SettingDef *def, const char *value, void *dest) {
        int b = parse_boolean(value);

        if (b == 0) {
                free(*(char **) dest);
                *(char **) dest = NULL;
                return 0;
        }
        return b > 0 ? parse_string(def, "yes", dest) : parse_absolute_path(def, value, dest);
}

int parse_bool(const SettingDef *def _unused_, const char *value, void *dest) {
        int r = parse_boolean(value);

        if (r < 0)
                return r;
        *(bool *) dest = r;
        return 0;
}

int parse_uuid(const SettingDef *def _unused_, const char *value, void *dest) {
        Id128 id;

        if (id128_from_string(value, &id) < 0 || id128_is_null(id))
                return -EINVAL;
        *(Id128 *) dest = id;
        return 0;
}

int parse_signal(const SettingDef *def _unused_, const char *value, void *dest) {
        int sig = signal_from_string(value);

        if (sig < 0)
                return sig;
        *(int *) dest = sig;
        return 0;
}

int parse_console(const SettingDef *def _unused_, const char *value, void *dest) {
        ConsoleMode m = console_mode_from_string(value);

        if (m < 0)
                return m;
        *(ConsoleMode *) dest = m;
        return 0;
}

/* VAR=VALUE, or VAR alone to pass the host's value on; VAR is a valid shell-style name. */
int parse_env(const SettingDef *def _unused_, const char *value, void *dest) {
        size_t n = strcspn(value, "=");
        _cleanup_free_ char *a = NULL;

        if (!*value) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        if (n == 0 || (value[0] >= '0' && value[0] <= '9'))
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", value[i]))
                        return -EINVAL;
        if (value[n] == '=')
                return strv_env_set(dest, value);
        if (!getenv(value))
                return 0;
        if (asprintf(&a, "%s=%s", value, getenv(value)) < 0)
                return -ENOMEM;
        return strv_env_set(dest, a);
}

int format_string(const void *src, char **ret) {
        const char *v = *(char *const *) src;

        *ret = strdup(strempty(v));
        return *ret ? 0 : -ENOMEM;
}

int format_bool(const void *src, char **ret) {
        *ret = strdup(*(const bool *) src ? "yes" : "no");
        return *ret ? 0 : -ENOMEM;
}

int format_uuid(const void *src, char **ret) {
        Id128 id = *(const Id128 *) src;
        char buf[ID128_UUID_STRING_MAX];

        *ret = strdup(id128_is_null(id) ? "" : id128_to_uuid_string(id, buf));
        return *ret ? 0 : -ENOMEM;
}

int format_signal(const void *src, char **ret) {
        char buf[16];
        int sig = *(const int *) src;

        *ret = strdup(sig > 0 ? signal_to_string(sig, buf) : "");
        return *ret ? 0 : -ENOMEM;
}

int parse_firewall(const SettingDef *def _unused_, const char *value, void *dest) {
        FirewallBackend b = firewall_backend_from_string(value);

        if (b < 0)
                return b;
        *(int *) dest = b;
        return 0;
}

int format_firewall(const void *src, char **ret) {
        *ret = strdup(strempty(firewall_backend_to_string(*(const int *) src)));
        return *ret ? 0 : -ENOMEM;
}

int format_console(const void *src, char **ret) {
        *ret = strdup(strempty(console_mode_to_string(*(const ConsoleMode *) src)));
        return *ret ? 0 : -ENOMEM;
}

int format_strv(const void *src, char **ret) {
        char *const *l = *(char **const *) src;
        size_t n = 1;
        char *p;

        STRV_FOREACH(i, l)
                n += strlen(*i) + 1;
        *ret = p = malloc(n);
        if (!p)
                return -ENOMEM;
        *p = 0;
        /* One item a line: --check prints each as its own assignment, as a file would have it. */
        STRV_FOREACH(i, l)
                p += sprintf(p, "%s%s", p == *ret ? "" : "\n", *i);
        return 0;
}

/* Lists of names, added up; an empty value clears what earlier lines (or includes) set. */
int parse_caps(const SettingDef *def _unused_, const char *value, void *dest) {
        uint64_t mask;
        int r;

        if (isempty(value)) {
                *(uint64_t *) dest = 0;
                return 0;
        }
        r = caps_from_string(value, &mask);
        if (r < 0)
                return r;
        *(uint64_t *) dest |= mask;
        return 0;
}

/* As parse_caps(), but "all" is refused, as by systemd-nspawn: ambient capabilities are named. */
int parse_caps_ambient(const SettingDef *def, const char *value, void *dest) {
        return streq(value, "all") ? -EINVAL : parse_caps(def, value, dest);
}

/* lxc.cap.keep: exactly these ("none": no capability at all). */
int parse_caps_keep(const SettingDef *def _unused_, const char *value, void *dest) {
        uint64_t mask = 0;
        int r;

        if (isempty(value)) {
                *(uint64_t *) dest = 0; /* back to the default set */
                return 0;
        }
        if (!streq(value, "none")) {
                r = caps_from_string(value, &mask);
                if (r < 0)
                        return r;
        }
        *(uint64_t *) dest = mask | CAPS_KEEP_SET;
        return 0;
}

int format_caps(const void *src, char **ret) {
        uint64_t mask = *(const uint64_t *) src;

        if (mask == CAPS_KEEP_SET) {
                *ret = strdup("none");
                return *ret ? 0 : -ENOMEM;
        }
        return caps_to_string(mask & ~CAPS_KEEP_SET, ret);
}

/* "dir:/path" is LXC's spelling of a plain directory root; other backends come later. */
int parse_directory(const SettingDef *def, const char *value, void *dest) {
        const char *p = startswith(value, "dir:");

        if (!p && strchr(value, ':') && value[0] != '/')
                return -EOPNOTSUPP;
        return parse_path(def, p ?: value, dest);
}

int parse_unsigned(const SettingDef *def _unused_, const char *value, void *dest) {
        unsigned v;
        int r = safe_atou(value, &v);

        if (r < 0)
                return r;
        if (v > 4096)
                return -ERANGE;
        *(unsigned *) dest = v;
        return 0;
}

int format_unsigned(const void *src, char **ret) {
        return asprintf(ret, "%u", *(const unsigned *) src) < 0 ? -ENOMEM : 0;
}

/* All custom mounts share one list in mount order; an empty value of any of their keys clears it. */
static int mounts_clear_if_empty(const char *value, void *dest) {
        if (*value)
                return 0;
        custom_mounts_done(dest);
        return 1;
}

int parse_bind(const SettingDef *def _unused_, const char *value, void *dest) {
        return mounts_clear_if_empty(value, dest) ?: custom_mount_parse_bind(dest, value, false);
}

int parse_bind_ro(const SettingDef *def _unused_, const char *value, void *dest) {
        return mounts_clear_if_empty(value, dest) ?: custom_mount_parse_bind(dest, value, true);
}

int parse_tmpfs(const SettingDef *def _unused_, const char *value, void *dest) {
        return mounts_clear_if_empty(value, dest) ?: custom_mount_parse_tmpfs(dest, value);
}

int parse_mount_entry(const SettingDef *def _unused_, const char *value, void *dest) {
        return mounts_clear_if_empty(value, dest) ?: custom_mount_parse_fstab_line(dest, value);
}

int parse_mount_fstab(const SettingDef *def _unused_, const char *value, void *dest) {
        int r;

        if (mounts_clear_if_empty(value, dest))
                return 0;
        if (value[0] != '/')
                return -EINVAL;
        r = custom_mount_parse_fstab_file(dest, value);
        return r == -ENOMEM || r == -ENOENT ? r : r < 0 ? -EINVAL : 0;
}

int format_mounts(const void *src, char **ret) {
        const CustomMounts *l = src;
        size_t n = 1;
        char *buf;

        *ret = NULL;
        for (size_t i = 0; i < l->n; i++) {
                _cleanup_free_ char *m = custom_mount_to_string(&l->items[i]);

                if (!m)
                        return -ENOMEM;
                buf = realloc(*ret, n + strlen(m) + 2);
                if (!buf)
                        return -ENOMEM;
                if (n == 1)
                        *buf = 0;
                strcat(buf, i ? "\n" : "");
                strcat(buf, m);
                n += strlen(m) + 2;
                *ret = buf;
        }
        if (!*ret)
                *ret = strdup("");
        return *ret ? 0 : -ENOMEM;
}

int parse_device_allow(const SettingDef *def _unused_, const char *value, void *dest) {
        if (!*value) {
                device_rules_done(dest);
                return 0;
        }
        return device_rules_allow(dest, value);
}

int parse_device_deny(const SettingDef *def _unused_, const char *value, void *dest) {
        return device_rules_deny(dest, value);
}

int format_device_rules(const void *src, char **ret) {
        return device_rules_format(src, ret);
}

int parse_register(const SettingDef *def _unused_, const char *value, void *dest) {
        RegisterMode m = register_mode_from_string(value);

        if (m < 0) {
                int b = parse_boolean(value);

                if (b < 0)
                        return -EINVAL;
                m = b ? REGISTER_YES : REGISTER_NO;
        }
        *(int *) dest = m;
        return 0;
}

int format_register(const void *src, char **ret) {
        *ret = strdup(strempty(register_mode_to_string(*(const int *) src)));
        return *ret ? 0 : -ENOMEM;
}

int parse_slice(const SettingDef *def, const char *value, void *dest) {
        size_t n = strlen(value);

        if (n < 7 || !endswith(value, ".slice") || strpbrk(value, "/ \t"))
                return -EINVAL;
        return parse_string(def, value, dest);
}

int parse_property(const SettingDef *def _unused_, const char *value, void *dest) {
        if (!*value) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        if (!machined_property_is_valid(value))
                return -EINVAL;
        return strv_extend(dest, value);
}

int parse_link_journal(const SettingDef *def _unused_, const char *value, void *dest) {
        LinkJournal l = link_journal_from_string(value);

        if (l < 0)
                return -EINVAL;
        *(int *) dest = l;
        return 0;
}

int format_link_journal(const void *src, char **ret) {
        *ret = strdup(strempty(link_journal_to_string(*(const int *) src)));
        return *ret ? 0 : -ENOMEM;
}

#define NET_CLI_PARSER(fn, type)                                                        \
        int fn(const SettingDef *def, const char *value, void *dest) {           \
                char where[64];                                                         \
                                                                                        \
                snprintf(where, sizeof where, "--%s", def->long_option);                \
                return netdev_config_add_cli(dest, type, value, where);                 \
        }
NET_CLI_PARSER(parse_network_veth, NETDEV_VETH)
NET_CLI_PARSER(parse_network_macvlan, NETDEV_MACVLAN)
NET_CLI_PARSER(parse_network_ipvlan, NETDEV_IPVLAN)
NET_CLI_PARSER(parse_network_vlan, NETDEV_VLAN)
NET_CLI_PARSER(parse_network_interface, NETDEV_PHYS)

int parse_network_veth_extra(const SettingDef *def _unused_, const char *value, void *dest) {
        return netdev_config_add_veth_extra(dest, value, "--network-veth-extra");
}

int parse_network_zone(const SettingDef *def _unused_, const char *value, void *dest) {
        return netdev_config_add_zone(dest, value, "--network-zone");
}

int parse_network_flag(const SettingDef *def _unused_, const char *value, void *dest) {
        int b = parse_boolean(value);

        if (b < 0)
                return -EINVAL;
        return b ? netdev_config_add_cli(dest, NETDEV_VETH, "", "--network-veth") : 0;
}

/* A list of checked -p specs; duplicates of protocol and host port are refused here already. */
int parse_port(const SettingDef *def _unused_, const char *value, void *dest) {
        PortForward p, q;

        if (!*value) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        if (port_forward_parse(value, &p) < 0)
                return -EINVAL;
        STRV_FOREACH(other, *(char ***) dest)
                if (port_forward_parse(*other, &q) >= 0 && q.protocol == p.protocol && q.host_port == p.host_port)
                        return -EEXIST;
        if (strv_length(*(char ***) dest) >= 64)
                return -E2BIG;
        return strv_extend(dest, value);
}

static const char *const rlimit_names[] = {
        [RLIMIT_AS] = "as",         [RLIMIT_CORE] = "core",           [RLIMIT_CPU] = "cpu",
        [RLIMIT_DATA] = "data",     [RLIMIT_FSIZE] = "fsize",         [RLIMIT_LOCKS] = "locks",
        [RLIMIT_MEMLOCK] = "memlock", [RLIMIT_MSGQUEUE] = "msgqueue", [RLIMIT_NICE] = "nice",
        [RLIMIT_NOFILE] = "nofile", [RLIMIT_NPROC] = "nproc",         [RLIMIT_RSS] = "rss",
        [RLIMIT_RTPRIO] = "rtprio", [RLIMIT_RTTIME] = "rttime",       [RLIMIT_SIGPENDING] = "sigpending",
        [RLIMIT_STACK] = "stack",
};

static int parse_limit_value(const char *s, unsigned long long *ret) {
        uint64_t v;

        if (streq(s, "unlimited") || streq(s, "infinity")) {
                *ret = RLIM_INFINITY;
                return 0;
        }
        if (safe_atou64(s, &v) < 0)
                return -EINVAL;
        *ret = v;
        return 0;
}

/* NAME=SOFT[:HARD], NAME as LXC and prlimit(1) spell it; a plain value sets both. */
int parse_rlimit(const SettingDef *def _unused_, const char *value, void *dest) {
        RlimitSetting *l = dest, x = { .set = true };
        const char *eq = strchr(value, '='), *colon;
        _cleanup_free_ char *soft = NULL;

        if (!eq)
                return -EINVAL;
        colon = strchr(eq, ':');
        soft = colon ? strndup(eq + 1, (size_t) (colon - eq - 1)) : strdup(eq + 1);
        if (!soft)
                return -ENOMEM;
        if (parse_limit_value(soft, &x.soft) < 0 || parse_limit_value(colon ? colon + 1 : soft, &x.hard) < 0 ||
            x.soft > x.hard)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++)
                if (rlimit_names[i] && strlen(rlimit_names[i]) == (size_t) (eq - value) &&
                    strncmp(value, rlimit_names[i], (size_t) (eq - value)) == 0) {
                        l[i] = x;
                        return 0;
                }
        return -EINVAL;
}

int parse_resolv_conf(const SettingDef *def _unused_, const char *value, void *dest) {
        ResolvConfMode m = resolv_conf_mode_from_string(value);

        if (m < 0)
                return -EINVAL;
        *(int *) dest = m;
        return 0;
}

int format_resolv_conf(const void *src, char **ret) {
        *ret = strdup(resolv_conf_mode_to_string(*(const int *) src) ?: "");
        return *ret ? 0 : -ENOMEM;
}

int parse_timezone(const SettingDef *def _unused_, const char *value, void *dest) {
        TimezoneMode m = timezone_mode_from_string(value);

        if (m < 0)
                return -EINVAL;
        *(int *) dest = m;
        return 0;
}

int format_timezone(const void *src, char **ret) {
        *ret = strdup(timezone_mode_to_string(*(const int *) src) ?: "");
        return *ret ? 0 : -ENOMEM;
}

int parse_set_credential(const SettingDef *def _unused_, const char *value, void *dest) {
        return credential_set(dest, value);
}

int parse_load_credential(const SettingDef *def _unused_, const char *value, void *dest) {
        return credential_load(dest, value);
}

/* -1000..1000, as /proc/PID/oom_score_adj takes it; empty: leave it alone. */
int parse_oom_score_adjust(const SettingDef *def _unused_, const char *value, void *dest) {
        OomScoreAdjust *o = dest;
        int v;

        if (isempty(value)) {
                *o = (OomScoreAdjust) {};
                return 0;
        }
        if (safe_atoi(value, &v) < 0 || v < -1000 || v > 1000)
                return -EINVAL;
        *o = (OomScoreAdjust) { .set = true, .value = v };
        return 0;
}

int format_oom_score_adjust(const void *src, char **ret) {
        const OomScoreAdjust *o = src;

        if (!o->set)
                return (*ret = strdup("")) ? 0 : -ENOMEM;
        return asprintf(ret, "%d", o->value) < 0 ? -ENOMEM : 0;
}

/* A CPU list ("0-3,8" or "0 1 2"); empty: leave the affinity alone. */
int parse_cpu_affinity(const SettingDef *def _unused_, const char *value, void *dest) {
        CpuAffinity *a = dest;

        a->set = false;
        if (isempty(value)) {
                memset(a->cpus, 0, sizeof a->cpus);
                return 0;
        }
        if (cpu_list_parse(value, a->cpus) <= 0)
                return -EINVAL;
        a->set = true;
        return 0;
}

int format_cpu_affinity(const void *src, char **ret) {
        const CpuAffinity *a = src;

        if (!a->set)
                return (*ret = strdup("")) ? 0 : -ENOMEM;
        return cpu_list_format(a->cpus, ret);
}

int format_rlimits(const void *src, char **ret) {
        const RlimitSetting *l = src;
        size_t size = 0;
        FILE *f = open_memstream(ret, &size);

        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(rlimit_names); i++) {
                if (!l[i].set)
                        continue;
                if (size > 0 || ftell(f) > 0)
                        fputc('\n', f);
                if (l[i].soft == RLIM_INFINITY)
                        fprintf(f, "%s=unlimited", rlimit_names[i]);
                else
                        fprintf(f, "%s=%llu", rlimit_names[i], l[i].soft);
                if (l[i].hard == RLIM_INFINITY)
                        fprintf(f, ":unlimited");
                else
                        fprintf(f, ":%llu", l[i].hard);
        }
        return fclose(f) == 0 ? 0 : -ENOMEM;
}

int parse_sysctl(const SettingDef *def _unused_, const char *value, void *dest) {
        size_t n = strcspn(value, "=");

        if (!*value) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        if (n == 0 || !value[n] || strcspn(value, "/ \t") < n)
                return -EINVAL;
        return strv_env_set(dest, value);
}

/* Adds or replaces FILE=VALUE in the limit list, the value in the kernel's form for the files nsboot
 * knows (sizes in bytes, cpu.max from a percentage). */
static int set_limit(char ***l, const char *assignment) {
        _cleanup_free_ char *norm = NULL;
        int r = limit_normalize(assignment, &norm);

        if (r < 0)
                return r;
        return strv_env_set(l, norm);
}

/* FILE=VALUE with FILE a cgroup2 interface file of a controller ("memory.max"); the same file
 * again replaces the earlier value. */
int parse_cgroup(const SettingDef *def _unused_, const char *value, void *dest) {
        size_t n = strcspn(value, "="), dot = strcspn(value, ".");

        if (!*value) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        if (n == 0 || !value[n] || !value[n + 1] || dot == 0 || dot >= n - 1 || strcspn(value, "/ \t") < n ||
            strncmp(value, "cgroup.", 7) == 0)
                return -EINVAL;
        for (const char *p = value; *p; p++)
                if ((unsigned char) *p < 0x20 || *p == 0x7f)
                        return -EINVAL; /* a newline would write a second value into the file */
        return set_limit(dest, value);
}

/* "PATH [ARGS...]" split on blanks, '…' and "…" quoting words, as LXC takes lxc.init.cmd. */
int parse_command_line(const SettingDef *def _unused_, const char *value, void *dest) {
        char ***l = dest;
        const char *p = value;

        *l = strv_free(*l);
        for (;;) {
                _cleanup_free_ char *word = malloc(strlen(value) + 1);
                size_t n = 0;
                char quote = 0;

                if (!word)
                        return -ENOMEM;
                p += strspn(p, " \t");
                if (!*p)
                        break;
                for (; *p && (quote || !strchr(" \t", *p)); p++) {
                        if (!quote && (*p == '"' || *p == '\''))
                                quote = *p;
                        else if (quote && *p == quote)
                                quote = 0;
                        else
                                word[n++] = *p;
                }
                if (quote)
                        return -EINVAL;
                word[n] = 0;
                if (strv_consume(l, TAKE_PTR(word)) < 0)
                        return -ENOMEM;
        }
        return *l ? 0 : -EINVAL;
}

/* The words back in parse_command_line()'s syntax, on one line: a word with a blank or a quote (or
 * an empty one) in '...', each ' in it as "'". */
/* nsboot.parameters (Parameters= of .nspawn files): words added to those before, as systemd-nspawn
 * combines its Parameters= lines; empty clears them. */
int parse_parameters(const SettingDef *def, const char *value, void *dest) {
        _cleanup_strv_free_ char **words = NULL;
        int r;

        if (isempty(value)) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        r = parse_command_line(def, value, &words);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words)
                if (strv_extend(dest, *w) < 0)
                        return -ENOMEM;
        return 0;
}

int format_command_line(const void *src, char **ret) {
        char *const *l = *(char **const *) src;
        _cleanup_free_ char *line = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&line, &size);

        if (!f)
                return -ENOMEM;
        STRV_FOREACH(w, l) {
                bool plain = **w && !strpbrk(*w, " \t'\"");

                fputs(w == l ? "" : " ", f);
                if (plain) {
                        fputs(*w, f);
                        continue;
                }
                fputc('\'', f);
                for (const char *c = *w; *c; c++)
                        fputs(*c == '\'' ? "'\"'\"'" : (char[]) { *c, 0 }, f);
                fputc('\'', f);
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(line);
        return 0;
}

int parse_int(const SettingDef *def _unused_, const char *value, void *dest) {
        return safe_atoi(value, dest);
}

int format_int(const void *src, char **ret) {
        return asprintf(ret, "%d", *(const int *) src) < 0 ? -ENOMEM : 0;
}

int format_netdevs(const void *src, char **ret) {
        return netdev_configs_format(src, ret);
}

int parse_private_users(const SettingDef *def _unused_, const char *value, void *dest) {
        return userns_parse_mode(value, dest);
}

int format_private_users(const void *src, char **ret) {
        const UserNsConfig *c = src;
        static const char *const names[_USERNS_MODE_MAX] = {
                [USERNS_NO] = "no", [USERNS_PICK] = "pick", [USERNS_YES] = "yes",
                [USERNS_IDENTITY] = "identity", [USERNS_IDMAP] = "pick",
        };

        if (c->mode == USERNS_FIXED)
                return asprintf(ret, "%u:%u", c->base, c->size) < 0 ? -ENOMEM : 0;
        *ret = strdup(names[c->mode]);
        return *ret ? 0 : -ENOMEM;
}

int parse_ownership(const SettingDef *def _unused_, const char *value, void *dest) {
        UserNsOwnership o = userns_ownership_from_string(value);

        if (o < 0)
                return -EINVAL;
        ((UserNsConfig *) dest)->ownership = o;
        return 0;
}

int format_ownership(const void *src, char **ret) {
        *ret = strdup(userns_ownership_to_string(((const UserNsConfig *) src)->ownership));
        return *ret ? 0 : -ENOMEM;
}

/* lxc.idmap: each line adds a range and makes the maps explicit; an empty value clears them. */
int parse_idmap(const SettingDef *def _unused_, const char *value, void *dest) {
        UserNsConfig *c = dest;
        int r;

        if (isempty(value)) {
                c->idmap = (IdMap) {};
                if (c->mode == USERNS_IDMAP)
                        c->mode = USERNS_PICK;
                return 0;
        }
        r = userns_parse_idmap_line(value, &c->idmap);
        if (r < 0)
                return r == -E2BIG ? -EINVAL : r;
        c->mode = USERNS_IDMAP;
        return 0;
}

int format_idmap(const void *src, char **ret) {
        const UserNsConfig *c = src;
        _cleanup_free_ char *u = NULL, *g = NULL;

        if (c->mode != USERNS_IDMAP) {
                *ret = strdup("");
                return *ret ? 0 : -ENOMEM;
        }
        u = idmap_format(c->idmap.uid, c->idmap.n_uid);
        g = idmap_format(c->idmap.gid, c->idmap.n_gid);
        if (!u || !g)
                return -ENOMEM;
        /* "0 100000 65536\n" lines become "u 0 100000 65536, g ..." */
        return asprintf(ret, "u:%s g:%s", u, g) < 0 ? -ENOMEM : 0;
}

/* LXC's root mount options: only idmap=container (an idmapped root) means anything to nsboot. */
int parse_rootfs_options(const SettingDef *def _unused_, const char *value, void *dest) {
        UserNsConfig *c = dest;

        if (isempty(value))
                return 0;
        if (!streq(value, "idmap=container"))
                return -EOPNOTSUPP;
        c->ownership = USERNS_OWNERSHIP_MAP;
        return 0;
}

int parse_syscall_filter(const SettingDef *def _unused_, const char *value, void *dest) {
        return syscall_filter_parse(dest, value);
}

int format_syscall_filter(const void *src, char **ret) {
        return syscall_filter_format(src, ret);
}

/* An empty value forgets the profile (LXC's way to undo an included one). */
int parse_seccomp_profile(const SettingDef *def, const char *value, void *dest) {
        if (!*value) {
                free(*(char **) dest);
                *(char **) dest = NULL;
                return 0;
        }
        return parse_absolute_path(def, value, dest);
}

int parse_volatile(const SettingDef *def _unused_, const char *value, void *dest) {
        VolatileMode m = volatile_mode_from_string(value);
        int b = m < 0 ? parse_boolean(value) : -EINVAL;

        if (m < 0 && b < 0)
                return -EINVAL;
        *(int *) dest = m >= 0 ? (int) m : b ? VOLATILE_YES : VOLATILE_NO;
        return 0;
}

int format_volatile(const void *src, char **ret) {
        *ret = strdup(strempty(volatile_mode_to_string(*(const int *) src)));
        return *ret ? 0 : -ENOMEM;
}

int parse_image_policy(const SettingDef *def, const char *value, void *dest) {
        ImagePolicy p;
        int r = image_policy_from_string(value, &p);

        return r < 0 ? r : parse_string(def, value, dest);
}

/* --overlay=/--overlay-ro= values, checked here and mounted by overlay.c; empty clears the list. */
int parse_overlay(const SettingDef *def _unused_, const char *value, void *dest) {
        int r;

        if (!*value) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        r = overlay_spec_check(value);
        return r < 0 ? r : strv_extend(dest, value);
}

/* nsboot.memory.max = 2G and the other keys named after a cgroup2 file: one entry of the same
 * list as nsboot.cgroup. */
int parse_limit_key(const SettingDef *def, const char *value, void *dest) {
        _cleanup_free_ char *a = NULL;

        if (isempty(value))
                return -EINVAL;
        if (asprintf(&a, "%s=%s", def->key + strlen("nsboot."), value) < 0)
                return -ENOMEM;
        return set_limit(dest, a);
}

static bool endswith_dotdot(const char *v) {
        size_t n = strlen(v);

        return n >= 3 && streq(v + n - 3, "/..");
}

/* An absolute path without "..", to hide in the guest; an empty value clears the list. */
int parse_hide(const SettingDef *def _unused_, const char *value, void *dest) {
        char ***l = dest;

        if (isempty(value)) {
                *l = strv_free(*l);
                return 0;
        }
        if (value[0] != '/' || strlen(value) >= 4096 || strstr(value, "/../") || endswith_dotdot(value))
                return -EINVAL;
        if (strv_length(*l) >= 256)
                return -EINVAL;
        return strv_contains(*l, value) ? 0 : strv_extend(l, value);
}

int parse_time_offset(const SettingDef *def _unused_, const char *value, void *dest) {
        return time_offset_from_string(value, dest);
}

int format_time_offset(const void *src, char **ret) {
        return time_offset_to_string(src, ret);
}

int parse_disk_quota(const SettingDef *def _unused_, const char *value, void *dest) {
        return quota_parse_size(value, dest);
}

int parse_disk_inodes(const SettingDef *def _unused_, const char *value, void *dest) {
        return quota_parse_inodes(value, dest);
}

int format_disk_limit(const void *src, char **ret) {
        uint64_t v = *(const uint64_t *) src;

        if (v == QUOTA_INFINITY)
                return (*ret = strdup("infinity")) ? 0 : -ENOMEM;
        return format_size(src, ret);
}
