/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/strv.h"
#include "config.h"
#include "limit.h"
#include "log.h"
#include "netdev-config.h"
#include "settings-table.h"

#define CONFIG_DIRS "/etc/nsboot", "/run/nsboot"

/* LXC <= 2.0 names of keys that have no settings table row (yet), as lxc-update-config renames them. */
static const char *const legacy_renames[][2] = {
        { "lxc.devttydir", "lxc.tty.dir" },     { "lxc.id_map", "lxc.idmap" },
        { "lxc.aa_profile", "lxc.apparmor.profile" },
        { "lxc.aa_allow_incomplete", "lxc.apparmor.allow_incomplete" },
        { "lxc.se_context", "lxc.selinux.context" },
        { "lxc.console", "lxc.console.path" },  { "lxc.rebootsignal", "lxc.signal.reboot" },
        { "lxc.stopsignal", "lxc.signal.stop" },{ "lxc.syslog", "lxc.log.syslog" },
        { "lxc.loglevel", "lxc.log.level" },    { "lxc.logfile", "lxc.log.file" },
        { "lxc.init_uid", "lxc.init.uid" },
        { "lxc.init_gid", "lxc.init.gid" },     { "lxc.network", "lxc.net" },
};

static const char *const obsolete_keys[] = { "lxc.rootfs.backend", "lxc.pivotdir", "lxc.kmsg" };

typedef struct KeyFamily {
        const char *prefix;     /* a key, or a prefix ending in '.' */
        KeyStatus status;
        const char *note;
} KeyFamily;

/* Keys without a settings row. Prefixes match every key below them. */
static const KeyFamily families[] = {
        { "lxc.apparmor.", KEY_IGNORED, "nsboot does not load AppArmor profiles" },
        { "lxc.selinux.", KEY_IGNORED, "nsboot does not set SELinux contexts" },
        { "lxc.tty.dir", KEY_IGNORED, "the console and ttys are always directly in /dev" },
        { "lxc.hook.clone", KEY_IGNORED, "nsboot does not clone containers" },
        { "lxc.hook.destroy", KEY_IGNORED, "nsboot does not destroy containers" },
        { "lxc.log.", KEY_IGNORED, "nsboot logs to its standard error" },
        { "lxc.monitor.", KEY_IGNORED, "nsboot itself is the monitor" },
        { "lxc.rootfs.managed", KEY_IGNORED, "nsboot never deletes a tree" },
        { "lxc.rootfs.mount", KEY_IGNORED, "nsboot needs no staging directory" },
        { "lxc.hook.", KEY_UNSUPPORTED, "hooks come in a later version" },
        { "lxc.console.", KEY_UNSUPPORTED, "console logging comes in a later version" },
        { "lxc.seccomp.allow_nesting", KEY_IGNORED, "nsboot always stacks its filters on any it runs under" },
        { "lxc.seccomp.notify.", KEY_UNSUPPORTED, "nsboot has no seccomp notifier to forward calls to" },
        { "lxc.start.", KEY_UNSUPPORTED, "only lxc.start.auto, lxc.start.order and lxc.start.delay exist" },
        { "lxc.group", KEY_UNSUPPORTED, "use systemctl enable nsboot@NAME; autostart groups come later" },
        { "lxc.signal.reboot", KEY_IGNORED,
          "nsboot never asks a guest to reboot (machinectl reboot sends SIGINT to its init itself)" },
        { "lxc.init.", KEY_UNSUPPORTED, "init's user and groups come in a later version" },
        { "lxc.execute.cmd", KEY_UNSUPPORTED, "application containers come in a later version" },
        { "lxc.arch", KEY_UNSUPPORTED, "personalities come in a later version" },
        { "lxc.namespace.", KEY_UNSUPPORTED, "choosing namespaces comes in a later version" },
        { "lxc.proc.", KEY_UNSUPPORTED, "writing /proc/PID files comes in a later version" },
        { "lxc.keyring.session", KEY_UNSUPPORTED, "keyring control comes in a later version" },
        { "lxc.time.", KEY_UNSUPPORTED, "time namespaces come in a later version" },
        { "lxc.sched.core", KEY_UNSUPPORTED, "core scheduling comes in a later version" },
        { "lxc.environment.", KEY_UNSUPPORTED, "split runtime and hook environments come in a later version" },
};

