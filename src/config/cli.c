/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "basic/parse-util.h"
#include "basic/strv.h"
#include "cli.h"
#include "log.h"
#include "settings-table.h"

enum {
        ARG_HELP = 'h',
        ARG_VERSION = 0x100,
        ARG_CONFIG,
        ARG_NO_CONFIG,
        ARG_CHECK,
        ARG_CLEANUP,
        ARG_SETTINGS,
        ARG_TABLE_BASE = 0x200, /* ARG_TABLE_BASE + row index for table options without a short form */
};

/* Long options of the table plus our own six and the terminator; a unit test checks the table fits. */
#define MAX_OPTIONS 128

static int build_options(struct option *opts, char *shorts) {
        size_t n = 0, k = 0;

        shorts[k++] = '+'; /* stop at the first non-option: the rest is the command */
        shorts[k++] = ':'; /* report a missing argument as ':' so the message can name the option */
        for (size_t i = 0; i < settings_table_size; i++) {
                const SettingDef *d = &settings_table[i];
                bool flag = d->flags & SETTING_FLAG;

                if (d->short_option) {
                        shorts[k++] = d->short_option;
                        if (!flag)
                                shorts[k++] = ':';
                }
                /* A flag's long form takes an optional value, so that --private-network=no can undo
                 * a config file's nsboot.private-network = yes. Every long option gets its own code:
                 * -b and --boot=no must be told apart. */
                assert(n + 8 < MAX_OPTIONS);
                if (d->long_option)
                        opts[n++] = (struct option) { d->long_option,
                                                      !flag ? required_argument :
                                                      d->flags & SETTING_NO_VALUE ? no_argument : optional_argument,
                                                      NULL, ARG_TABLE_BASE + (int) i };
        }
        opts[n++] = (struct option) { "help", no_argument, NULL, ARG_HELP };
        opts[n++] = (struct option) { "version", no_argument, NULL, ARG_VERSION };
        opts[n++] = (struct option) { "config", required_argument, NULL, ARG_CONFIG };
        opts[n++] = (struct option) { "no-config", no_argument, NULL, ARG_NO_CONFIG };
        opts[n++] = (struct option) { "check", no_argument, NULL, ARG_CHECK };
        opts[n++] = (struct option) { "cleanup", no_argument, NULL, ARG_CLEANUP };
        opts[n++] = (struct option) { "settings", required_argument, NULL, ARG_SETTINGS };
        opts[n] = (struct option) {};
        shorts[k++] = 'h';
        shorts[k] = 0;
        return 0;
}

static const SettingDef *def_for(int c) {
        if (c >= ARG_TABLE_BASE && (size_t) (c - ARG_TABLE_BASE) < settings_table_size)
                return &settings_table[c - ARG_TABLE_BASE];
        return settings_table_find_short((char) c);
}

static int apply_option(Settings *s, const SettingDef *d, const char *value) {
        char where[64];

        if (d->long_option)
                snprintf(where, sizeof where, "--%s", d->long_option);
        else
                snprintf(where, sizeof where, "-%c", d->short_option);
        return settings_assign(s, d, value, where);
}

static int record_option(Settings *s, CliArgs *a, const SettingDef *d, bool long_form) {
        const char *value = d->flags & SETTING_FLAG && !(long_form && optarg) ? d->cli_value : optarg;

        if (a->n >= CLI_MAX_ASSIGNMENTS)
                return log_error_errno(SYNTHETIC_ERRNO(E2BIG), "More than %d options", CLI_MAX_ASSIGNMENTS);
        a->defs[a->n] = d;
        a->values[a->n++] = value;
        return apply_option(s, d, value);
}

int cli_reapply(const CliArgs *a, const Settings *from, Settings *s) {
        bool override = a->settings == CLI_SETTINGS_OVERRIDE;

        for (size_t i = 0; i < a->n; i++) {
                int r;

                if (override && settings_file_set(s, a->defs[i]->offset))
                        continue;
                r = apply_option(s, a->defs[i], a->values[i]);
                if (r < 0)
                        return r;
        }
        /* The command line's arguments replace those of a file (nsboot.parameters). */
        if (from->parameters && !(override && settings_file_set(s, offsetof(Settings, parameters)))) {
                strv_free(s->parameters);
                s->parameters = strv_copy(from->parameters);
                if (!s->parameters)
                        return log_oom();
        }
        return 0;
}

/* --settings=yes|no|trusted|override, as systemd-nspawn takes it. */
static int parse_settings_mode(const char *value, CliArgs *a) {
        int b = parse_boolean(value);

        if (b >= 0) {
                a->no_config = !b;
                a->settings = CLI_SETTINGS_YES;
        } else if (streq(value, "trusted"))
                a->settings = CLI_SETTINGS_TRUSTED;
        else if (streq(value, "override"))
                a->settings = CLI_SETTINGS_OVERRIDE;
        else
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--settings=%s: invalid value (expected yes, no, "
                                       "trusted or override)", value);
        if (b != 0)
                a->no_config = false;
        return 0;
}

