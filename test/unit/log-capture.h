/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* For unit tests that check messages: what nsboot logs goes to a temporary file, which logged()
 * returns. Use log_capture_start and log_capture_stop as a suite's .init and .fini. */
#pragma once

#include <criterion/criterion.h>
#include <stdlib.h>
#include <unistd.h>

#include "basic/fileio.h"
#include "log.h"

static char log_capture_path[] = "/tmp/nsboot-test-log-XXXXXX";
static int log_capture_fd = -1;

static inline void log_capture_start(void) {
        log_capture_fd = mkstemp(log_capture_path);
        cr_assert_geq(log_capture_fd, 0);
        log_set_fd(log_capture_fd);
        log_set_max_level(LOG_INFO);
}

static inline void log_capture_stop(void) {
        log_set_fd(2);
        close(log_capture_fd);
        unlink(log_capture_path);
}

/* Everything logged so far; the caller frees it. */
static inline char *logged(void) {
        char *text = NULL;

        cr_assert_eq(read_full_file(log_capture_path, &text, NULL), 0);
        return text;
}