static bool family_matches(const KeyFamily *f, const char *key) {
        size_t n = strlen(f->prefix);

        if (f->prefix[n - 1] == '.')
                return strncmp(key, f->prefix, n) == 0;
        return streq(key, f->prefix);
}

/* What nsboot always does is LXC's proc:mixed, sys:mixed (or ro) and cgroup:mixed. */
static bool mount_auto_is_default(const char *value) {
        static const char *const ok[] = { "proc", "proc:mixed", "sys", "sys:mixed", "sys:ro", "cgroup",
                                          "cgroup:mixed", "cgroup:mixed:force", "cgroup:force", "cgroup2",
                                          "cgroup2:force" };
        _cleanup_free_ char *copy = strdup(value);
        char *save = NULL;

        if (!copy)
                return false;
        for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
                bool found = false;

                for (size_t i = 0; i < ELEMENTSOF(ok); i++)
                        found = found || streq(w, ok[i]);
                if (!found)
                        return false;
        }
        return true;
}

/* lxc.network.<i>.<sub> and unindexed lxc.network.<sub> (numbered at each .type) -> lxc.net.N.<sub>. */
static char *modern_network_key(const char *rest, unsigned *net_index) {
        unsigned idx;
        int consumed = 0;
        char *k;

        if (sscanf(rest, "%u.%n", &idx, &consumed) == 1 && consumed > 0)
                rest += consumed;
        else {
                if (streq(rest, "type"))
                        (*net_index)++;
                idx = *net_index > 0 ? *net_index - 1 : 0;
        }
        if (streq(rest, "ipv4") || streq(rest, "ipv6"))
                return asprintf(&k, "lxc.net.%u.%s.address", idx, rest) < 0 ? NULL : k;
        return asprintf(&k, "lxc.net.%u.%s", idx, rest) < 0 ? NULL : k;
}

static char *modern_key(const char *key, unsigned *net_index) {
        const char *rest;

        for (size_t i = 0; i < ELEMENTSOF(legacy_renames); i++)
                if (streq(key, legacy_renames[i][0]))
                        return strdup(legacy_renames[i][1]);
        rest = startswith(key, "lxc.network.");
        if (rest)
                return modern_network_key(rest, net_index);
        rest = startswith(key, "lxc.limit.");
        if (rest) {
                char *k;
                return asprintf(&k, "lxc.prlimit.%s", rest) < 0 ? NULL : k;
        }
        return NULL;
}

KeyStatus config_key_status(const char *key, const char *value, unsigned *net_index, char **ret_modern,
                            const char **ret_note) {
        _cleanup_free_ char *modern = modern_key(key, net_index);
        const char *k = modern ?: key;
        bool legacy = false;

        *ret_note = NULL;
        if (settings_table_find_any_key(k, &legacy)) {
                if (legacy && !modern)
                        for (size_t i = 0; i < settings_table_size; i++)
                                if (streq_ptr(settings_table[i].lxc_legacy_key, k))
                                        modern = strdup(settings_table[i].lxc_key);
                *ret_modern = TAKE_PTR(modern);
                return KEY_SETTING;
        }
        *ret_modern = TAKE_PTR(modern);
        if (netdev_config_is_key(k))
                return KEY_NETDEV;
        for (size_t i = 0; i < ELEMENTSOF(obsolete_keys); i++)
                if (streq(k, obsolete_keys[i]))
                        return KEY_OBSOLETE;
        if (streq(k, "lxc.autodev")) {
                *ret_note = "nsboot always gives the container its own /dev";
                return streq(value, "1") ? KEY_ACCEPTED : KEY_UNSUPPORTED;
        }
        if (streq(k, "lxc.mount.auto")) {
                *ret_note = "nsboot always mounts /proc and /sys mixed and cgroupfs as the guest's own subtree";
                return mount_auto_is_default(value) ? KEY_ACCEPTED : KEY_UNSUPPORTED;
        }
        for (size_t i = 0; i < ELEMENTSOF(families); i++)
                if (family_matches(&families[i], k)) {
                        *ret_note = families[i].note;
                        return families[i].status;
                }
        return KEY_UNKNOWN;
}

