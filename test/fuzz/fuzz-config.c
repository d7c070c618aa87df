/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: any bytes as a machine's config file, read and applied to Settings as nsboot
 * does, in trusted and untrusted mode. Includes are read too, so the corpus stays in a scratch
 * directory (test/fuzz/run-fuzz.sh). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char path[] = "/tmp/nsboot-fuzz-XXXXXX";
        int fd;

        log_set_max_level(-1);
        fd = mkstemp(path);
        if (fd < 0)
                return 0;
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
        return 0;
}
