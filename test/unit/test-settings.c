/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include "basic/strv.h"
#include "log.h"
#include "quota.h"
#include "settings-table.h"

Test(settings, machine_names) {
        static const char *const good[] = { "debian", "web-1", "a", "db_2", "x.example.org", "A9",
                                            "1234567890123456789012345678901234567890123456789012345678901234" };
        static const char *const bad[] = { "", ".", "..", "a..b", "-a", ".a", "a.", "a/b", "../x", "a b", "a\n", "ä",
                                           "12345678901234567890123456789012345678901234567890123456789012345" };

        for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
                cr_assert(machine_name_is_valid(good[i]), "'%s' should be valid", good[i]);
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                cr_assert(!machine_name_is_valid(bad[i]), "'%s' should be invalid", bad[i]);
}

Test(settings, table_is_sorted_unique_and_documented) {
        const char *prev = "";

        for (size_t i = 0; i < settings_table_size; i++) {
                const SettingDef *d = &settings_table[i];

                if (d->status == KEY_SETTING || d->status == KEY_NETDEV)
                        cr_assert(d->parse && d->doc && *d->doc && d->expect, "row %zu incomplete", i);
                else
                        cr_assert(d->note || d->status == KEY_OBSOLETE, "row %zu (%s) says not why", i, d->lxc_key);
                cr_assert(d->key || d->lxc_key || d->long_option || d->short_option, "row %zu has no name", i);
                cr_assert(!(d->flags & SETTING_NET) || d->net_types, "row %zu applies to no network type", i);
                if (d->key) {
                        cr_assert(strcmp(prev, d->key) < 0, "'%s' out of order or duplicate", d->key);
                        cr_assert_eq(settings_table_find_key(d->key), d);
                        prev = d->key;
                }
                if (d->long_option)
                        cr_assert_eq(settings_table_find_long(d->long_option), d, "--%s twice", d->long_option);
                if (d->short_option)
                        cr_assert_eq(settings_table_find_short(d->short_option), d);
                if (d->flags & SETTING_FLAG)
                        cr_assert(d->cli_value);
        }
}

/* Every spelling of every row (native, LXC, second LXC, legacy, family) names that row only: a key
 * is declared once, and the lookup finds it in each spelling. */
Test(settings, aliases_unique_and_found) {
        char **seen = NULL;

        for (size_t i = 0; i < settings_table_size; i++) {
                const SettingDef *d = &settings_table[i];
                const char *names[] = { d->key, d->lxc_key, d->lxc_alt_key, d->lxc_legacy_key };

                for (size_t k = 0; k < 4; k++) {
                        char key[128];
                        const char *n = names[k];
                        SettingMatch m;

                        if (!n)
                                continue;
                        cr_assert(!strv_contains(seen, n), "'%s' is a spelling of two rows", n);
                        cr_assert_eq(strv_extend(&seen, n), 0);
                        /* "lxc.net.N.link" is looked up as lxc.net.3.link, a family as PREFIX.x */
                        snprintf(key, sizeof key, "%s", n);
                        if (strstr(key, ".N"))
                                strstr(key, ".N")[1] = '3';
                        if (key[strlen(key) - 1] == '.')
                                strcat(key, "x");
                        cr_assert(settings_table_lookup(key, &m), "'%s' not found", key);
                        cr_assert_eq(m.def, d, "'%s' finds another row", key);
                        cr_assert_eq(m.legacy, k == 3, "'%s': legacy %d", key, m.legacy);
                }
        }
        strv_free(seen);
}

/* LXC <= 2.0 spellings come back as their LXC 3+ names. */
Test(settings, modern_names_of_legacy_keys) {
        static const char *const cases[][2] = {
                { "lxc.utsname", "lxc.uts.name" },           { "lxc.network.2.link", "lxc.net.2.link" },
                { "lxc.network.0.ipv4", "lxc.net.0.ipv4.address" }, { "lxc.limit.nofile", "lxc.prlimit.nofile" },
                { "lxc.devttydir", "lxc.tty.dir" },          { "lxc.network", "lxc.net" },
                { "lxc.rebootsignal", "lxc.signal.reboot" }, { "lxc.id_map", "lxc.idmap" },
        };

        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                SettingMatch m;
                char *modern;

                cr_assert(settings_table_lookup(cases[i][0], &m), "%s", cases[i][0]);
                cr_assert(m.legacy, "%s", cases[i][0]);
                modern = settings_match_modern_key(&m);
                cr_assert_str_eq(modern, cases[i][1]);
                free(modern);
        }
}

static char tmpdir[] = "/tmp/nsboot-test-XXXXXX";

static Settings *validated(int expect, const char *dir, const char *machine, bool boot) {
        Settings *s = settings_new();

        log_set_max_level(LOG_EMERG - 1);
        s->directory = dir ? strdup(dir) : NULL;
        s->machine = machine ? strdup(machine) : NULL;
        s->boot = boot;
        cr_assert_eq(settings_validate(s, false, false) < 0 ? -1 : 0, expect, "%s", strna(dir));
        return s;
}

