/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nsbootctl convert-nspawn FILE: a systemd.nspawn(5) file as nsboot config lines, on standard
 * output, for /etc/nsboot/NAME.conf (nspawn-file.c reads it, as nsboot does). Settings it does not
 * know are named on standard error as FILE:LINE and left out; the exit status is then 1, so
 * that nothing goes unnoticed. */
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"
#include "basic/strv.h"
#include "log.h"
#include "nspawn-file.h"

int verb_convert_nspawn(const CtlArgs *a) {
        const char *path = a->args[1];
        ConfigFile cf = {};
        int r;

        r = nspawn_file_read(&cf, path);
        if (r < 0) {
                config_file_done(&cf);
                return log_oom();
        }
        printf("# Converted from %s by nsbootctl convert-nspawn; see nsboot.conf(5)\n", path);
        for (size_t i = 0; i < cf.n_items; i++)
                printf("%s = %s\n", cf.items[i].key, cf.items[i].value);
        STRV_FOREACH(e, cf.errors)
                log_warning("%s, left out", *e);
        r = cf.errors ? -EOPNOTSUPP : 0;
        config_file_done(&cf);
        return r;
}