static unsigned edit_distance(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        unsigned row[128];

        if (lb >= ELEMENTSOF(row))
                return 1000;
        for (size_t j = 0; j <= lb; j++)
                row[j] = (unsigned) j;
        for (size_t i = 1; i <= la; i++) {
                unsigned diag = row[0];

                row[0] = (unsigned) i;
                for (size_t j = 1; j <= lb; j++) {
                        unsigned up = row[j], best = MIN(row[j - 1] + 1, up + 1);

                        best = MIN(best, diag + (a[i - 1] != b[j - 1]));
                        diag = up;
                        row[j] = best;
                }
        }
        return row[lb];
}

/* "lxc.hostnme" -> "nsboot.hostname": the same word under the other namespace. */
static const char *suggest_by_last_word(const char *key) {
        const char *word = strrchr(key, '.'), *best = NULL;
        unsigned best_d = 1000;

        word = word ? word + 1 : key;
        for (size_t i = 0; i < settings_table_size; i++) {
                const char *k = settings_table[i].key, *w;
                unsigned d;

                if (!k)
                        continue;
                w = strrchr(k, '.') + 1;
                d = edit_distance(word, w);
                if (d < best_d) {
                        best_d = d;
                        best = k;
                }
        }
        return best_d <= MAX(1u, (unsigned) strlen(word) / 3) ? best : NULL;
}

const char *config_key_suggest(const char *key) {
        const char *best = NULL;
        unsigned best_d = 1000;

        for (size_t i = 0; i < settings_table_size; i++) {
                const char *names[] = { settings_table[i].key, settings_table[i].lxc_key, settings_table[i].lxc_alt_key };

                for (size_t j = 0; j < ELEMENTSOF(names); j++) {
                        unsigned d = names[j] ? edit_distance(key, names[j]) : 1000;

                        if (d < best_d) {
                                best_d = d;
                                best = names[j];
                        }
                }
        }
        for (size_t i = 0; i < ELEMENTSOF(families); i++) {
                unsigned d = edit_distance(key, families[i].prefix);

                if (d < best_d) {
                        best_d = d;
                        best = families[i].prefix;
                }
        }
        /* Only a plausible typo: a third of the key at most. */
        if (best_d <= MAX(2u, (unsigned) strlen(key) / 3))
                return best;
        return suggest_by_last_word(key);
}

int config_find(const char *machine, const char *directory, char **ret_path, bool *ret_trusted) {
        static const char *const dirs[] = { CONFIG_DIRS };
        _cleanup_free_ char *beside = NULL;

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *p = NULL;

                if (asprintf(&p, "%s/%s.conf", dirs[i], machine) < 0)
                        return -ENOMEM;
                if (access(p, F_OK) >= 0) {
                        *ret_path = TAKE_PTR(p);
                        *ret_trusted = true;
                        return 0;
                }
        }
        *ret_path = NULL;
        if (!directory)
                return 0;
        /* The tree's neighbour: whoever made the tree may have written it, so it is not trusted. */
        beside = strdup(directory);
        if (!beside)
                return -ENOMEM;
        {
                char *slash = strrchr(beside, '/');
                _cleanup_free_ char *p = NULL;

                if (!slash)
                        return 0;
                *slash = 0;
                if (asprintf(&p, "%s/%s.nsboot", *beside ? beside : "", machine) < 0)
                        return -ENOMEM;
                if (access(p, F_OK) >= 0) {
                        *ret_path = TAKE_PTR(p);
                        *ret_trusted = false;
                }
        }
        return 0;
}

typedef struct LoadState {
        ConfigFile cf;
        char **warned;          /* keys warned about once already */
        unsigned net_index;
        bool trusted;
} LoadState;

static void warn_once(LoadState *st, const ConfigAssignment *a, const char *key, const char *msg, const char *note) {
        if (strv_contains(st->warned, key))
                return;
        (void) strv_extend(&st->warned, key);
        log_warning("%s:%u: %s: %s%s%s", a->file, a->line, key, msg, note ? ": " : "", strempty(note));
}

/* Network keys are privileged: an interface gives access to a host network. */
static int apply_netdev(Settings *s, LoadState *st, const ConfigAssignment *a, const char *key) {
        _cleanup_free_ char *where = NULL;
        const char *expect;
        int r;

        if (!st->trusted) {
                log_warning("%s:%u: %s: ignored in an untrusted file (beside the tree); put it in /etc/nsboot/ to "
                            "use it", a->file, a->line, a->key);
                return 0;
        }
        if (asprintf(&where, "%s:%u", a->file, a->line) < 0)
                return log_oom();
        r = netdev_config_assign(&s->netdevs, key, a->value, where, &expect);
        switch (r) {
        case 0:
                return 0;
        case -ENOMEM:
                return log_oom();
        case -EOPNOTSUPP:
                return log_error_errno(r, "%s: %s: not supported yet %s", where, a->key, expect);
        case -ENOKEY:
                return log_error_errno(r, "%s: %s: unknown key (expected %s)", where, a->key, expect);
        case -E2BIG:
                return log_error_errno(r, "%s: %s: more than %d network interfaces", where, a->key, NETDEVS_MAX);
        default:
                return log_error_errno(r, "%s: %s: invalid value '%s' (expected %s)", where, a->key, a->value, expect);
        }
}