Test(settings, validate_directory_and_defaults) {
        char sub[64], file[64];
        Settings *s;

        cr_assert(mkdtemp(tmpdir));
        snprintf(sub, sizeof sub, "%s/web", tmpdir);
        snprintf(file, sizeof file, "%s/file", tmpdir);
        cr_assert_eq(mkdir(sub, 0755), 0);
        fclose(fopen(file, "w"));

        s = validated(0, sub, NULL, true);
        cr_assert_str_eq(s->machine, "web");
        cr_assert_str_eq(s->hostname, "web");
        cr_assert_eq(s->kill_signal, 0, "with --boot the guest's init decides at start");
        cr_assert_eq(s->console_mode, CONSOLE_READ_ONLY);
        settings_free(s);

        s = validated(0, sub, "other", false);
        cr_assert_str_eq(s->hostname, "other");
        cr_assert_eq(s->kill_signal, 0);
        cr_assert_eq(s->console_mode, CONSOLE_PIPE);
        settings_free(s);

        settings_free(validated(-1, "/", NULL, false));
        settings_free(validated(-1, file, NULL, false));
        settings_free(validated(-1, "/nonexistent/tree", NULL, false));
        settings_free(validated(-1, NULL, NULL, false));
        settings_free(validated(-1, NULL, "no-such-machine-here", false));
        remove(file);
        remove(sub);
        remove(tmpdir);
}

Test(settings, interactive_only_on_a_terminal) {
        Settings *s = settings_new();

        s->directory = strdup("/tmp");
        cr_assert_eq(settings_validate(s, true, true), 0);
        cr_assert_eq(s->console_mode, CONSOLE_INTERACTIVE);
        settings_free(s);
}

Test(settings, user_and_boot_conflict) {
        Settings *s = settings_new();

        log_set_max_level(LOG_EMERG - 1);
        s->directory = strdup("/tmp");
        s->boot = true;
        s->user = strdup("nobody");
        cr_assert_lt(settings_validate(s, false, false), 0);
        settings_free(s);
}

/* Every enum value has a name that maps back to it. */
Test(settings, string_tables_round_trip) {
        for (int i = 0; i < _CONSOLE_MODE_MAX; i++)
                cr_assert_eq(console_mode_from_string(console_mode_to_string(i)), i);
        for (int i = 0; i < _NETDEV_TYPE_MAX; i++)
                cr_assert_eq(netdev_type_from_string(netdev_type_to_string(i)), i);
        cr_assert_eq(console_mode_from_string("loud"), _CONSOLE_MODE_INVALID);
        cr_assert_eq(netdev_type_from_string("token-ring"), _NETDEV_TYPE_INVALID);
        cr_assert_null(console_mode_to_string(_CONSOLE_MODE_MAX));
}

/* lxc.console.size as LXC reads it: suffixes in any case, powers of 1024, at least a page, rounded
 * up to a power of two; auto is 128 KiB; empty is no limit. */
Test(settings, console_size) {
        static const struct {
                const char *value;
                uint64_t bytes;
        } good[] = {
                { "", 0 },           { "auto", 131072 }, { "4096", 4096 },      { "1", 4096 },
                { "5000", 8192 },    { "64K", 65536 },   { "64kB", 65536 },     { "64Kb", 65536 },
                { "64KiB", 65536 },  { "1MB", 1048576 }, { "3m", 4194304 },     { "1G", 1073741824 },
        };
        static const char *const bad[] = { "lots", "-1", "K", "1X", "1.5M", "64 K", "infinity" };
        const SettingDef *d = settings_table_find_key("nsboot.console.size");
        uint64_t v;

        cr_assert_not_null(d);
        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                v = 1;
                cr_assert_eq(d->parse(d, good[i].value, &v), 0, "'%s'", good[i].value);
                cr_assert_eq(v, good[i].bytes, "'%s': %" PRIu64, good[i].value, v);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                cr_assert_lt(d->parse(d, bad[i], &v), 0, "'%s' accepted", bad[i]);
}

/* nsboot.disk-quota and nsboot.disk-inodes: the memory limits' sizes, rounded up to the kernel's
 * KiB for bytes; infinity lifts the limit, empty leaves it unset; 0 (the kernel's "no limit") and
 * anything the size parser refuses are refused. */