static int report_unknown(const char *arg, int opt) {
        const char *eq;

        /* "-b=no": a short flag followed by '=' */
        if (opt == '=')
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL),
                                       "Short options take no '=VALUE'; use the long form, e.g. --boot=no");
        if (opt > 0 && opt < 0x100 && opt != 'h')
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Unknown option '-%c'; see --help", opt);
        if (!startswith(arg, "--"))
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Unknown option '-%c'; see --help", opt);
        eq = strchr(arg, '=');
        if (eq) {
                _cleanup_free_ char *name = strndup(arg + 2, eq - arg - 2);

                if (name && (settings_table_find_long(name) || streq(name, "help") || streq(name, "version") ||
                             streq(name, "pipe") ||
                             streq(name, "no-config") || streq(name, "check") || streq(name, "cleanup")))
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Option '--%s' takes no argument", name);
        }
        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Unknown option '%s'; see --help", arg);
}

int cli_parse(int argc, char *argv[], Settings *s, CliArgs *a) {
        struct option opts[MAX_OPTIONS];
        char shorts[2 * MAX_OPTIONS + 4];
        int c, r;

        build_options(opts, shorts);
        opterr = 0;
        optind = 0;
        *a = (CliArgs) { .action = CLI_RUN };
        while ((c = getopt_long(argc, argv, shorts, opts, NULL)) >= 0) {
                const SettingDef *d;

                switch (c) {
                case ARG_HELP:
                        a->action = CLI_HELP;
                        return 0;
                case ARG_VERSION:
                        a->action = CLI_VERSION;
                        return 0;
                case ARG_CONFIG:
                        a->config = optarg;
                        break;
                case ARG_NO_CONFIG:
                        a->no_config = true;
                        break;
                case ARG_CHECK:
                        a->check = true;
                        break;
                case ARG_CLEANUP:
                        a->cleanup = true;
                        break;
                case ARG_SETTINGS:
                        r = parse_settings_mode(optarg, a);
                        if (r < 0)
                                return r;
                        break;
                case ':':
                        return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Option '%s' requires an argument",
                                               argv[optind - 1]);
                case '?':
                        return report_unknown(argv[optind - 1], optopt);
                default:
                        d = def_for(c);
                        if (!d)
                                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "Unhandled option %d", c);
                        r = record_option(s, a, d, c >= ARG_TABLE_BASE);
                        if (r < 0)
                                return r;
                }
        }
        if (a->config && a->no_config)
                return log_error_errno(SYNTHETIC_ERRNO(EINVAL), "--config=%s cannot be combined with --no-config or "
                                       "--settings=no: the one reads that file, the other none", a->config);
        for (int i = optind; i < argc; i++) {
                r = strv_extend(&s->parameters, argv[i]);
                if (r < 0)
                        return log_oom();
        }
        return 0;
}

void cli_help(void) {
        printf("nsboot [OPTIONS...] [COMMAND [ARGS...]]\n"
               "nsboot [OPTIONS...] -b [INIT ARGS...]\n\n"
               "Run a command or boot an operating system tree in a container.\n\n"
               "  -h --help                      Show this help\n"
               "     --version                   Show the version\n"
               "     --config=FILE               Read settings from FILE (trusted), not the machine's file\n"
               "     --no-config                 Read no config file\n"
               "     --settings=MODE             yes, no (--no-config), trusted (the file beside the tree\n"
               "                                 too) or override (the file wins over the options)\n"
               "     --check                     Check the settings, print them, start nothing\n"
               "     --cleanup                   Repair what a killed nsboot of the machine left, start nothing\n");
        for (size_t i = 0; i < settings_table_size; i++) {
                const SettingDef *d = &settings_table[i];
                char left[48];

                if (!d->long_option && !d->short_option)
                        continue;
                if (!d->long_option) /* a short option alone, such as -j */
                        snprintf(left, sizeof left, "-%c", d->short_option);
                else
                        snprintf(left, sizeof left, "%c%c%c--%s%s%s", d->short_option ? '-' : ' ',
                                 d->short_option ?: ' ', ' ', d->long_option, d->metavar ? "=" : "",
                                 strempty(d->metavar));
                printf("  %-30s %s\n", left, d->doc);
        }
        printf("\nIn interactive mode, press Ctrl-] three times within 1 s to kill the container,\n"
               "Ctrl-] Ctrl-] p to power it off cleanly, Ctrl-] Ctrl-] r to reboot it cleanly.\n"
               "\nSee the nsboot(1) man page for details.\n");
}
