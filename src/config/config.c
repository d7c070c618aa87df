/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/fs-util.h"
#include "basic/strv.h"
#include "config.h"
#include "log.h"
#include "netdev-config.h"
#include "nspawn-file.h"
#include "settings-table.h"


/* Unindexed lxc.network.<sub> (LXC <= 2.0) -> lxc.network.N.<sub>, N counting the .type lines. */
static char *index_network_key(const char *key, unsigned *net_index) {
        const char *rest = startswith(key, "lxc.network.");
        char *k;

        if (!rest || (*rest >= '0' && *rest <= '9'))
                return NULL;
        if (streq(rest, "type"))
                (*net_index)++;
        return asprintf(&k, "lxc.network.%u.%s", *net_index > 0 ? *net_index - 1 : 0, rest) < 0 ? NULL : k;
}

/* The row of key, and its LXC 3+ spelling when key is an LXC <= 2.0 one. */
static bool resolve(const char *key, unsigned *net_index, SettingMatch *ret, char **ret_modern) {
        _cleanup_free_ char *indexed = index_network_key(key, net_index);

        *ret_modern = NULL;
        if (!settings_table_lookup(indexed ?: key, ret))
                return false;
        /* the match points into the key it was given: keep it pointing into the caller's */
        if (ret->rest)
                ret->rest = key + strlen(key) - strlen(ret->rest);
        if (ret->legacy || indexed)
                *ret_modern = settings_match_modern_key(ret);
        return true;
}

KeyStatus config_key_status(const char *key, const char *value, unsigned *net_index, char **ret_modern,
                            const char **ret_note) {
        SettingMatch m;
        int r;

        *ret_note = NULL;
        if (!resolve(key, net_index, &m, ret_modern))
                return KEY_UNKNOWN;
        *ret_note = m.def->note;
        if (m.def->status == KEY_ACCEPTED && m.def->parse) {
                r = m.def->parse(m.def, value, NULL);
                if (r == -EOPNOTSUPP)
                        return KEY_UNSUPPORTED;
        }
        return m.def->status;
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
        /* Only a plausible typo: a third of the key at most. */
        if (best_d <= MAX(2u, (unsigned) strlen(key) / 3))
                return best;
        return suggest_by_last_word(key);
}

/* The first of the files "DIR/MACHINESUFFIX" that exists; NULL if none. */
static int first_existing(const char *const *dirs, size_t n, const char *machine, const char *suffix, char **ret) {
        *ret = NULL;
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *p = NULL;

                if (asprintf(&p, "%s/%s%s", dirs[i], machine, suffix) < 0)
                        return -ENOMEM;
                if (access(p, F_OK) >= 0) {
                        *ret = TAKE_PTR(p);
                        return 0;
                }
        }
        return 0;
}

int config_search_dirs(char ***ret) {
        static const char *const defaults[] = { CONFIG_DIRS };
        const char *path = getenv("NSBOOT_CONFIG_PATH");
        _cleanup_strv_free_ char **dirs = NULL;

        if (!path) {
                for (size_t i = 0; i < ELEMENTSOF(defaults); i++)
                        if (strv_extend(&dirs, defaults[i]) < 0)
                                return -ENOMEM;
                *ret = TAKE_PTR(dirs);
                return 0;
        }
        for (const char *p = path; *p;) {
                size_t k = strcspn(p, ":"), n = k;

                /* Only absolute ones: a trusted config found relative to the working directory would
                 * be a trap. "/etc/nsboot/" is "/etc/nsboot". */
                while (n > 1 && p[n - 1] == '/')
                        n--;
                if (*p == '/') {
                        char *dir = strndup(p, n);

                        if (!dir || strv_consume(&dirs, dir) < 0)
                                return -ENOMEM;
                }
                p += k + (p[k] == ':');
        }
        *ret = TAKE_PTR(dirs);
        return 0;
}

