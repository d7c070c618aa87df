/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"

static int log_max_level = LOG_INFO;
static const char *log_prefix = "nsboot";
static int log_fd = STDERR_FILENO;
static int log_file_fd = -1;

void log_set_max_level(int level) {
        log_max_level = level;
}

int log_get_max_level(void) {
        return log_max_level;
}

void log_set_fd(int fd) {
        log_fd = fd;
}

void log_set_file_fd(int fd) {
        log_file_fd = fd;
}

void log_set_prefix(const char *prefix) {
        log_prefix = prefix;
}

int log_internal(int level, int error, const char *format, ...) {
        int saved = errno;
        va_list ap;

        error = abs(error);
        if (level <= log_max_level) {
                char buf[2048];

                errno = error;
                va_start(ap, format);
                (void) vsnprintf(buf, sizeof buf, format, ap);
                va_end(ap);
                (void) dprintf(log_fd, "%s%s%s\n", strempty(log_prefix), log_prefix ? ": " : "", buf);
                if (log_file_fd >= 0)
                        (void) dprintf(log_file_fd, "%s%s%s\n", strempty(log_prefix), log_prefix ? ": " : "", buf);
        }
        errno = saved;
        return -error;
}