Test(settings, disk_quota) {
        static const struct {
                const char *key, *value;
                uint64_t v;
        } good[] = {
                { "nsboot.disk-quota", "", QUOTA_UNSET },         { "nsboot.disk-quota", "10G", UINT64_C(10) << 30 },
                { "nsboot.disk-quota", "512M", UINT64_C(512) << 20 }, { "nsboot.disk-quota", "1", 1024 },
                { "nsboot.disk-quota", "1025", 2048 },            { "nsboot.disk-quota", "4T", UINT64_C(4) << 40 },
                { "nsboot.disk-quota", "infinity", QUOTA_INFINITY }, { "nsboot.disk-quota", "max", QUOTA_INFINITY },
                { "nsboot.disk-inodes", "", QUOTA_UNSET },        { "nsboot.disk-inodes", "1", 1 },
                { "nsboot.disk-inodes", "100000", 100000 },       { "nsboot.disk-inodes", "100K", 102400 },
                { "nsboot.disk-inodes", "infinity", QUOTA_INFINITY },
        };
        static const char *const bad[] = { "0", "-1", "10g", "1.5G", "10 G", "lots", "G", "1X", "16E", "none" };
        static const char *const keys[] = { "nsboot.disk-quota", "nsboot.disk-inodes" };
        uint64_t v;

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                const SettingDef *d = settings_table_find_key(good[i].key);

                cr_assert_not_null(d);
                cr_assert(d->flags & SETTING_PRIVILEGED, "%s is not privileged", good[i].key);
                v = 42;
                cr_assert_eq(d->parse(d, good[i].value, &v), 0, "%s '%s'", good[i].key, good[i].value);
                cr_assert_eq(v, good[i].v, "%s '%s': %" PRIu64, good[i].key, good[i].value, v);
        }
        for (size_t k = 0; k < ELEMENTSOF(keys); k++)
                for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                        const SettingDef *d = settings_table_find_key(keys[k]);

                        v = 42;
                        cr_assert_lt(d->parse(d, bad[i], &v), 0, "%s '%s' accepted", keys[k], bad[i]);
                        cr_assert_eq(v, 42, "%s '%s' changed the value", keys[k], bad[i]);
                }
}

/* --check prints what a file must say to get the same: empty, a number, infinity. */
Test(settings, disk_quota_format) {
        const SettingDef *d = settings_table_find_key("nsboot.disk-quota");
        static const struct {
                uint64_t v;
                const char *s;
        } cases[] = { { QUOTA_UNSET, "" }, { 1048576, "1048576" }, { QUOTA_INFINITY, "infinity" } };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *s = NULL;
                uint64_t back = 42;

                cr_assert_eq(d->format(&cases[i].v, &s), 0);
                cr_assert_str_eq(s, cases[i].s);
                cr_assert_eq(d->parse(d, s, &back), 0, "'%s' does not parse back", s);
                cr_assert_eq(back, cases[i].v);
                free(s);
        }
}

/* The project ID of a new tree: the same for a name at every start, within its range, another for
 * the next attempt, and usually another for another name. */
Test(settings, disk_quota_project_id) {
        uint32_t a = quota_projid_for_name("web", 0);

        cr_assert_eq(a, quota_projid_for_name("web", 0));
        cr_assert_geq(a, QUOTA_PROJID_MIN);
        cr_assert_lt((uint64_t) a, (uint64_t) QUOTA_PROJID_MIN + QUOTA_PROJID_SPAN);
        cr_assert_neq(a, quota_projid_for_name("web", 1));
        cr_assert_neq(a, quota_projid_for_name("db", 0));
        cr_assert_neq(quota_projid_for_name("web1", 0), quota_projid_for_name("web2", 0));
        for (unsigned i = 0; i < 100000; i += 997)
                cr_assert_geq(quota_projid_for_name("web", i), QUOTA_PROJID_MIN);
}

/* Where the writes do not reach the tree on disk, a quota of the tree means nothing: refused. */
Test(settings, disk_quota_needs_a_tree) {
        static const char *const extra[][2] = { { "nsboot.ephemeral", "yes" }, { "nsboot.volatile", "yes" },
                                                { "nsboot.volatile", "overlay" } };
        char dir[] = "/tmp/nsboot-test-quota-XXXXXX";

        cr_assert_not_null(mkdtemp(dir));
        for (size_t i = 0; i <= ELEMENTSOF(extra); i++) {
                _cleanup_(settings_freep) Settings *s = settings_new();

                cr_assert_not_null(s);
                cr_assert_eq(settings_assign(s, settings_table_find_key("nsboot.directory"), dir, "test"), 0);
                cr_assert_eq(settings_assign(s, settings_table_find_key("nsboot.disk-quota"), "1G", "test"), 0);
                if (i < ELEMENTSOF(extra)) {
                        cr_assert_eq(settings_assign(s, settings_table_find_key(extra[i][0]), extra[i][1], "test"), 0);
                        cr_assert_lt(settings_validate(s, false, false), 0, "%s = %s accepted", extra[i][0], extra[i][1]);
                } else
                        cr_assert_eq(settings_validate(s, false, false), 0, "a plain tree refused");
        }
        cr_assert_eq(rmdir(dir), 0);
}