/* The NAME.conf entries of dir of valid names not in names yet, added to both lists. */
static int list_dir(const char *dir, char ***names, char ***paths) {
        _cleanup_(closedirp) DIR *d = opendir(dir);

        for (struct dirent *de; d && (de = readdir(d));) {
                const char *suffix = endswith(de->d_name, ".conf");
                _cleanup_free_ char *name = NULL, *path = NULL;

                if (!suffix)
                        continue;
                name = strndup(de->d_name, (size_t) (suffix - de->d_name));
                if (!name)
                        return -ENOMEM;
                if (!machine_name_is_valid(name) || strv_contains(*names, name))
                        continue;
                if (asprintf(&path, "%s/%s", dir, de->d_name) < 0 || strv_consume(paths, TAKE_PTR(path)) < 0)
                        return -ENOMEM;
                if (strv_consume(names, TAKE_PTR(name)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int config_list_machines(char ***ret_names, char ***ret_paths) {
        _cleanup_strv_free_ char **dirs = NULL, **names = NULL, **paths = NULL;
        int r;

        r = config_search_dirs(&dirs);
        STRV_FOREACH(dir, dirs)
                if (r >= 0)
                        r = list_dir(*dir, &names, &paths);
        if (r < 0)
                return r;
        *ret_names = TAKE_PTR(names);
        *ret_paths = TAKE_PTR(paths);
        return 0;
}

int config_find(const char *machine, const char *directory, char **ret_path, bool *ret_trusted) {
        static const char *const lxc[] = { LXC_PATH }, *const nspawn[] = { NSPAWN_DIRS };
        _cleanup_strv_free_ char **dirs = NULL;
        _cleanup_free_ char *beside = NULL;
        char *slash;
        int r;

        *ret_trusted = true;
        r = config_search_dirs(&dirs);
        if (r >= 0)
                r = first_existing((const char *const *) dirs, strv_length(dirs), machine, ".conf", ret_path);
        if (r < 0 || *ret_path)
                return r;
        /* An LXC user's existing container, or a systemd-nspawn user's settings: root's files in
         * /var/lib/lxc, /etc and /run are the administrator's, so trusted. */
        r = first_existing(lxc, ELEMENTSOF(lxc), machine, "/config", ret_path);
        if (r >= 0 && *ret_path)
                log_info("No nsboot config for machine '%s': using LXC's %s", machine, *ret_path);
        if (r >= 0 && !*ret_path) {
                r = first_existing(nspawn, ELEMENTSOF(nspawn), machine, ".nspawn", ret_path);
                if (r >= 0 && *ret_path)
                        log_info("No nsboot config for machine '%s': using systemd-nspawn's %s", machine, *ret_path);
        }
        if (r < 0 || *ret_path)
                return r;
        if (!directory)
                return 0;
        /* The tree's neighbours: whoever made the tree may have written them, so they are not
         * trusted. nsboot's own first, then systemd-nspawn's. */
        beside = strdup(directory);
        if (!beside)
                return -ENOMEM;
        slash = strrchr(beside, '/');
        if (!slash)
                return 0;
        *slash = 0;
        {
                const char *const here[] = { *beside ? beside : "" };

                r = first_existing(here, 1, machine, ".nsboot", ret_path);
                if (r >= 0 && !*ret_path)
                        r = first_existing(here, 1, machine, ".nspawn", ret_path);
        }
        *ret_trusted = false;
        return r;
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

/* Network keys: netdev-config.c applies them to the interface of their index. */
static int apply_netdev(Settings *s, const ConfigAssignment *a, const char *key) {
        _cleanup_free_ char *where = NULL;
        const char *expect;
        int r;

        if (asprintf(&where, "%s:%u", a->file, a->line) < 0)
                return log_oom();
        settings_file_mark(s, offsetof(Settings, netdevs));
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

/* A setting row: "KEY.REST = V" of a key family is "KEY = REST=V". */
static int apply_setting(Settings *s, LoadState *st, const ConfigAssignment *a, const SettingMatch *m) {
        _cleanup_free_ char *where = NULL, *value = NULL;

        if (m->def->note)
                warn_once(st, a, m->rest ? a->key : m->def->lxc_key, "note", m->def->note);
        if (m->rest && asprintf(&value, "%s=%s", m->rest, a->value) < 0)
                return log_oom();
        if (asprintf(&where, "%s:%u: %s", a->file, a->line, a->key) < 0)
                return log_oom();
        settings_file_mark(s, m->def->offset);
        return settings_assign(s, m->def, value ?: a->value, where) < 0 ? -EINVAL : 0;
}

/* An LXC key for what nsboot does anyway; its parser, if any, checks the value. */
static int apply_accepted(LoadState *st, const ConfigAssignment *a, const SettingDef *d) {
        int r = d->parse ? d->parse(d, a->value, NULL) : 0;

        if (r == -ENOMEM)
                return log_oom();
        if (r == -EOPNOTSUPP)
                return log_error_errno(r, "%s:%u: %s: not supported yet ('%s'; %s)", a->file, a->line, a->key, a->value,
                                       d->note);
        if (r < 0)
                return log_error_errno(r, "%s:%u: %s: invalid value '%s'", a->file, a->line, a->key, a->value);
        /* a value nsboot does tighter than asked, or metadata nsboot keeps no use for */
        if (r > 0 || !d->parse)
                warn_once(st, a, a->key, r > 0 ? "tightened" : "accepted", d->note);
        return 0;
}

static int apply_unknown(const ConfigAssignment *a) {
        const char *suggestion = config_key_suggest(a->key);

        if (suggestion)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s:%u: %s: unknown key; did you mean '%s'?", a->file,
                                       a->line, a->key, suggestion);
        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "%s:%u: %s: unknown key", a->file, a->line, a->key);
}

/* Whether an untrusted file (beside the tree) may set this: nothing that grants privilege, touches
 * the host or runs commands there, and no copy of nsboot's own environment. */
static bool untrusted_may(LoadState *st, const ConfigAssignment *a, const SettingDef *d) {
        if (st->trusted)
                return true;
        if (d->offset == offsetof(Settings, environment) && !(d->flags & SETTING_NET) && d->status == KEY_SETTING &&
            !strchr(a->value, '=') && *a->value) {
                log_warning("%s:%u: %s: copying nsboot's environment is ignored in an untrusted file", a->file,
                            a->line, a->key);
                return false;
        }
        if (d->flags & SETTING_PRIVILEGED && !(d->untrusted_ok && d->untrusted_ok(a->value))) {
                log_warning("%s:%u: %s: ignored in an untrusted file (beside the tree); put it in /etc/nsboot/ to use "
                            "it", a->file, a->line, a->key);
                return false;
        }
        return true;
}

static int apply_one(Settings *s, LoadState *st, const ConfigAssignment *a) {
        _cleanup_free_ char *modern = NULL;
        SettingMatch m;

        /* LXC skips keys outside lxc.* (a template's own subutai.* lines): so does nsboot, loudly. */
        if (!startswith(a->key, "lxc.") && !startswith(a->key, "nsboot.")) {
                warn_once(st, a, a->key, "skipped", "not an LXC or nsboot key");
                return 0;
        }
        if (!resolve(a->key, &st->net_index, &m, &modern))
                return apply_unknown(a);
        if (modern)
                log_warning("%s:%u: %s is LXC 2.0 syntax, nsboot reads it as %s", a->file, a->line, a->key, modern);
        if (!untrusted_may(st, a, m.def))
                return 0;
        switch (m.def->status) {
        case KEY_SETTING:
                return apply_setting(s, st, a, &m);
        case KEY_NETDEV:
                return apply_netdev(s, a, modern ?: a->key);
        case KEY_ACCEPTED:
                return apply_accepted(st, a, m.def);
        case KEY_IGNORED:
                warn_once(st, a, modern ?: a->key, "ignored", m.def->note);
                return 0;
        case KEY_OBSOLETE:
                warn_once(st, a, a->key, "obsolete since LXC 3.0 and ignored", NULL);
                return 0;
        case KEY_UNSUPPORTED:
                return log_error_errno(SYNTHETIC_ERRNO(EOPNOTSUPP), "%s:%u: %s: not supported yet (%s)", a->file, a->line,
                                       a->key, m.def->note);
        default:
                return apply_unknown(a);
        }
}

int config_load(Settings *s, const char *path, bool trusted) {
        LoadState st = { .trusted = trusted, .cf.untrusted = !trusted };
        int r, failed = 0;

        free(s->config_file);
        s->config_file = realpath(path, NULL) ?: strdup(path);
        if (!s->config_file)
                return log_oom();
        r = nspawn_file_is(path) ? nspawn_file_read(&st.cf, path) : config_file_read(&st.cf, path);
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
        return 0;
}
