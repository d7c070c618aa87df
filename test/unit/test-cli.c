/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <signal.h>
#include <sys/resource.h>
#include <ctype.h>
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
                /* --config reads a file, --no-config reads none */
                { "nsboot", "--config=/x.conf", "--no-config", NULL },
                { "nsboot", "--settings=no", "--config=/x.conf", NULL },
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

/* Whether TEXT has WHAT as a whole option token: not inside a longer one ("-b" inside "--boot" or
 * "--network-veth" inside "--network-veth-extra" do not count). */
static bool has_option_token(const char *text, const char *what) {
        size_t n = strlen(what);

        for (const char *p = strstr(text, what); p; p = strstr(p + 1, what)) {
                bool start = p == text || !(isalnum((unsigned char) p[-1]) || p[-1] == '-');
                bool end = !(isalnum((unsigned char) p[n]) || p[n] == '-' || p[n] == '_');

                if (start && end)
                        return true;
        }
        return false;
}

Test(cli, option_token_search) {
        cr_assert(has_option_token("*-b*, *--boot*", "-b"));
        cr_assert(has_option_token("{-b,--boot}", "--boot"));
        cr_assert(!has_option_token("*--boot*", "-b"));
        cr_assert(!has_option_token("--network-veth-extra", "--network-veth"));
        cr_assert(!has_option_token("--network-veth-extra", "-n"));
        cr_assert(has_option_token("-n --network-veth", "-n"));
}

/* Every option of the table, with the ones cli.c handles itself, as whole tokens in TEXT. */
static void assert_all_options(const char *text, const char *where) {
        static const char *const own[] = { "--help", "-h", "--version", "--config", "--no-config", "--check" };

        for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
                cr_assert(has_option_token(text, own[i]), "%s does not mention %s", where, own[i]);
        for (size_t i = 0; i < settings_table_size; i++) {
                char opt[64];

                if (settings_table[i].long_option) {
                        snprintf(opt, sizeof opt, "--%s", settings_table[i].long_option);
                        cr_assert(has_option_token(text, opt), "%s does not mention %s", where, opt);
                }
                if (settings_table[i].short_option) {
                        snprintf(opt, sizeof opt, "-%c", settings_table[i].short_option);
                        cr_assert(has_option_token(text, opt), "%s does not mention %s", where, opt);
                }
        }
}

/* Every option of the table is documented in the man page and completed by both shells. */
Test(cli, options_documented_everywhere) {
        static const char *const files[] = { SOURCE_ROOT "/man/nsboot.1.scd", SOURCE_ROOT "/shell-completion/bash/nsboot",
                                             SOURCE_ROOT "/shell-completion/zsh/_nsboot" };

        for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
                char *text = NULL;

                cr_assert_eq(read_full_file(files[f], &text, NULL), 0, "cannot read %s", files[f]);
                assert_all_options(text, files[f]);
                free(text);
        }
}

/* --help lists every option. */
Test(cli, help_lists_every_option) {
        char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        FILE *saved = stdout;

        cr_assert(f);
        stdout = f;
        cli_help();
        stdout = saved;
        cr_assert_eq(fclose(f), 0);
        assert_all_options(text, "--help");
        free(text);
}
