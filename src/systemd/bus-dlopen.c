/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-dlopen.h"

typeof(sd_bus_call) *sym_sd_bus_call;
typeof(sd_bus_call_method) *sym_sd_bus_call_method;
typeof(sd_bus_error_free) *sym_sd_bus_error_free;
typeof(sd_bus_error_has_name) *sym_sd_bus_error_has_name;
typeof(sd_bus_flush_close_unref) *sym_sd_bus_flush_close_unref;
typeof(sd_bus_get_events) *sym_sd_bus_get_events;
typeof(sd_bus_get_fd) *sym_sd_bus_get_fd;
typeof(sd_bus_get_timeout) *sym_sd_bus_get_timeout;
typeof(sd_bus_get_unique_name) *sym_sd_bus_get_unique_name;
typeof(sd_bus_match_signal) *sym_sd_bus_match_signal;
typeof(sd_bus_message_append) *sym_sd_bus_message_append;
typeof(sd_bus_message_append_array) *sym_sd_bus_message_append_array;
typeof(sd_bus_message_close_container) *sym_sd_bus_message_close_container;
typeof(sd_bus_message_new_method_call) *sym_sd_bus_message_new_method_call;
typeof(sd_bus_message_open_container) *sym_sd_bus_message_open_container;
typeof(sd_bus_message_unref) *sym_sd_bus_message_unref;
typeof(sd_bus_open_system) *sym_sd_bus_open_system;
typeof(sd_bus_path_encode) *sym_sd_bus_path_encode;
typeof(sd_bus_process) *sym_sd_bus_process;
typeof(sd_bus_slot_unref) *sym_sd_bus_slot_unref;

int dlopen_libsystemd(void) {
        static void *dl = NULL;
        static const DlopenLibrary lib = {
                .soname = "libsystemd.so.0",
                .package = "libsystemd0",
                .feature = "Registering with systemd-machined (--register, libsystemd)",
        };

        return dlopen_many_sym(&dl, &lib,
                               DLSYM_ARG(sd_bus_call),
                               DLSYM_ARG(sd_bus_call_method),
                               DLSYM_ARG(sd_bus_error_free),
                               DLSYM_ARG(sd_bus_error_has_name),
                               DLSYM_ARG(sd_bus_flush_close_unref),
                               DLSYM_ARG(sd_bus_get_events),
                               DLSYM_ARG(sd_bus_get_fd),
                               DLSYM_ARG(sd_bus_get_timeout),
                               DLSYM_ARG(sd_bus_get_unique_name),
                               DLSYM_ARG(sd_bus_match_signal),
                               DLSYM_ARG(sd_bus_message_append),
                               DLSYM_ARG(sd_bus_message_append_array),
                               DLSYM_ARG(sd_bus_message_close_container),
                               DLSYM_ARG(sd_bus_message_new_method_call),
                               DLSYM_ARG(sd_bus_message_open_container),
                               DLSYM_ARG(sd_bus_message_unref),
                               DLSYM_ARG(sd_bus_open_system),
                               DLSYM_ARG(sd_bus_path_encode),
                               DLSYM_ARG(sd_bus_process),
                               DLSYM_ARG(sd_bus_slot_unref),
                               NULL);
}