/* lxc.prlimit.NAME = V and lxc.sysctl.KEY = V are one row each: nsboot.rlimit = NAME=V, nsboot.sysctl =
 * KEY=V (LXC <= 2.0: lxc.limit.NAME). */
static const struct {
        const char *prefix, *row;
} prefix_keys[] = {
        { "lxc.prlimit.", "nsboot.rlimit" }, { "nsboot.rlimit.", "nsboot.rlimit" }, { "lxc.limit.", "nsboot.rlimit" },
        { "lxc.sysctl.", "nsboot.sysctl" },  { "nsboot.sysctl.", "nsboot.sysctl" },
        { "lxc.cgroup2.", "nsboot.cgroup" }, { "nsboot.cgroup.", "nsboot.cgroup" },
};

static int apply_cgroup_v1(Settings *s, const ConfigAssignment *a, const char *file) {
        _cleanup_free_ char *v2 = NULL, *where = NULL;
        int r = limit_from_v1(file, a->value, s->cgroup_settings, &v2);

        if (r == -EOPNOTSUPP)
                return log_error_errno(r, "%s:%u: %s: not supported yet (no cgroup v2 equivalent nsboot knows; use "
                                       "lxc.cgroup2.*)", a->file, a->line, a->key);
        if (r == -ENOKEY)
                return log_error_errno(r, "%s:%u: %s: needs lxc.cgroup.memory.limit_in_bytes set before it",
                                       a->file, a->line, a->key);
        if (r < 0)
                return log_error_errno(r, "%s:%u: %s: invalid value '%s'", a->file, a->line, a->key, a->value);
        log_warning("%s:%u: %s is a cgroup v1 setting, nsboot applies it as %s", a->file, a->line, a->key, v2);
        if (asprintf(&where, "%s:%u: %s", a->file, a->line, a->key) < 0)
                return log_oom();
        return settings_assign(s, settings_table_find_key("nsboot.cgroup"), v2, where) < 0 ? -EINVAL : 0;
}

static int apply_prefixed(Settings *s, LoadState *st, const ConfigAssignment *a, bool *ret_done) {
        const char *v1;

        *ret_done = false;
        /* lxc.cgroup.devices.allow and the like are rows of their own */
        if (settings_table_find_any_key(a->key, NULL))
                return 0;
        v1 = startswith(a->key, "lxc.cgroup.");
        if (v1 && *v1) {
                *ret_done = true;
                if (!st->trusted) {
                        log_warning("%s:%u: %s: ignored in an untrusted file", a->file, a->line, a->key);
                        return 0;
                }
                return apply_cgroup_v1(s, a, v1);
        }
        for (size_t i = 0; i < ELEMENTSOF(prefix_keys); i++) {
                const char *rest = startswith(a->key, prefix_keys[i].prefix);
                _cleanup_free_ char *value = NULL, *where = NULL;

                if (!rest || !*rest)
                        continue;
                *ret_done = true;
                if (!st->trusted && settings_table_find_key(prefix_keys[i].row)->flags & SETTING_PRIVILEGED) {
                        log_warning("%s:%u: %s: ignored in an untrusted file", a->file, a->line, a->key);
                        return 0;
                }
                if (startswith(a->key, "lxc.limit."))
                        log_warning("%s:%u: %s is LXC 2.0 syntax, nsboot reads it as lxc.prlimit.%s", a->file, a->line,
                                    a->key, rest);
                if (asprintf(&value, "%s=%s", rest, a->value) < 0 || asprintf(&where, "%s:%u: %s", a->file, a->line,
                                                                             a->key) < 0)
                        return log_oom();
                return settings_assign(s, settings_table_find_key(prefix_keys[i].row), value, where) < 0 ? -EINVAL : 0;
        }
        return 0;
}

