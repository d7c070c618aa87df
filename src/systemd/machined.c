/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "basic/macro.h"
#include "basic/parse-util.h"
#include "basic/strv.h"
#include "bus-dlopen.h"
#include "cgroup.h"
#include "limit.h"
#include "log.h"
#include "machined.h"

static const char *const register_mode_table[_REGISTER_MODE_MAX] = {
        [REGISTER_AUTO] = "auto",
        [REGISTER_YES] = "yes",
        [REGISTER_NO] = "no",
};

DEFINE_STRING_TABLE_LOOKUP(register_mode, RegisterMode, register_mode_table, _REGISTER_MODE_MAX);

typedef enum PropertyType { PROP_STRING, PROP_SIZE, PROP_U64, PROP_PERCENT_USEC } PropertyType;

/* The unit properties --property= accepts, with their D-Bus form. */
static const struct {
        const char *name;
        const char *bus_name;
        PropertyType type;
} properties[] = {
        { "CPUQuota", "CPUQuotaPerSecUSec", PROP_PERCENT_USEC },
        { "CPUWeight", "CPUWeight", PROP_U64 },
        { "Description", "Description", PROP_STRING },
        { "IOWeight", "IOWeight", PROP_U64 },
        { "MemoryHigh", "MemoryHigh", PROP_SIZE },
        { "MemoryMax", "MemoryMax", PROP_SIZE },
        { "MemorySwapMax", "MemorySwapMax", PROP_SIZE },
        { "TasksMax", "TasksMax", PROP_SIZE },
};

static int property_value(const char *assignment, size_t *ret_index, uint64_t *ret_value, const char **ret_text) {
        const char *eq = strchr(assignment, '=');

        if (!eq)
                return -EINVAL;
        for (size_t i = 0; i < ELEMENTSOF(properties); i++) {
                size_t n = strlen(properties[i].name);
                unsigned pct;

                if ((size_t) (eq - assignment) != n || strncmp(assignment, properties[i].name, n) != 0)
                        continue;
                *ret_index = i;
                *ret_text = eq + 1;
                switch (properties[i].type) {
                case PROP_STRING:
                        return 0;
                case PROP_SIZE:
                        return limit_parse_size(eq + 1, ret_value);
                case PROP_U64:
                        /* CPUWeight= and IOWeight= take 1..10000 */
                        if (safe_atou64(eq + 1, ret_value) < 0 || *ret_value < 1 || *ret_value > 10000)
                                return -EINVAL;
                        return 0;
                case PROP_PERCENT_USEC:
                        /* "50%" of one CPU: 500 ms of CPU time per second */
                        if (sscanf(eq + 1, "%u%%", &pct) != 1 || pct == 0 || !strchr(eq + 1, '%'))
                                return -EINVAL;
                        *ret_value = (uint64_t) pct * 10000;
                        return 0;
                }
        }
        return -EINVAL;
}

bool machined_property_is_valid(const char *assignment) {
        size_t i;
        uint64_t v;
        const char *t;

        return property_value(assignment, &i, &v, &t) >= 0;
}

int machined_append_property(sd_bus_message *msg, const char *assignment) {
        size_t i;
        uint64_t v = 0;
        const char *text;
        int r;

        r = property_value(assignment, &i, &v, &text);
        if (r < 0)
                return r;
        if (properties[i].type == PROP_STRING)
                return sym_sd_bus_message_append(msg, "(sv)", properties[i].bus_name, "s", text);
        return sym_sd_bus_message_append(msg, "(sv)", properties[i].bus_name, "t", v);
}

static int on_request_stop(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Machined *m = userdata;

        log_info("The machine's scope was asked to stop (machinectl terminate?)");
        if (m->on_stop)
                m->on_stop(m->userdata);
        return 0;
}

/* The scope machined creates for us: how it stops the machine and what it may use. */
static int append_scope_properties(Machined *m, sd_bus_message *msg, const Settings *s) {
        const char *unique;
        int r;

        r = sym_sd_bus_message_open_container(msg, 'a', "(sv)");
        if (r < 0)
                return r;
        if (s->slice) {
                r = sym_sd_bus_message_append(msg, "(sv)", "Slice", "s", s->slice);
                if (r < 0)
                        return r;
        }
        /* The scope asks us to stop (RequestStop) rather than killing everything itself. */
        if (sym_sd_bus_get_unique_name(m->bus, &unique) >= 0) {
                r = sym_sd_bus_message_append(msg, "(sv)", "Controller", "s", unique);
                if (r < 0)
                        return r;
        }
        /* Limits from nsboot.memory.max, lxc.cgroup2.* ...: systemd owns the scope's cgroup, so
         * those with a unit property go there (the rest nsboot writes after registering);
         * --property= after them wins, as it does for the files. */
        STRV_FOREACH(l, s->cgroup_settings) {
                _cleanup_free_ char *prop = NULL;

                if (limit_to_property(*l, &prop) < 0)
                        continue;
                r = machined_append_property(msg, prop);
                if (r < 0)
                        return r;
        }
        STRV_FOREACH(p, s->properties) {
                r = machined_append_property(msg, *p);
                if (r < 0)
                        return r;
        }
        return sym_sd_bus_message_close_container(msg);
}

