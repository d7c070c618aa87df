/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/epoll.h>

#include "bus-dlopen.h"
#include "bus-event.h"

struct BusEvent {
        sd_bus *bus;
        EventSource *io, *time;
};

static int bus_run(BusEvent *b) {
        int r;

        do
                r = sym_sd_bus_process(b->bus, NULL);
        while (r > 0);
        return 0;
}

static int on_io(EventSource *s, int fd, uint32_t revents, void *userdata) {
        return bus_run(userdata);
}

static int on_time(EventSource *s, uint64_t usec, void *userdata) {
        return bus_run(userdata);
}

/* Before each wait: what the bus waits for now (messages it read while answering a call made
 * outside the loop make its timeout 0, so they are dispatched at once). */
static int on_prepare(EventSource *s, void *userdata) {
        BusEvent *b = userdata;
        uint64_t until = UINT64_MAX;
        int events;

        events = sym_sd_bus_get_events(b->bus);
        if (events >= 0)
                (void) event_source_set_io_events(b->io, (uint32_t) events);
        if (sym_sd_bus_get_timeout(b->bus, &until) < 0)
                until = UINT64_MAX;
        (void) event_source_set_time(b->time, until);
        return event_source_set_enabled(b->time, until == UINT64_MAX ? EVENT_OFF : EVENT_ONESHOT);
}

int bus_event_attach(sd_bus *bus, Event *e, BusEvent **ret) {
        BusEvent *b = calloc(1, sizeof(BusEvent));
        int fd, r;

        if (!b)
                return -ENOMEM;
        b->bus = bus;
        fd = sym_sd_bus_get_fd(bus);
        r = fd < 0 ? fd : event_add_io(e, &b->io, fd, EPOLLIN, on_io, b);
        if (r >= 0)
                r = event_add_time_relative(e, &b->time, CLOCK_MONOTONIC, UINT64_MAX, 0, on_time, b);
        if (r >= 0)
                r = event_source_set_prepare(b->io, on_prepare);
        if (r < 0) {
                bus_event_detach(b);
                return r;
        }
        *ret = b;
        return 0;
}

BusEvent *bus_event_detach(BusEvent *b) {
        if (!b)
                return NULL;
        event_source_disable_unref(b->io);
        event_source_disable_unref(b->time);
        free(b);
        return NULL;
}