static int apply_one(Settings *s, LoadState *st, const ConfigAssignment *a) {
        _cleanup_free_ char *modern = NULL, *where = NULL;
        const char *note, *suggestion;
        KeyStatus status = config_key_status(a->key, a->value, &st->net_index, &modern, &note);
        const char *key = modern ?: a->key;
        const SettingDef *d;
        bool done;
        int r;

        r = apply_prefixed(s, st, a, &done);
        if (done)
                return r;

        if (modern)
                log_warning("%s:%u: %s is LXC 2.0 syntax, nsboot reads it as %s", a->file, a->line, a->key, modern);
        switch (status) {
        case KEY_SETTING:
                d = settings_table_find_any_key(key, NULL);
                /* "VAR" alone copies nsboot's own variable: not for a file whoever made the tree wrote. */
                if (!st->trusted && d->offset == offsetof(Settings, environment) && !strchr(a->value, '=') &&
                    *a->value) {
                        log_warning("%s:%u: %s: copying nsboot's environment is ignored in an untrusted file",
                                    a->file, a->line, a->key);
                        return 0;
                }
                if (!st->trusted && d->flags & SETTING_PRIVILEGED && !(d->untrusted_ok && d->untrusted_ok(a->value))) {
                        log_warning("%s:%u: %s: ignored in an untrusted file (beside the tree); put it in "
                                    "/etc/nsboot/ to use it", a->file, a->line, a->key);
                        return 0;
                }
                if (asprintf(&where, "%s:%u: %s", a->file, a->line, a->key) < 0)
                        return log_oom();
                return settings_assign(s, d, a->value, where) < 0 ? -EINVAL : 0;
        case KEY_NETDEV:
                return apply_netdev(s, st, a, key);
        case KEY_ACCEPTED:
                return 0;
        case KEY_IGNORED:
                warn_once(st, a, key, "ignored", note);
                return 0;
        case KEY_OBSOLETE:
                warn_once(st, a, key, "obsolete since LXC 3.0 and ignored", NULL);
                return 0;
        case KEY_UNSUPPORTED:
                log_error("%s:%u: %s: not supported yet (%s)", a->file, a->line, a->key, note);
                return -EOPNOTSUPP;
        default:
                suggestion = config_key_suggest(key);
                if (suggestion)
                        log_error("%s:%u: %s: unknown key; did you mean '%s'?", a->file, a->line, a->key, suggestion);
                else
                        log_error("%s:%u: %s: unknown key", a->file, a->line, a->key);
                return -EINVAL;
        }
}

int config_load(Settings *s, const char *path, bool trusted) {
        LoadState st = { .trusted = trusted };
        int r, failed = 0;

        r = config_file_read(&st.cf, path);
        if (r < 0) {
                config_file_done(&st.cf);
                return log_oom();
        }
        STRV_FOREACH(e, st.cf.errors) {
                log_error("%s", *e);
                failed = -EINVAL;
        }
        for (size_t i = 0; i < st.cf.n_items; i++) {
                r = apply_one(s, &st, &st.cf.items[i]);
                if (r == -ENOMEM)
                        failed = r;
                else if (r < 0 && failed != -ENOMEM)
                        failed = -EINVAL;
        }
        config_file_done(&st.cf);
        strv_free(st.warned);
        return failed;
}

int config_print(const Settings *s) {
        for (size_t i = 0; i < settings_table_size; i++) {
                const SettingDef *d = &settings_table[i];
                _cleanup_free_ char *v = NULL;

                if (!d->key || !d->format || d->flags & SETTING_NO_PRINT)
                        continue;
                if (d->format((const char *) s + d->offset, &v) < 0)
                        return log_oom();
                /* A list formats one item a line (mounts): one assignment each, as a file would. */
                if (strchr(v, '\n')) {
                        char *save = NULL;

                        for (char *item = strtok_r(v, "\n", &save); item; item = strtok_r(NULL, "\n", &save))
                                printf("%s = %s\n", d->key, item);
                } else
                        printf("%s = %s\n", d->key, v);
        }
        if (s->netdevs.n > 0) {
                _cleanup_free_ char *net = NULL;

                if (netdev_configs_format(&s->netdevs, &net) < 0)
                        return log_oom();
                printf("%s\n", net);
        }
        STRV_FOREACH(p, s->parameters)
                printf("# argument: %s\n", *p);
        return 0;
}
