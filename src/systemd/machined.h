/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Registration with systemd-machined over sd-bus, so machinectl, journalctl -M and nss-mymachines
 * know the machine. Parent stage: after the child is set up and before it execs init (so the scope
 * takes the leader before the guest's systemd makes its own cgroups), and at teardown. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <systemd/sd-bus.h>

#include "bus-event.h"
#include "event-loop.h"
#include "id128-util.h"

#include "settings.h"

typedef enum RegisterMode {
        REGISTER_AUTO,          /* when machined answers; carry on without it otherwise */
        REGISTER_YES,
        REGISTER_NO,
        _REGISTER_MODE_MAX,
        _REGISTER_MODE_INVALID = -EINVAL,
} RegisterMode;

const char *register_mode_to_string(RegisterMode m);
RegisterMode register_mode_from_string(const char *s);

typedef void (*MachinedStopHandler)(void *userdata);

typedef struct Machined {
        sd_bus *bus;
        sd_bus_slot *stop_match;
        BusEvent *bus_event;
        char *name;
        bool registered;
        MachinedStopHandler on_stop;
        void *userdata;
} Machined;

/* Registers leader as machine s->machine. Logs; returns 0 when not registering (auto, no bus).
 * libsystemd is loaded only when this registers or tries to: with --register=auto only on a host
 * booted with systemd that has a system bus socket. */
/* Whether machined_register() will try: not with --register=no, nor (auto) on a host without
 * systemd or a system bus. */
bool machined_may_register(const Settings *s);
int machined_register(Machined *m, const Settings *s, Id128 uuid, pid_t leader, const int *ifindices,
                      size_t n_ifindices, Event *e, MachinedStopHandler on_stop, void *userdata);
void machined_unregister(Machined *m);

/* Appends one --property=NAME=VALUE to an a(sv) array being built. Non-logging: -EINVAL for an
 * unknown name or a bad value. */
int machined_append_property(sd_bus_message *msg, const char *assignment);
/* Whether assignment is a --property that machined_append_property() understands. */
bool machined_property_is_valid(const char *assignment);
