/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stddef.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>

#include "basic/parse-util.h"
#include "basic/strv.h"
#include "caps.h"
#include "devices.h"
#include "firewall.h"
#include "journal-link.h"
#include "limit.h"
#include "machined.h"
#include "netdev-config.h"
#include "image-policy.h"
#include "overlay.h"
#include "log.h"
#include "seccomp-filter.h"
#include "settings-table.h"
#include "userns.h"

static int parse_string(const SettingDef *def _unused_, const char *value, void *dest) {
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

static int parse_path(const SettingDef *def, const char *value, void *dest) {
        if (isempty(value) || strlen(value) >= 4096)
                return -EINVAL;
        return parse_string(def, value, dest);
}

static int parse_absolute_path(const SettingDef *def, const char *value, void *dest) {
        if (isempty(value) || value[0] != '/')
                return -EINVAL;
        return parse_path(def, value, dest);
}

static int parse_machine_name(const SettingDef *def, const char *value, void *dest) {
        if (!machine_name_is_valid(value))
                return -EINVAL;
        return parse_string(def, value, dest);
}

static int parse_hostname(const SettingDef *def, const char *value, void *dest) {
        if (!hostname_is_valid(value))
                return -EINVAL;
        return parse_string(def, value, dest);
}

static int parse_user(const SettingDef *def, const char *value, void *dest) {
        if (isempty(value) || strpbrk(value, ":/\n") || strlen(value) > 256)
                return -EINVAL;
        return parse_string(def, value, dest);
}

static int parse_bool(const SettingDef *def _unused_, const char *value, void *dest) {
        int r = parse_boolean(value);

        if (r < 0)
                return r;
        *(bool *) dest = r;
        return 0;
}

static int parse_uuid(const SettingDef *def _unused_, const char *value, void *dest) {
        sd_id128_t id;

        if (sd_id128_from_string(value, &id) < 0 || sd_id128_is_null(id))
                return -EINVAL;
        *(sd_id128_t *) dest = id;
        return 0;
}

static int parse_signal(const SettingDef *def _unused_, const char *value, void *dest) {
        int sig = signal_from_string(value);

        if (sig < 0)
                return sig;
        *(int *) dest = sig;
        return 0;
}

static int parse_console(const SettingDef *def _unused_, const char *value, void *dest) {
        ConsoleMode m = console_mode_from_string(value);

        if (m < 0)
                return m;
        *(ConsoleMode *) dest = m;
        return 0;
}

/* VAR=VALUE, or VAR alone to pass the host's value on; VAR is a valid shell-style name. */
static int parse_env(const SettingDef *def _unused_, const char *value, void *dest) {
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

static int format_string(const void *src, char **ret) {
        const char *v = *(char *const *) src;

        *ret = strdup(strempty(v));
        return *ret ? 0 : -ENOMEM;
}

static int format_bool(const void *src, char **ret) {
        *ret = strdup(*(const bool *) src ? "yes" : "no");
        return *ret ? 0 : -ENOMEM;
}

static int format_uuid(const void *src, char **ret) {
        sd_id128_t id = *(const sd_id128_t *) src;
        char buf[SD_ID128_UUID_STRING_MAX];

        *ret = strdup(sd_id128_is_null(id) ? "" : sd_id128_to_uuid_string(id, buf));
        return *ret ? 0 : -ENOMEM;
}

static int format_signal(const void *src, char **ret) {
        char buf[16];
        int sig = *(const int *) src;

        *ret = strdup(sig > 0 ? signal_to_string(sig, buf) : "");
        return *ret ? 0 : -ENOMEM;
}

static int format_console(const void *src, char **ret) {
        *ret = strdup(strempty(console_mode_to_string(*(const ConsoleMode *) src)));
        return *ret ? 0 : -ENOMEM;
}

static int format_strv(const void *src, char **ret) {
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
static int parse_caps(const SettingDef *def _unused_, const char *value, void *dest) {
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

/* lxc.cap.keep: exactly these ("none": no capability at all). */
static int parse_caps_keep(const SettingDef *def _unused_, const char *value, void *dest) {
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

static int format_caps(const void *src, char **ret) {
        uint64_t mask = *(const uint64_t *) src;

        if (mask == CAPS_KEEP_SET) {
                *ret = strdup("none");
                return *ret ? 0 : -ENOMEM;
        }
        return caps_to_string(mask & ~CAPS_KEEP_SET, ret);
}

/* "dir:/path" is LXC's spelling of a plain directory root; other backends come later. */
static int parse_directory(const SettingDef *def, const char *value, void *dest) {
        const char *p = startswith(value, "dir:");

        if (!p && strchr(value, ':') && value[0] != '/')
                return -EOPNOTSUPP;
        return parse_path(def, p ?: value, dest);
}

static int parse_unsigned(const SettingDef *def _unused_, const char *value, void *dest) {
        unsigned v;
        int r = safe_atou(value, &v);

        if (r < 0)
                return r;
        if (v > 4096)
                return -ERANGE;
        *(unsigned *) dest = v;
        return 0;
}

static int format_unsigned(const void *src, char **ret) {
        return asprintf(ret, "%u", *(const unsigned *) src) < 0 ? -ENOMEM : 0;
}

/* All custom mounts share one list in mount order; an empty value of any of their keys clears it. */
static int mounts_clear_if_empty(const char *value, void *dest) {
        if (*value)
                return 0;
        custom_mounts_done(dest);
        return 1;
}

static int parse_bind(const SettingDef *def _unused_, const char *value, void *dest) {
        return mounts_clear_if_empty(value, dest) ?: custom_mount_parse_bind(dest, value, false);
}

static int parse_bind_ro(const SettingDef *def _unused_, const char *value, void *dest) {
        return mounts_clear_if_empty(value, dest) ?: custom_mount_parse_bind(dest, value, true);
}

static int parse_tmpfs(const SettingDef *def _unused_, const char *value, void *dest) {
        return mounts_clear_if_empty(value, dest) ?: custom_mount_parse_tmpfs(dest, value);
}

static int parse_mount_entry(const SettingDef *def _unused_, const char *value, void *dest) {
        return mounts_clear_if_empty(value, dest) ?: custom_mount_parse_fstab_line(dest, value);
}

static int parse_mount_fstab(const SettingDef *def _unused_, const char *value, void *dest) {
        int r;

        if (mounts_clear_if_empty(value, dest))
                return 0;
        if (value[0] != '/')
                return -EINVAL;
        r = custom_mount_parse_fstab_file(dest, value);
        return r == -ENOENT ? -EINVAL : r;
}

static int format_mounts(const void *src, char **ret) {
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

static int parse_device_allow(const SettingDef *def _unused_, const char *value, void *dest) {
        if (!*value) {
                device_rules_done(dest);
                return 0;
        }
        return device_rules_allow(dest, value);
}

static int parse_device_deny(const SettingDef *def _unused_, const char *value, void *dest) {
        return device_rules_deny(dest, value);
}

static int format_device_rules(const void *src, char **ret) {
        return device_rules_format(src, ret);
}

static int parse_register(const SettingDef *def _unused_, const char *value, void *dest) {
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

static int format_register(const void *src, char **ret) {
        *ret = strdup(strempty(register_mode_to_string(*(const int *) src)));
        return *ret ? 0 : -ENOMEM;
}

static int parse_slice(const SettingDef *def, const char *value, void *dest) {
        size_t n = strlen(value);

        if (n < 7 || !streq(value + n - 6, ".slice") || strpbrk(value, "/ \t"))
                return -EINVAL;
        return parse_string(def, value, dest);
}

static int parse_property(const SettingDef *def _unused_, const char *value, void *dest) {
        if (!*value) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        if (!machined_property_is_valid(value))
                return -EINVAL;
        return strv_extend(dest, value);
}

static int parse_link_journal(const SettingDef *def _unused_, const char *value, void *dest) {
        LinkJournal l = link_journal_from_string(value);

        if (l < 0)
                return -EINVAL;
        *(int *) dest = l;
        return 0;
}

static int format_link_journal(const void *src, char **ret) {
        *ret = strdup(strempty(link_journal_to_string(*(const int *) src)));
        return *ret ? 0 : -ENOMEM;
}

#define NET_CLI_PARSER(fn, type)                                                        \
        static int fn(const SettingDef *def, const char *value, void *dest) {           \
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

static int parse_network_veth_extra(const SettingDef *def _unused_, const char *value, void *dest) {
        return netdev_config_add_veth_extra(dest, value, "--network-veth-extra");
}

static int parse_network_zone(const SettingDef *def _unused_, const char *value, void *dest) {
        return netdev_config_add_zone(dest, value, "--network-zone");
}

static int parse_network_flag(const SettingDef *def _unused_, const char *value, void *dest) {
        int b = parse_boolean(value);

        if (b < 0)
                return -EINVAL;
        return b ? netdev_config_add_cli(dest, NETDEV_VETH, "", "--network-veth") : 0;
}

/* A list of checked -p specs; duplicates of protocol and host port are refused here already. */
static int parse_port(const SettingDef *def _unused_, const char *value, void *dest) {
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
static int parse_rlimit(const SettingDef *def _unused_, const char *value, void *dest) {
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

static int format_rlimits(const void *src, char **ret) {
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

static int parse_sysctl(const SettingDef *def _unused_, const char *value, void *dest) {
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
static int parse_cgroup(const SettingDef *def _unused_, const char *value, void *dest) {
        size_t n = strcspn(value, "="), dot = strcspn(value, ".");

        if (!*value) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        if (n == 0 || !value[n] || !value[n + 1] || dot == 0 || dot >= n - 1 || strcspn(value, "/ \t") < n ||
            strncmp(value, "cgroup.", 7) == 0)
                return -EINVAL;
        return set_limit(dest, value);
}

/* nsboot.memory.max = 2G and the other keys named after a cgroup2 file: one entry of the same
 * list as nsboot.cgroup. */
static int parse_limit_key(const SettingDef *def, const char *value, void *dest) {
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
static int parse_hide(const SettingDef *def _unused_, const char *value, void *dest) {
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

static int parse_time_offset(const SettingDef *def _unused_, const char *value, void *dest) {
        return time_offset_from_string(value, dest);
}

static int format_time_offset(const void *src, char **ret) {
        return time_offset_to_string(src, ret);
}

/* "PATH [ARGS...]" split on blanks, '…' and "…" quoting words, as LXC takes lxc.init.cmd. */
static int parse_command_line(const SettingDef *def _unused_, const char *value, void *dest) {
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

static int parse_int(const SettingDef *def _unused_, const char *value, void *dest) {
        return safe_atoi(value, dest);
}

static int format_int(const void *src, char **ret) {
        return asprintf(ret, "%d", *(const int *) src) < 0 ? -ENOMEM : 0;
}

static int format_netdevs(const void *src, char **ret) {
        return netdev_configs_format(src, ret);
}

static int parse_private_users(const SettingDef *def _unused_, const char *value, void *dest) {
        return userns_parse_mode(value, dest);
}

static int format_private_users(const void *src, char **ret) {
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

static int parse_ownership(const SettingDef *def _unused_, const char *value, void *dest) {
        UserNsOwnership o = userns_ownership_from_string(value);

        if (o < 0)
                return -EINVAL;
        ((UserNsConfig *) dest)->ownership = o;
        return 0;
}

static int format_ownership(const void *src, char **ret) {
        *ret = strdup(userns_ownership_to_string(((const UserNsConfig *) src)->ownership));
        return *ret ? 0 : -ENOMEM;
}

/* lxc.idmap: each line adds a range and makes the maps explicit; an empty value clears them. */
static int parse_idmap(const SettingDef *def _unused_, const char *value, void *dest) {
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

static int format_idmap(const void *src, char **ret) {
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
static int parse_rootfs_options(const SettingDef *def _unused_, const char *value, void *dest) {
        UserNsConfig *c = dest;

        if (isempty(value))
                return 0;
        if (!streq(value, "idmap=container"))
                return -EOPNOTSUPP;
        c->ownership = USERNS_OWNERSHIP_MAP;
        return 0;
}

static int parse_syscall_filter(const SettingDef *def _unused_, const char *value, void *dest) {
        return syscall_filter_parse(dest, value);
}

static int format_syscall_filter(const void *src, char **ret) {
        return syscall_filter_format(src, ret);
}

/* An empty value forgets the profile (LXC's way to undo an included one). */
static int parse_seccomp_profile(const SettingDef *def, const char *value, void *dest) {
        if (!*value) {
                free(*(char **) dest);
                *(char **) dest = NULL;
                return 0;
        }
        return parse_absolute_path(def, value, dest);
}

static int parse_volatile(const SettingDef *def _unused_, const char *value, void *dest) {
        VolatileMode m = volatile_mode_from_string(value);
        int b = m < 0 ? parse_boolean(value) : -EINVAL;

        if (m < 0 && b < 0)
                return -EINVAL;
        *(int *) dest = m >= 0 ? (int) m : b ? VOLATILE_YES : VOLATILE_NO;
        return 0;
}

static int format_volatile(const void *src, char **ret) {
        *ret = strdup(strempty(volatile_mode_to_string(*(const int *) src)));
        return *ret ? 0 : -ENOMEM;
}

static int parse_image_policy(const SettingDef *def, const char *value, void *dest) {
        ImagePolicy p;
        int r = image_policy_from_string(value, &p);

        return r < 0 ? r : parse_string(def, value, dest);
}

/* --overlay=/--overlay-ro= values, checked here and mounted by overlay.c; empty clears the list. */
static int parse_overlay(const SettingDef *def _unused_, const char *value, void *dest) {
        int r;

        if (!*value) {
                *(char ***) dest = strv_free(*(char ***) dest);
                return 0;
        }
        r = overlay_spec_check(value);
        return r < 0 ? r : strv_extend(dest, value);
}

#define FIELD(f) offsetof(Settings, f)
#define P SETTING_PRIVILEGED

/* Sorted by native key; command-line-only spellings (key NULL) follow the key they alias. */
const SettingDef settings_table[] = {
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
        { .key = "nsboot.boot", .long_option = "boot", .short_option = 'b', .parse = parse_bool,
          .offset = FIELD(boot), .flags = SETTING_FLAG, .cli_value = "yes", .expect = "yes or no",
          .doc = "Boot the tree's init as PID 1; arguments go to init", .format = format_bool },
        { .key = "nsboot.capability", .long_option = "capability", .parse = parse_caps,
          .offset = FIELD(caps_add), .flags = P, .metavar = "CAP[,CAP...]",
          .expect = "capability names such as CAP_NET_ADMIN or net_admin, or all",
          .doc = "Give PID 1 these capabilities beyond the default set", .format = format_caps },
        { .key = "nsboot.cgroup", .parse = parse_cgroup, .offset = FIELD(cgroup_settings), .flags = SETTING_LIST | P,
          .expect = "FILE=VALUE with a controller's cgroup2 file, e.g. memory.max=1G or pids.max=500",
          .doc = "Write VALUE to FILE of the machine's cgroup (lxc.cgroup2.FILE)", .format = format_strv },
        { .key = "nsboot.chdir", .lxc_key = "lxc.init.cwd", .long_option = "chdir", .parse = parse_absolute_path,
          .offset = FIELD(chdir), .metavar = "PATH", .expect = "an absolute path",
          .doc = "Working directory of the command inside the container", .format = format_string },
        { .key = "nsboot.console", .long_option = "console", .parse = parse_console, .offset = FIELD(console_mode),
          .metavar = "MODE", .expect = "interactive, read-only, passive or pipe",
          .doc = "How the console is connected", .format = format_console },
        { .long_option = "pipe", .short_option = 'P', .parse = parse_console, .offset = FIELD(console_mode),
          .flags = SETTING_FLAG | SETTING_NO_VALUE, .cli_value = "pipe", .expect = "pipe", .doc = "Same as --console=pipe",
          .format = format_console },
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
        { .key = "nsboot.drop-capability", .lxc_key = "lxc.cap.drop", .long_option = "drop-capability",
          .parse = parse_caps, .offset = FIELD(caps_drop), .metavar = "CAP[,CAP...]",
          .expect = "capability names such as CAP_SYS_ADMIN or sys_admin, or all",
          .doc = "Take these capabilities from PID 1", .format = format_caps },
        { .key = "nsboot.ephemeral", .lxc_key = "lxc.ephemeral", .long_option = "ephemeral", .short_option = 'x',
          .parse = parse_bool, .offset = FIELD(ephemeral), .flags = SETTING_FLAG, .cli_value = "yes",
          .expect = "yes or no (1 or 0)",
          .doc = "Run on a throwaway overlay of the tree in memory: nothing it writes survives", .format = format_bool },
        { .key = "nsboot.hostname", .lxc_key = "lxc.uts.name", .lxc_legacy_key = "lxc.utsname",
          .long_option = "hostname", .parse = parse_hostname, .offset = FIELD(hostname), .metavar = "NAME",
          .expect = "a hostname of up to 64 letters, digits, '-', '_' and '.'",
          .doc = "Hostname inside (default: machine name)", .format = format_string },
        { .key = "nsboot.idmap", .lxc_key = "lxc.idmap", .parse = parse_idmap, .offset = FIELD(userns),
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
          .format = format_strv },
        { .key = "nsboot.io.max", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "MAJOR:MINOR followed by rbps=, wbps=, riops= and wiops= limits",
          .doc = "Bandwidth and IOPS limits of one block device (io.max)", .format = format_strv },
        { .key = "nsboot.io.weight", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "a weight from 1 to 10000 (default 100)",
          .doc = "Share of disk time under contention (IOWeight=, io.weight)", .format = format_strv },
        { .key = "nsboot.keep-capability", .lxc_key = "lxc.cap.keep", .long_option = "keep-capability",
          .parse = parse_caps_keep, .offset = FIELD(caps_keep), .flags = P, .metavar = "CAP[,CAP...]",
          .expect = "capability names, or none", .doc = "Give PID 1 exactly these capabilities",
          .format = format_caps },
        { .key = "nsboot.keep-unit", .long_option = "keep-unit", .parse = parse_bool, .offset = FIELD(keep_unit),
          .flags = P | SETTING_FLAG, .cli_value = "yes", .expect = "yes or no",
          .doc = "Stay in nsboot's own unit (nsboot@.service) instead of a new scope", .format = format_bool },
        { .key = "nsboot.kill-signal", .lxc_key = "lxc.signal.halt", .lxc_legacy_key = "lxc.haltsignal",
          .long_option = "kill-signal", .parse = parse_signal, .offset = FIELD(kill_signal), .metavar = "SIGNAL",
          .expect = "a signal name or number", .doc = "Signal sent to PID 1 when nsboot is asked to stop",
          .format = format_signal },
        { .key = "nsboot.link-journal", .long_option = "link-journal", .parse = parse_link_journal,
          .offset = FIELD(link_journal), .flags = P, .metavar = "MODE",
          .expect = "no, host, try-host, guest, try-guest or auto",
          .doc = "Make the guest's journal visible to the host's journalctl", .format = format_link_journal },
        { .short_option = 'j', .parse = parse_link_journal, .offset = FIELD(link_journal),
          .flags = SETTING_FLAG, .cli_value = "try-guest", .expect = "try-guest",
          .doc = "Same as --link-journal=try-guest", .format = format_link_journal },
        { .key = "nsboot.machine", .long_option = "machine", .short_option = 'M', .parse = parse_machine_name,
          .offset = FIELD(machine), .metavar = "NAME",
          .expect = "1-64 letters, digits, '-', '_' and '.', not starting with '.' or '-'", .doc = "Machine name",
          .format = format_string },
        { .key = "nsboot.masquerade", .long_option = "masquerade", .parse = parse_bool, .offset = FIELD(masquerade),
          .flags = SETTING_FLAG | P, .cli_value = "yes", .expect = "yes or no",
          .doc = "NAT the first veth's IPv4 subnet out of the host's other interfaces", .format = format_bool },
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
        { .key = "nsboot.overlay", .long_option = "overlay", .parse = parse_overlay, .offset = FIELD(overlays),
          .flags = SETTING_LIST | P, .metavar = "[+]LOWER:...:[+]UPPER:DEST",
          .expect = "two or more host directories (+: in the tree; an empty upper means a tmpfs) and a container path",
          .doc = "Mount an overlay of host directories at DEST; writes go to the upper one", .format = format_strv },
        { .key = "nsboot.overlay-ro", .long_option = "overlay-ro", .parse = parse_overlay, .offset = FIELD(overlays_ro),
          .flags = SETTING_LIST | P, .metavar = "[+]LOWER:...:DEST",
          .expect = "two or more host directories (+: in the tree) and a container path",
          .doc = "Mount a read-only overlay of host directories at DEST", .format = format_strv },
        { .key = "nsboot.pids.max", .parse = parse_limit_key, .offset = FIELD(cgroup_settings),
          .flags = SETTING_NO_PRINT | P, .expect = "a number of tasks, or infinity",
          .doc = "Most processes and threads at once (TasksMax=, pids.max)", .format = format_strv },
        { .key = "nsboot.port", .long_option = "port", .short_option = 'p', .parse = parse_port, .offset = FIELD(ports),
          .flags = SETTING_LIST | P, .metavar = "[tcp:|udp:]HOST[:CONT]",
          .expect = "[tcp:|udp:]HOSTPORT[:CONTAINERPORT] with ports 1-65535, each protocol and host port once",
          .doc = "Forward a host port to the container's first veth address", .format = format_strv },
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
        { .key = "nsboot.register", .long_option = "register", .parse = parse_register, .offset = FIELD(register_mode), .flags = P,
          .metavar = "yes|no|auto", .expect = "yes, no or auto",
          .doc = "Register with systemd-machined (auto: when it answers)", .format = format_register },
        { .key = "nsboot.rlimit", .long_option = "rlimit", .parse = parse_rlimit, .offset = FIELD(rlimits),
          .flags = SETTING_LIST | P, .metavar = "NAME=SOFT[:HARD]",
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
        { .key = "nsboot.setenv", .lxc_key = "lxc.environment", .long_option = "setenv", .short_option = 'E',
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
          .parse = parse_signal, .offset = FIELD(stop_signal), .expect = "a signal name or number",
          .doc = "Signal for a forced stop (the second SIGTERM; default SIGKILL)", .format = format_signal },
        { .key = "nsboot.sysctl", .long_option = "sysctl", .parse = parse_sysctl, .offset = FIELD(sysctls),
          .flags = SETTING_LIST, .metavar = "KEY=VALUE",
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
        { .key = "nsboot.uuid", .long_option = "uuid", .parse = parse_uuid, .offset = FIELD(uuid), .flags = P,
          .metavar = "UUID", .expect = "a UUID or 32 hex digits",
          .doc = "Container UUID when the tree has no machine ID", .format = format_uuid },
        { .key = "nsboot.volatile", .long_option = "volatile", .parse = parse_volatile, .offset = FIELD(volatile_mode),
          .flags = SETTING_FLAG, .cli_value = "yes", .metavar = "MODE", .expect = "yes, state, overlay or no",
          .doc = "Boot with a tmpfs root and the tree's /usr (yes), a tmpfs /var (state) or an overlay (overlay)",
          .format = format_volatile },
};

const size_t settings_table_size = ELEMENTSOF(settings_table);

const SettingDef *settings_table_find_any_key(const char *key, bool *ret_legacy) {
        for (size_t i = 0; i < settings_table_size; i++) {
                const SettingDef *d = &settings_table[i];

                if (streq_ptr(d->key, key) || streq_ptr(d->lxc_key, key) || streq_ptr(d->lxc_alt_key, key) ||
                    streq_ptr(d->lxc_legacy_key, key)) {
                        if (ret_legacy)
                                *ret_legacy = streq_ptr(d->lxc_legacy_key, key);
                        return d;
                }
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
        int r;

        r = def->parse(def, value, (char *) s + def->offset);
        if (r == -ENOMEM)
                return log_oom();
        if (r == -EEXIST)
                return log_error_errno(r, "%s: '%s' is given twice", where, value);
        if (r == -EOPNOTSUPP)
                return log_error_errno(r, "%s: not supported yet ('%s'; expected %s)", where, value, def->expect);
        if (r < 0)
                return log_error_errno(r, "%s: invalid value '%s' (expected %s)", where, value, def->expect);
        return 0;
}
