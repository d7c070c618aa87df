/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Drives an sd-bus connection from the supervisor's event loop (event-loop.h), as
 * sd_bus_attach_event() does for sd-event: the bus's fd with the events sd_bus_get_events() asks
 * for, a timer at sd_bus_get_timeout(), and sd_bus_process() until it has nothing left. Parent
 * stage; non-logging. */
#pragma once

#include <systemd/sd-bus.h>

#include "event-loop.h"

typedef struct BusEvent BusEvent;

int bus_event_attach(sd_bus *bus, Event *e, BusEvent **ret);
BusEvent *bus_event_detach(BusEvent *b);
