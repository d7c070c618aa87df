/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machines to start at host boot: lxc.start.auto (nsboot.start-auto) in a NAME.conf of
 * /etc/nsboot or /run/nsboot (config_search_dirs(): $NSBOOT_CONFIG_PATH), in lxc.start.order, with
 * lxc.start.delay after each. Read by nsboot-generator (systemd hosts) and nsbootctl autostart (the
 * others). */
#pragma once

#include <stddef.h>

#define AUTOSTART_MAX 1024

typedef struct AutostartMachine {
        char *name;
        int order;
        unsigned delay;         /* seconds the machines after it wait once it runs */
        char *config;           /* the file that says so */
} AutostartMachine;

/* Every machine with lxc.start.auto = 1, lower lxc.start.order first, then by name; a name in an
 * earlier directory hides it in a later one, as for nsboot. A file with errors is left out with a
 * warning. Logs. */
int autostart_list(AutostartMachine **ret, size_t *ret_n);
void autostart_free(AutostartMachine *m, size_t n);
