/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The supervisor's event loop (parent stage, while the guest runs): epoll over I/O sources, one
 * signalfd for all signal sources, a pidfd per child source and deadlines for timer sources.
 *
 * It is the subset of systemd's sd-event that nsboot uses, with the same calls under other names
 * (sd_event_X -> event_X, sd_event_source -> EventSource, SD_EVENT_ON -> EVENT_ON) and the same
 * semantics for that subset: sources are reference counted and keep their loop alive; a source added
 * with ret == NULL belongs to the loop; time sources start as EVENT_ONESHOT, all others as EVENT_ON;
 * a oneshot source is switched off before its callback runs; the prepare callback runs before each
 * wait. Why nsboot does not use sd-event: issue 14 wants the supervisor at <= 2 MiB of VmRSS, and
 * libsystemd with the libraries Debian links it to (libgcrypt, libzstd, liblzma, liblz4, ...) is
 * 1.3 MiB of it; libsystemd is now loaded with dlopen() only for machined (src/systemd/bus-dlopen.c). */
#pragma once

#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

#include "macro.h"

typedef struct Event Event;
typedef struct EventSource EventSource;

enum {
        EVENT_OFF = 0,
        EVENT_ON = 1,
        EVENT_ONESHOT = -1,
};

typedef int (*event_io_handler_t)(EventSource *s, int fd, uint32_t revents, void *userdata);
typedef int (*event_time_handler_t)(EventSource *s, uint64_t usec, void *userdata);
typedef int (*event_signal_handler_t)(EventSource *s, const struct signalfd_siginfo *si, void *userdata);
typedef int (*event_child_handler_t)(EventSource *s, const siginfo_t *si, void *userdata);
typedef int (*event_handler_t)(EventSource *s, void *userdata);
typedef void (*event_destroy_t)(void *userdata);

/* CLOCK_MONOTONIC, in microseconds. */
uint64_t now_monotonic_usec(void);

int event_new(Event **ret);
Event *event_ref(Event *e);
Event *event_unref(Event *e);
DEFINE_TRIVIAL_CLEANUP_FUNC(Event *, event_unref);

/* Runs until event_exit(); returns the code given there, or a negative errno if waiting failed. */
int event_loop(Event *e);
int event_exit(Event *e, int code);

/* fd is watched with epoll for events (EPOLLIN, EPOLLOUT, EPOLLET...). */
int event_add_io(Event *e, EventSource **ret, int fd, uint32_t events, event_io_handler_t cb,
                 void *userdata);
/* Only CLOCK_MONOTONIC; accuracy is ignored (no coalescing: nsboot has a handful of timers). */
int event_add_time_relative(Event *e, EventSource **ret, clockid_t clock, uint64_t usec, uint64_t accuracy,
                            event_time_handler_t cb, void *userdata);
/* The caller blocks sig beforehand, as for sd-event. */
int event_add_signal(Event *e, EventSource **ret, int sig, event_signal_handler_t cb, void *userdata);
/* Only WEXITED: the child is reaped before cb runs, and si says how it ended. */
int event_add_child(Event *e, EventSource **ret, pid_t pid, int options, event_child_handler_t cb,
                    void *userdata);

EventSource *event_source_ref(EventSource *s);
EventSource *event_source_unref(EventSource *s);
EventSource *event_source_disable_unref(EventSource *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(EventSource *, event_source_unref);

Event *event_source_get_event(EventSource *s);
int event_source_set_enabled(EventSource *s, int enabled);
int event_source_set_io_events(EventSource *s, uint32_t events);
/* Closes the fd of an I/O source when the source is freed. */
int event_source_set_io_fd_own(EventSource *s, bool own);
/* Absolute CLOCK_MONOTONIC time, and relative to now; UINT64_MAX: never. */
int event_source_set_time(EventSource *s, uint64_t usec);
int event_source_set_time_relative(EventSource *s, uint64_t usec);
/* A floating source belongs to the loop, freed with it (and holds no reference to it); the
 * caller then drops its own reference. */
int event_source_set_floating(EventSource *s, bool floating);
/* Runs before each wait while the source exists (sd-bus uses it to update its fd's events). */
int event_source_set_prepare(EventSource *s, event_handler_t cb);
int event_source_set_destroy_callback(EventSource *s, event_destroy_t cb);
