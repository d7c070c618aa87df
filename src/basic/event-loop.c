/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sys/epoll.h>
#include <sys/syscall.h>

#include "event-loop.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

typedef enum SourceType { SOURCE_IO, SOURCE_TIME, SOURCE_SIGNAL, SOURCE_CHILD } SourceType;

struct Event {
        unsigned n_ref;
        int epoll_fd;
        int signal_fd;          /* -EBADF until the first signal source */
        EventSource *sources;   /* every source, linked through next/prev */
        bool exiting;
        int exit_code;
};

struct EventSource {
        unsigned n_ref;
        Event *event;
        EventSource *next, *prev;
        SourceType type;
        int enabled;
        bool floating;          /* owned by the loop (added with ret == NULL) */
        bool in_epoll;
        bool fd_own;
        int fd;                 /* I/O: the caller's; child: the pidfd, always ours */
        uint32_t events;
        uint64_t deadline;      /* time: CLOCK_MONOTONIC, usec; UINT64_MAX: never */
        int sig;
        union {
                event_io_handler_t io;
                event_time_handler_t time;
                event_signal_handler_t signal;
                event_child_handler_t child;
        } cb;
        event_handler_t prepare;
        event_destroy_t destroy;
        void *userdata;
};

uint64_t now_monotonic_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000U + (uint64_t) ts.tv_nsec / 1000U;
}

int event_new(Event **ret) {
        Event *e = calloc(1, sizeof(Event));

        if (!e)
                return -ENOMEM;
        e->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (e->epoll_fd < 0) {
                int r = -errno;

                free(e);
                return r;
        }
        e->n_ref = 1;
        e->signal_fd = -EBADF;
        *ret = e;
        return 0;
}

Event *event_ref(Event *e) {
        if (e)
                e->n_ref++;
        return e;
}

static void source_free(EventSource *s);

Event *event_unref(Event *e) {
        if (!e || --e->n_ref > 0)
                return NULL;
        /* Only floating sources are left: the others hold a reference. */
        e->n_ref = 1;
        while (e->sources)
                source_free(e->sources);
        safe_close(e->signal_fd);
        safe_close(e->epoll_fd);
        free(e);
        return NULL;
}

int event_exit(Event *e, int code) {
        e->exiting = true;
        e->exit_code = code;
        return 0;
}

/* Puts an I/O or child source into the epoll set or takes it out, as its state says. */
static int source_update_epoll(EventSource *s) {
        struct epoll_event ev = { .events = s->events, .data.ptr = s };
        bool want = s->enabled != EVENT_OFF && s->fd >= 0;

        if (!IN_SET(s->type, SOURCE_IO, SOURCE_CHILD))
                return 0;
        if (!want) {
                if (s->in_epoll)
                        (void) epoll_ctl(s->event->epoll_fd, EPOLL_CTL_DEL, s->fd, NULL);
                s->in_epoll = false;
                return 0;
        }
        if (epoll_ctl(s->event->epoll_fd, s->in_epoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s->fd, &ev) < 0)
                return -errno;
        s->in_epoll = true;
        return 0;
}

