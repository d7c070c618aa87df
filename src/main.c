/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsboot: run a command or boot an OS tree in a container. main() only turns the command line into
 * Settings, runs the container and maps the result to an exit status. */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "log.h"
#include "settings.h"

int main(int argc, char *argv[]) {
        _cleanup_(settings_freep) Settings *s = settings_new();
        CliAction action;
        int r;

        if (!s)
                return log_oom(), 1;
        r = cli_parse(argc, argv, s, &action);
        if (r < 0)
                return 1;
        if (action == CLI_HELP) {
                cli_help();
                return 0;
        }
        if (action == CLI_VERSION) {
                printf("nsboot %s\n", NSBOOT_VERSION);
                return 0;
        }
        if (s->quiet)
                log_set_max_level(LOG_WARNING);
        if (geteuid() != 0) {
                log_error("nsboot needs to run as root");
                return 1;
        }
        r = settings_validate(s, isatty(STDIN_FILENO), isatty(STDOUT_FILENO));
        if (r < 0)
                return 1;
        r = container_run(s);
        return r < 0 ? 1 : r;
}