static int call_register(Machined *m, const Settings *s, Id128 uuid, pid_t leader, const int *ifindices,
                         size_t n_ifindices, sd_bus_error *error) {
        _cleanup_(bus_message_unrefp) sd_bus_message *msg = NULL;
        const char *method = s->keep_unit ? "RegisterMachineWithNetwork" : "CreateMachineWithNetwork";
        int r;

        r = sym_sd_bus_message_new_method_call(m->bus, &msg, "org.freedesktop.machine1", "/org/freedesktop/machine1",
                                           "org.freedesktop.machine1.Manager", method);
        if (r < 0)
                return r;
        r = sym_sd_bus_message_append(msg, "s", s->machine);
        if (r >= 0)
                r = sym_sd_bus_message_append_array(msg, 'y', uuid.bytes, sizeof uuid.bytes);
        if (r >= 0)
                r = sym_sd_bus_message_append(msg, "ssus", "nsboot", "container", (uint32_t) leader, s->directory);
        /* The host sides of the machine's interfaces: machinectl status shows them as "Iface:". */
        if (r >= 0)
                r = sym_sd_bus_message_append_array(msg, 'i', ifindices, n_ifindices * sizeof(int));
        if (r >= 0 && !s->keep_unit)
                r = append_scope_properties(m, msg, s);
        if (r < 0)
                return r;
        return sym_sd_bus_call(m->bus, msg, 0, error, NULL);
}

static int watch_stop_requests(Machined *m, const Settings *s, Event *e) {
        _cleanup_free_ char *scope = NULL, *path = NULL;
        int r;

        if (s->keep_unit)
                return 0; /* our own service: systemd sends SIGTERM to nsboot instead */
        scope = cgroup_scope_name(s->machine);
        if (!scope)
                return -ENOMEM;
        r = sym_sd_bus_path_encode("/org/freedesktop/systemd1/unit", scope, &path);
        if (r < 0)
                return r;
        r = sym_sd_bus_match_signal(m->bus, &m->stop_match, "org.freedesktop.systemd1", path,
                                "org.freedesktop.systemd1.Scope", "RequestStop", on_request_stop, m);
        if (r < 0)
                return r;
        return bus_event_attach(m->bus, e, &m->bus_event);
}

/* Whether machined can be there at all, without loading libsystemd to find out: the host runs
 * systemd (sd_booted()'s test) and has a system bus (its default socket, or an address given). */
static bool system_bus_likely(void) {
        return access("/run/systemd/system", F_OK) >= 0 &&
               (getenv("DBUS_SYSTEM_BUS_ADDRESS") || access("/run/dbus/system_bus_socket", F_OK) >= 0);
}

bool machined_may_register(const Settings *s) {
        return s->register_mode == REGISTER_YES || (s->register_mode == REGISTER_AUTO && system_bus_likely());
}

int machined_register(Machined *m, const Settings *s, Id128 uuid, pid_t leader, const int *ifindices,
                      size_t n_ifindices, Event *e, MachinedStopHandler on_stop, void *userdata) {
        _cleanup_(bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        bool optional = s->register_mode == REGISTER_AUTO;
        int r;

        *m = (Machined) { .on_stop = on_stop, .userdata = userdata };
        if (s->register_mode == REGISTER_NO)
                return 0;
        if (optional && !system_bus_likely()) {
                log_debug("Not booted with systemd or no system bus, not registering with machined");
                return 0;
        }
        r = dlopen_libsystemd();
        if (r < 0)
                return optional ? 0 : r;
        r = sym_sd_bus_open_system(&m->bus);
        if (r < 0) {
                if (optional)
                        return log_debug_errno(r, "No system bus, not registering with machined: %m"), 0;
                return log_error_errno(r, "--register=yes: cannot connect to the system bus: %m");
        }
        r = watch_stop_requests(m, s, e);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the machine's scope: %m");
        /* After a reboot inside, the previous boot's scope may still be on its way out (systemd stops
         * it asynchronously, slowly on a loaded host): a name clash then is worth more tries, for up
         * to 15 s. machined passes systemd's "Unit machine-NAME.scope was already loaded or has a
         * fragment file" on under a name of its own. */
        for (int attempt = 0;; attempt++) {
                sym_sd_bus_error_free(&error);
                r = call_register(m, s, uuid, leader, ifindices, n_ifindices, &error);
                if (r >= 0 || attempt >= 150 || sym_sd_bus_error_has_name(&error, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
                    sym_sd_bus_error_has_name(&error, SD_BUS_ERROR_NAME_HAS_NO_OWNER) || !error.name ||
                    !(strstr(error.name, "Exists") ||
                      (error.message && (strstr(error.message, "already exists") ||
                                         strstr(error.message, "already loaded")))))
                        break;
                (void) usleep(100 * 1000);
        }
        if (r < 0) {
                if (optional && (sym_sd_bus_error_has_name(&error, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
                                 sym_sd_bus_error_has_name(&error, SD_BUS_ERROR_NAME_HAS_NO_OWNER))) {
                        log_debug("systemd-machined is not running, not registering");
                        return 0;
                }
                return log_error_errno(r, "Failed to register machine '%s' with systemd-machined: %s", s->machine,
                                       error.message ?: strerror(-r));
        }
        m->registered = true;
        m->name = strdup(s->machine);
        return m->name ? 0 : log_oom();
}

void machined_unregister(Machined *m) {
        _cleanup_(bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

        if (m->registered) {
                int r = sym_sd_bus_call_method(m->bus, "org.freedesktop.machine1", "/org/freedesktop/machine1",
                                           "org.freedesktop.machine1.Manager", "UnregisterMachine", &error, NULL, "s",
                                           m->name);
                /* Gone already: machined drops a machine whose scope emptied. */
                if (r < 0 && !sym_sd_bus_error_has_name(&error, "org.freedesktop.machine1.NoSuchMachine"))
                        log_debug("Failed to unregister machine '%s': %s", m->name, error.message ?: strerror(-r));
        }
        if (m->stop_match)
                m->stop_match = sym_sd_bus_slot_unref(m->stop_match);
        m->bus_event = bus_event_detach(m->bus_event);
        if (m->bus)
                m->bus = sym_sd_bus_flush_close_unref(m->bus);
        free(m->name);
        *m = (Machined) {};
}
