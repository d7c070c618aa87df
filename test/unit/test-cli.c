/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>

#include "basic/fileio.h"
#include "basic/strv.h"
#include "cli.h"
#include "log.h"
#include "settings-table.h"

static Settings *parse(int expect, char **argv) {
        Settings *s = settings_new();
        CliArgs args;
        int argc = (int) strv_length(argv);

        log_set_max_level(LOG_EMERG - 1);
        cr_assert_eq(cli_parse(argc, argv, s, &args) < 0 ? -1 : 0, expect, "parsing %s ...", argv[1]);
        return s;
}

Test(cli, nspawn_spellings) {
        char *argv[] = { "nsboot", "-D", "/t", "-b", "-M", "web", "--hostname=h1", "-E", "A=1", "--setenv=B=2",
                         "--uuid=0123456789abcdef0123456789abcdef", "--kill-signal=RTMIN+4", "--console=passive",
                         "--private-network", "-q", "--chdir=/srv", "--", "--init-arg", NULL };
        Settings *s = parse(0, argv);

        cr_assert_str_eq(s->directory, "/t");
        cr_assert(s->boot);
        cr_assert_str_eq(s->machine, "web");
        cr_assert_str_eq(s->hostname, "h1");
        cr_assert_str_eq(strv_env_get(s->environment, "A"), "1");
        cr_assert_str_eq(strv_env_get(s->environment, "B"), "2");
        cr_assert_eq(s->kill_signal, SIGRTMIN + 4);
        cr_assert_eq(s->console_mode, CONSOLE_PASSIVE);
        cr_assert(s->private_network);
        cr_assert(s->quiet);
        cr_assert_str_eq(s->chdir, "/srv");
        cr_assert_eq(strv_length(s->parameters), 1);
        cr_assert_str_eq(s->parameters[0], "--init-arg");
        settings_free(s);
}

Test(cli, limits_and_sysctls) {
        char *argv[] = { "nsboot", "--rlimit=nofile=100:200", "--rlimit=core=unlimited", "--sysctl=kernel.shmmax=5",
                         "--sysctl=kernel.shmmax=6", NULL };
        Settings *s = parse(0, argv);

        cr_assert(s->rlimits[RLIMIT_NOFILE].set);
        cr_assert_eq(s->rlimits[RLIMIT_NOFILE].soft, 100);
        cr_assert_eq(s->rlimits[RLIMIT_NOFILE].hard, 200);
        cr_assert_eq(s->rlimits[RLIMIT_CORE].soft, RLIM_INFINITY);
        cr_assert_eq(strv_length(s->sysctls), 1, "the later value replaces the earlier");
        cr_assert_str_eq(s->sysctls[0], "kernel.shmmax=6");
        settings_free(s);
}

Test(cli, command_options_are_not_ours) {
        char *argv[] = { "nsboot", "-D", "/t", "ls", "-l", "--boot", NULL };
        Settings *s = parse(0, argv);

        cr_assert(!s->boot);
        cr_assert_eq(strv_length(s->parameters), 3);
        settings_free(s);
}

Test(cli, flags_can_be_switched_off) {
        char *argv[] = { "nsboot", "--private-network", "--private-network=no", "-b", "--boot=no", "--quiet=yes", NULL };
        Settings *s = parse(0, argv);

        cr_assert(!s->private_network);
        cr_assert(!s->boot);
        cr_assert(s->quiet);
        settings_free(s);
}

Test(cli, pipe_and_flags) {
        char *argv[] = { "nsboot", "-aPD", "/t", "-u", "daemon", NULL };
        Settings *s = parse(0, argv);

        cr_assert(s->as_pid2);
        cr_assert_eq(s->console_mode, CONSOLE_PIPE);
        cr_assert_str_eq(s->user, "daemon");
        settings_free(s);
}

Test(cli, later_scalar_wins_list_appends) {
        char *argv[] = { "nsboot", "-M", "a", "-M", "b", "-E", "X=1", "-E", "X=2", "-E", "Y=3", NULL };
        Settings *s = parse(0, argv);

        cr_assert_str_eq(s->machine, "b");
        cr_assert_eq(strv_length(s->environment), 2);
        cr_assert_str_eq(strv_env_get(s->environment, "X"), "2");
        settings_free(s);
}

