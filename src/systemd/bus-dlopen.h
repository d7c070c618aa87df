/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sd-bus from libsystemd, loaded at the first use by machined.c (the supervisor, on the host):
 * only machines that register with systemd-machined map libsystemd, with the compression and
 * crypto libraries Debian's build links it to (about 1.3 MiB of the supervisor's RSS). */
#pragma once

#include <systemd/sd-bus.h>

#include "dlopen-util.h"

extern typeof(sd_bus_call) *sym_sd_bus_call;
extern typeof(sd_bus_call_method) *sym_sd_bus_call_method;
extern typeof(sd_bus_error_free) *sym_sd_bus_error_free;
extern typeof(sd_bus_error_has_name) *sym_sd_bus_error_has_name;
extern typeof(sd_bus_flush_close_unref) *sym_sd_bus_flush_close_unref;
extern typeof(sd_bus_get_events) *sym_sd_bus_get_events;
extern typeof(sd_bus_get_fd) *sym_sd_bus_get_fd;
extern typeof(sd_bus_get_timeout) *sym_sd_bus_get_timeout;
extern typeof(sd_bus_get_unique_name) *sym_sd_bus_get_unique_name;
extern typeof(sd_bus_match_signal) *sym_sd_bus_match_signal;
extern typeof(sd_bus_message_append) *sym_sd_bus_message_append;
extern typeof(sd_bus_message_append_array) *sym_sd_bus_message_append_array;
extern typeof(sd_bus_message_close_container) *sym_sd_bus_message_close_container;
extern typeof(sd_bus_message_new_method_call) *sym_sd_bus_message_new_method_call;
extern typeof(sd_bus_message_open_container) *sym_sd_bus_message_open_container;
extern typeof(sd_bus_message_unref) *sym_sd_bus_message_unref;
extern typeof(sd_bus_open_system) *sym_sd_bus_open_system;
extern typeof(sd_bus_path_encode) *sym_sd_bus_path_encode;
extern typeof(sd_bus_process) *sym_sd_bus_process;
extern typeof(sd_bus_slot_unref) *sym_sd_bus_slot_unref;

/* Loads libsystemd.so.0 at the first call; logs and returns -EOPNOTSUPP when it is missing. */
int dlopen_libsystemd(void);

/* Cleanups that work also when libsystemd was never loaded (then there is nothing to free). */
static inline void bus_error_free(sd_bus_error *e) {
        if (sym_sd_bus_error_free)
                sym_sd_bus_error_free(e);
}

static inline void bus_message_unrefp(sd_bus_message **m) {
        if (*m)
                *m = sym_sd_bus_message_unref(*m);
}