/* The signalfd watches the signals of all signal sources that are left. */
static int event_update_signals(Event *e) {
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
        sigset_t mask;
        bool any = false;
        int fd;

        sigemptyset(&mask);
        for (EventSource *s = e->sources; s; s = s->next)
                if (s->type == SOURCE_SIGNAL) {
                        sigaddset(&mask, s->sig);
                        any = true;
                }
        if (!any && e->signal_fd < 0)
                return 0;
        fd = signalfd(e->signal_fd >= 0 ? e->signal_fd : -1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (e->signal_fd < 0) {
                if (epoll_ctl(e->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                        int r = -errno;

                        safe_close(fd);
                        return r;
                }
                e->signal_fd = fd;
        }
        return 0;
}

static int source_new(Event *e, EventSource **ret, SourceType type, int enabled, void *userdata,
                      EventSource **ret_s) {
        EventSource *s = calloc(1, sizeof(EventSource));

        if (!s)
                return -ENOMEM;
        *s = (EventSource) { .n_ref = 1, .event = e, .type = type, .enabled = enabled, .floating = !ret,
                             .fd = -EBADF, .deadline = UINT64_MAX, .userdata = userdata,
                             .next = e->sources };
        if (e->sources)
                e->sources->prev = s;
        e->sources = s;
        if (!s->floating)
                event_ref(e);
        *ret_s = s;
        return 0;
}

/* Hands the new source to the caller, or drops it after a failed setup. */
static int source_finish(EventSource *s, EventSource **ret, int r) {
        if (r < 0) {
                if (s->floating)
                        source_free(s);
                else
                        event_source_unref(s);
                return r;
        }
        if (ret)
                *ret = s;
        return 0;
}

int event_add_io(Event *e, EventSource **ret, int fd, uint32_t events, event_io_handler_t cb,
                 void *userdata) {
        EventSource *s;
        int r;

        if (fd < 0 || !cb)
                return -EINVAL;
        r = source_new(e, ret, SOURCE_IO, EVENT_ON, userdata, &s);
        if (r < 0)
                return r;
        s->fd = fd;
        s->events = events;
        s->cb.io = cb;
        return source_finish(s, ret, source_update_epoll(s));
}

int event_add_time_relative(Event *e, EventSource **ret, clockid_t clock, uint64_t usec, uint64_t accuracy,
                            event_time_handler_t cb, void *userdata) {
        EventSource *s;
        int r;

        if (clock != CLOCK_MONOTONIC || !cb)
                return -EOPNOTSUPP;
        r = source_new(e, ret, SOURCE_TIME, EVENT_ONESHOT, userdata, &s);
        if (r < 0)
                return r;
        s->cb.time = cb;
        return source_finish(s, ret, event_source_set_time_relative(s, usec));
}

int event_add_signal(Event *e, EventSource **ret, int sig, event_signal_handler_t cb, void *userdata) {
        EventSource *s;
        int r;

        if (sig <= 0 || sig >= _NSIG || !cb)
                return -EINVAL;
        for (EventSource *o = e->sources; o; o = o->next)
                if (o->type == SOURCE_SIGNAL && o->sig == sig)
                        return -EBUSY;
        r = source_new(e, ret, SOURCE_SIGNAL, EVENT_ON, userdata, &s);
        if (r < 0)
                return r;
        s->sig = sig;
        s->cb.signal = cb;
        return source_finish(s, ret, event_update_signals(e));
}

int event_add_child(Event *e, EventSource **ret, pid_t pid, int options, event_child_handler_t cb,
                    void *userdata) {
        EventSource *s;
        int r;

        if (pid <= 0 || options != WEXITED || !cb)
                return -EINVAL;
        r = source_new(e, ret, SOURCE_CHILD, EVENT_ONESHOT, userdata, &s);
        if (r < 0)
                return r;
        s->cb.child = cb;
        s->events = EPOLLIN;
        s->fd_own = true;
        s->fd = (int) syscall(SYS_pidfd_open, pid, 0);
        return source_finish(s, ret, s->fd < 0 ? -errno : source_update_epoll(s));
}

static void source_free(EventSource *s) {
        Event *e = s->event;
        bool signal = s->type == SOURCE_SIGNAL;

        s->enabled = EVENT_OFF;
        (void) source_update_epoll(s);
        if (s->prev)
                s->prev->next = s->next;
        else
                e->sources = s->next;
        if (s->next)
                s->next->prev = s->prev;
        if (s->fd_own)
                safe_close(s->fd);
        if (s->destroy)
                s->destroy(s->userdata);
        if (signal)
                (void) event_update_signals(e);
        if (!s->floating)
                event_unref(e);
        free(s);
}

EventSource *event_source_ref(EventSource *s) {
        if (s)
                s->n_ref++;
        return s;
}

EventSource *event_source_unref(EventSource *s) {
        if (s && --s->n_ref == 0)
                source_free(s);
        return NULL;
}

EventSource *event_source_disable_unref(EventSource *s) {
        if (s)
                (void) event_source_set_enabled(s, EVENT_OFF);
        return event_source_unref(s);
}

Event *event_source_get_event(EventSource *s) {
        return s->event;
}

int event_source_set_enabled(EventSource *s, int enabled) {
        if (!IN_SET(enabled, EVENT_OFF, EVENT_ON, EVENT_ONESHOT))
                return -EINVAL;
        s->enabled = enabled;
        return source_update_epoll(s);
}

int event_source_set_io_events(EventSource *s, uint32_t events) {
        if (s->type != SOURCE_IO)
                return -EDOM;
        s->events = events;
        return source_update_epoll(s);
}

int event_source_set_io_fd_own(EventSource *s, bool own) {
        if (s->type != SOURCE_IO)
                return -EDOM;
        s->fd_own = own;
        return 0;
}

int event_source_set_time(EventSource *s, uint64_t usec) {
        if (s->type != SOURCE_TIME)
                return -EDOM;
        s->deadline = usec;
        return 0;
}

int event_source_set_time_relative(EventSource *s, uint64_t usec) {
        uint64_t now = now_monotonic_usec();

        return event_source_set_time(s, usec >= UINT64_MAX - now ? UINT64_MAX : now + usec);
}

int event_source_set_floating(EventSource *s, bool floating) {
        if (s->floating == floating)
                return 0;
        s->floating = floating;
        if (floating) {
                /* The loop holds a reference to the source now, instead of the source to the loop. */
                event_source_ref(s);
                event_unref(s->event);
        } else {
                event_ref(s->event);
                event_source_unref(s);
        }
        return 1;
}

int event_source_set_prepare(EventSource *s, event_handler_t cb) {
        s->prepare = cb;
        return 0;
}

int event_source_set_destroy_callback(EventSource *s, event_destroy_t cb) {
        s->destroy = cb;
        return 0;
}

/* Runs one callback with the source pinned (the callback may unref it); a oneshot source is off
 * first, and a failing one is switched off, as sd-event does. */
static void source_dispatch(EventSource *s, uint32_t revents, const void *info) {
        int r = 0;

        event_source_ref(s);
        if (s->enabled == EVENT_ONESHOT)
                (void) event_source_set_enabled(s, EVENT_OFF);
        switch (s->type) {
        case SOURCE_IO:
                r = s->cb.io(s, s->fd, revents, s->userdata);
                break;
        case SOURCE_TIME:
                r = s->cb.time(s, s->deadline, s->userdata);
                break;
        case SOURCE_SIGNAL:
                r = s->cb.signal(s, info, s->userdata);
                break;
        case SOURCE_CHILD:
                r = s->cb.child(s, info, s->userdata);
                break;
        }
        if (r < 0)
                (void) event_source_set_enabled(s, EVENT_OFF);
        event_source_unref(s);
}

static void dispatch_signal(Event *e) {
        struct signalfd_siginfo si;

        if (read(e->signal_fd, &si, sizeof si) != (ssize_t) sizeof si)
                return;
        for (EventSource *s = e->sources; s; s = s->next)
                if (s->type == SOURCE_SIGNAL && s->sig == (int) si.ssi_signo) {
                        if (s->enabled != EVENT_OFF)
                                source_dispatch(s, 0, &si);
                        return;
                }
}

static void dispatch_epoll(Event *e, const struct epoll_event *ev) {
        EventSource *s = ev->data.ptr;
        siginfo_t si = {};

        if (!s)
                return dispatch_signal(e);
        if (s->type == SOURCE_IO)
                return source_dispatch(s, ev->events, NULL);
        /* A child: reaped here, so the callback sees how it ended */
        if (waitid((idtype_t) P_PIDFD, (id_t) s->fd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
                return;
        source_dispatch(s, ev->events, &si);
}

/* The enabled timer with the earliest deadline, or NULL. */
static EventSource *next_timer(Event *e) {
        EventSource *best = NULL;

        for (EventSource *s = e->sources; s; s = s->next)
                if (s->type == SOURCE_TIME && s->enabled != EVENT_OFF && s->deadline != UINT64_MAX &&
                    (!best || s->deadline < best->deadline))
                        best = s;
        return best;
}

static void run_prepare(Event *e) {
        /* Prepare callbacks (the bus's) change their own source, never the list. */
        for (EventSource *s = e->sources; s; s = s->next)
                if (s->prepare)
                        (void) s->prepare(s, s->userdata);
}

static int event_run_once(Event *e) {
        struct epoll_event ev;
        EventSource *t;
        int timeout = -1, n;

        run_prepare(e);
        t = next_timer(e);
        if (t) {
                uint64_t now = now_monotonic_usec();

                timeout = t->deadline <= now ? 0 :
                          (int) MIN((t->deadline - now + 999) / 1000, (uint64_t) INT32_MAX);
        }
        /* One event at a time: a callback may free any other source, so none is left pending. */
        n = epoll_wait(e->epoll_fd, &ev, 1, timeout);
        if (n < 0)
                return errno == EINTR ? 0 : -errno;
        if (n > 0)
                dispatch_epoll(e, &ev);
        while (!e->exiting && (t = next_timer(e)) && t->deadline <= now_monotonic_usec())
                source_dispatch(t, 0, NULL);
        return 0;
}

int event_loop(Event *e) {
        int r = 0;

        event_ref(e);
        while (!e->exiting) {
                r = event_run_once(e);
                if (r < 0)
                        break;
        }
        if (r >= 0)
                r = e->exit_code;
        event_unref(e);
        return r;
}
