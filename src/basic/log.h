/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Logging for every stage: one level, messages to stderr, helpers that return -errno. */
#pragma once

#include <stdarg.h>
#include <syslog.h>

#include "basic/macro.h"

void log_set_max_level(int level);
int log_get_max_level(void);
void log_set_prefix(const char *prefix);
/* Where messages go; the child keeps the host's stderr after its stdio became the console. */
void log_set_fd(int fd);
/* A second copy of every message, for lxc.log.file (-1: none). */
void log_set_file_fd(int fd);

/* Logs at level and returns -abs(error) (or 0 when error is 0); %m expands to strerror(error). */
int log_internal(int level, int error, const char *format, ...) _printf_(3, 4);

#define log_full_errno(level, error, ...) log_internal((level), (error), __VA_ARGS__)
#define log_debug(...) log_internal(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...) log_internal(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...) log_internal(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...) log_internal(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...) log_internal(LOG_ERR, 0, __VA_ARGS__)
#define log_debug_errno(e, ...) log_internal(LOG_DEBUG, (e), __VA_ARGS__)
#define log_info_errno(e, ...) log_internal(LOG_INFO, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_internal(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...) log_internal(LOG_ERR, (e), __VA_ARGS__)
#define log_oom() log_internal(LOG_ERR, ENOMEM, "Out of memory")

/* An errno value made up by us rather than returned by a call; it is logged like any other. */
#define SYNTHETIC_ERRNO(e) (e)
