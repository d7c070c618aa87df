/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: any bytes as a machine's config file, read and applied to Settings as nsboot
 * does, in trusted and untrusted mode, both as an LXC-style file and as a systemd-nspawn settings
 * file (a name ending in .nspawn). Includes are read too, so the corpus stays in a scratch
 * directory (test/fuzz/run-fuzz.sh). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "settings.h"

static void load_as(const uint8_t *data, size_t size, const char *suffix) {
        char path[64];
        int fd;

        snprintf(path, sizeof path, "/tmp/nsboot-fuzz-XXXXXX%s", suffix);
        fd = mkstemps(path, (int) strlen(suffix));
        if (fd < 0)
                return;
        if (write(fd, data, size) == (ssize_t) size) {
                for (int trusted = 0; trusted <= 1; trusted++) {
                        Settings *s = settings_new();

                        if (s)
                                (void) config_load(s, path, trusted);
                        settings_free(s);
                }
        }
        close(fd);
        unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        log_set_max_level(-1);
        load_as(data, size, "");
        load_as(data, size, ".nspawn");
        return 0;
}
