/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsboot: run a command or boot an OS tree in a container. main() only turns the command line into
 * Settings, runs the container and maps the result to an exit status. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "config.h"
#include "container.h"
#include "log.h"
#include "rename-journal.h"
#include "settings.h"

/* The machine name and tree the command line points at, to find the machine's config file. */
static int find_config(const Settings *cli, char **ret_path, bool *ret_trusted) {
        _cleanup_free_ char *dir = NULL;
        const char *machine = cli->machine;

        if (cli->directory) {
                dir = realpath(cli->directory, NULL);
                if (!dir)
                        return 0; /* settings_validate() will say what is wrong with -D */
                if (!machine)
                        machine = strrchr(dir, '/') + 1;
        } else if (machine && settings_find_machine_directory(machine, &dir) < 0)
                dir = NULL;
        if (!machine || !machine_name_is_valid(machine))
                return 0;
        return config_find(machine, dir, ret_path, ret_trusted);
}

/* LXC keeps a container's file at /var/lib/lxc/NAME/config: NAME is the machine's name. */
static int machine_from_lxc_layout(const char *config, char **machine) {
        _cleanup_free_ char *real = realpath(config, NULL);
        char *slash, *name;

        if (!real || !(slash = strrchr(real, '/')) || !streq(slash + 1, "config"))
                return 0;
        *slash = 0;
        name = strrchr(real, '/');
        if (!name || !machine_name_is_valid(name + 1))
                return 0;
        *machine = strdup(name + 1);
        return *machine ? 0 : log_oom();
}

/* lxc.log.file: nsboot's messages are appended there too, from here on. */
static int open_log_file(const char *path) {
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0640);

        if (fd < 0)
                return log_error_errno(errno, "lxc.log.file: cannot open '%s': %m", path);
        log_set_file_fd(fd);
        return 0;
}

/* Settings from the machine's config file (unless --no-config), then the command line on top. */
static int load_settings(const Settings *cli, const CliArgs *args, Settings *s) {
        _cleanup_free_ char *path = NULL;
        bool trusted = true;
        int r, failed = 0;

        if (args->config) {
                path = strdup(args->config);
                if (!path)
                        return log_oom();
        } else if (!args->no_config) {
                r = find_config(cli, &path, &trusted);
                if (r < 0)
                        return log_oom();
                /* --settings=trusted or override: also a file beside the tree is the administrator's */
                if (args->settings != CLI_SETTINGS_YES)
                        trusted = true;
        }
        if (path) {
                log_debug("Reading %s (%s)", path, trusted ? "trusted" : "untrusted");
                failed = config_load(s, path, trusted);
                if (failed == -ENOMEM)
                        return failed;
        }
        r = cli_reapply(args, cli, s);
        if (r >= 0 && args->config && !s->machine)
                r = machine_from_lxc_layout(args->config, &s->machine);
        if (r >= 0)
                r = failed;
        return r;
}

/* The machine's name: -M, or the tree's directory name; NULL when neither gives a valid one. */
static const char *machine_name(const Settings *cli, char **dir) {
        const char *machine = cli->machine;

        if (!machine && cli->directory) {
                *dir = realpath(cli->directory, NULL);
                machine = *dir ? strrchr(*dir, '/') + 1 : NULL;
        }
        return machine && machine_name_is_valid(machine) ? machine : NULL;
}

/* --cleanup needs only the machine's name. */
static int run_cleanup(const Settings *cli) {
        _cleanup_free_ char *dir = NULL;
        const char *machine = machine_name(cli, &dir);

        if (!machine)
                return log_error("--cleanup needs a machine: -M NAME (or -D of its tree)"), 1;
        if (geteuid() != 0)
                return log_error("nsboot needs to run as root"), 1;
        return cleanup_run(machine) < 0 ? 1 : 0;
}

/* A rename or clone of the machine that was killed half way is undone or finished first, as
 * nsbootctl does before each verb: else the config file of one name could start the tree of the
 * other. Root's only (the journal is), and not for --check, which changes nothing. */
static void repair_rename(const Settings *cli) {
        _cleanup_free_ char *dir = NULL;
        const char *machine;

        if (geteuid() != 0)
                return;
        machine = machine_name(cli, &dir);
        if (machine)
                rename_journal_repair(machine);
}

int main(int argc, char *argv[]) {
        _cleanup_(settings_freep) Settings *cli = settings_new(), *s = settings_new();
        CliArgs args;
        int r;

        if (!cli || !s)
                return log_oom(), 1;
        r = cli_parse(argc, argv, cli, &args);
        if (r < 0)
                return 1;
        if (args.action == CLI_HELP) {
                cli_help();
                return 0;
        }
        if (args.action == CLI_VERSION) {
                printf("nsboot %s\n", NSBOOT_VERSION);
                return 0;
        }
        if (cli->quiet)
                log_set_max_level(LOG_WARNING);
        if (args.cleanup)
                return run_cleanup(cli);
        if (!args.check)
                repair_rename(cli);
        r = load_settings(cli, &args, s);
        if (r == -ENOMEM)
                return 1;
        if (s->log_level >= 0 && !cli->quiet)
                log_set_max_level(s->log_level);
        if (s->log_file && !args.check && open_log_file(s->log_file) < 0)
                return 1;
        /* Checks across keys even after a bad file, so one run reports every problem. */
        if (settings_validate(s, isatty(STDIN_FILENO), isatty(STDOUT_FILENO)) < 0 || r < 0)
                return 1;
        if (!args.check && geteuid() != 0) {
                log_error("nsboot needs to run as root");
                return 1;
        }
        if (args.check) {
                r = container_check(s);
                if (config_print(s) < 0 || r < 0)
                        return 1;
                return 0;
        }
        r = container_run(s);
        return r < 0 ? 1 : r;
}
