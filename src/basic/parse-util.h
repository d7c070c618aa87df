/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Typed value parsers shared by the command line and (later) config files. Non-logging. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

int safe_atou64(const char *s, uint64_t *ret);
/* base as strtoull() takes it: 0 accepts 0x hex and 0 octal, as LXC writes numbers. */
int safe_atou64_base(const char *s, int base, uint64_t *ret);
int safe_atou(const char *s, unsigned *ret);
int safe_atoi(const char *s, int *ret);
/* The value of one hex digit, -EINVAL for another character. */
int unhexchar(char c);
/* yes/no, true/false, on/off, 1/0. */
int parse_boolean(const char *s);
/* SIGTERM, TERM, RTMIN+3, SIGRTMIN+3, RTMAX-2, or a number. Returns the signal number. */
int signal_from_string(const char *s);
/* The canonical name ("SIGTERM", "SIGRTMIN+3") in a static or caller buffer of 16 bytes. */
const char *signal_to_string(int sig, char buf[static 16]);