Test(cli, bad_input) {
        char *cases[][4] = {
                { "nsboot", "--frobnicate", NULL },
                { "nsboot", "-Z", NULL },
                { "nsboot", "--boot=maybe", NULL },
                { "nsboot", "--help=yes", NULL },
                { "nsboot", "-D", NULL },
                { "nsboot", "--console=loud", NULL },
                { "nsboot", "--kill-signal=SIGFOO", NULL },
                { "nsboot", "--kill-signal=RTMIN+999", NULL },
                { "nsboot", "-M", "a/b", NULL },
                { "nsboot", "-M", "..", NULL },
                { "nsboot", "-M", "-x", NULL },
                { "nsboot", "--machine=12345678901234567890123456789012345678901234567890123456789012345", NULL },
                { "nsboot", "--uuid=xyz", NULL },
                { "nsboot", "--chdir=relative", NULL },
                { "nsboot", "-E", "=x", NULL },
                { "nsboot", "-E", "1A=x", NULL },
                { "nsboot", "--hostname=a..b", NULL },
                { "nsboot", "--rlimit=nofile", NULL },
                { "nsboot", "--rlimit=bogus=1", NULL },
                { "nsboot", "--rlimit=nofile=10:5", NULL },
                { "nsboot", "--sysctl=net.ipv4.ip_forward", NULL },
                { "nsboot", "--sysctl=../etc=1", NULL },
                { "nsboot", "--port=tcp:0", NULL },
        };

        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
                settings_free(parse(-1, cases[i]));
}

Test(cli, help_and_version) {
        char *argv[] = { "nsboot", "-D", "/t", "--version", NULL };
        Settings *s = settings_new();
        CliArgs args;

        cr_assert_eq(cli_parse(4, argv, s, &args), 0);
        cr_assert_eq(args.action, CLI_VERSION);
        settings_free(s);
}

Test(cli, config_options_and_replay) {
        char *argv[] = { "nsboot", "--config=/x.conf", "--check", "-E", "A=cli", "--hostname=h", "cmd", NULL };
        Settings *s = settings_new(), *t = settings_new();
        CliArgs args;

        cr_assert_eq(cli_parse(7, argv, s, &args), 0);
        cr_assert_str_eq(args.config, "/x.conf");
        cr_assert(args.check && !args.no_config);
        cr_assert_eq(args.n, 2);
        /* as if a config file had set these first */
        strv_extend(&t->environment, "A=file");
        strv_extend(&t->environment, "B=file");
        t->hostname = strdup("fromfile");
        cr_assert_eq(cli_reapply(&args, s, t), 0);
        cr_assert_str_eq(t->hostname, "h");
        cr_assert_str_eq(strv_env_get(t->environment, "A"), "cli");
        cr_assert_str_eq(strv_env_get(t->environment, "B"), "file");
        cr_assert_str_eq(t->parameters[0], "cmd");
        settings_free(s);
        settings_free(t);
}

/* Every option of the table is documented in the man page and completed by both shells. */
static void assert_mentions(const char *file, const char *what) {
        char *text = NULL;

        cr_assert_eq(read_full_file(file, &text, NULL), 0, "cannot read %s", file);
        cr_assert(strstr(text, what), "%s does not mention %s", file, what);
        free(text);
}

Test(cli, options_documented_everywhere) {
        static const char *const files[] = { SOURCE_ROOT "/man/nsboot.1.scd", SOURCE_ROOT "/shell-completion/bash/nsboot",
                                             SOURCE_ROOT "/shell-completion/zsh/_nsboot" };

        for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
                assert_mentions(files[f], "--help");
                assert_mentions(files[f], "--version");
                assert_mentions(files[f], "--config");
                assert_mentions(files[f], "--no-config");
                assert_mentions(files[f], "--check");
                for (size_t i = 0; i < settings_table_size; i++) {
                        char opt[64];

                        if (settings_table[i].long_option) {
                                snprintf(opt, sizeof opt, "--%s", settings_table[i].long_option);
                                assert_mentions(files[f], opt);
                        }
                        if (settings_table[i].short_option) {
                                snprintf(opt, sizeof opt, "-%c", settings_table[i].short_option);
                                assert_mentions(files[f], opt);
                        }
                }
        }
}
