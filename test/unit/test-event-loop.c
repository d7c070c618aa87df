/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The supervisor's event loop (event-loop.c), its 128-bit ids (id128-util.c) and sd_notify
 * (daemon-notify.c): the parts of libsystemd nsboot replaced, with sd-event's semantics. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "daemon-notify.h"
#include "event-loop.h"
#include "id128-util.h"

typedef struct Pair {
        EventSource *a, *b;
        char seen[8];
        size_t n;
} Pair;

/* Reads its byte and drops the other source, whose byte is waiting too. */
static int on_read(EventSource *s, int fd, uint32_t revents, void *userdata) {
        Pair *p = userdata;

        cr_assert_eq(read(fd, &p->seen[p->n++], 1), 1);
        if (s == p->a)
                p->b = event_source_disable_unref(p->b);
        else
                p->a = event_source_disable_unref(p->a);
        return 0;
}

static int on_exit_42(EventSource *s, uint64_t usec, void *userdata) {
        return event_exit(event_source_get_event(s), 42);
}

Test(event_loop, io_exit_code_and_unref_in_callback) {
        _cleanup_(event_unrefp) Event *e = NULL;
        int p[2], q[2];
        Pair pair = {};

        cr_assert_eq(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
        cr_assert_eq(pipe2(q, O_CLOEXEC | O_NONBLOCK), 0);
        cr_assert_eq(event_new(&e), 0);
        cr_assert_eq(event_add_io(e, &pair.a, p[0], EPOLLIN, on_read, &pair), 0);
        cr_assert_eq(event_add_io(e, &pair.b, q[0], EPOLLIN, on_read, &pair), 0);
        cr_assert_eq(event_source_set_io_fd_own(pair.a, true), 0);
        cr_assert_eq(event_add_time_relative(e, NULL, CLOCK_MONOTONIC, 20000, 0, on_exit_42, NULL), 0);
        cr_assert_eq(write(q[1], "b", 1), 1);
        cr_assert_eq(write(p[1], "a", 1), 1);
        cr_assert_eq(event_loop(e), 42);
        /* whichever ran first dropped the other before its pending event was dispatched */
        cr_assert_eq(pair.n, 1);
        cr_assert(!pair.a != !pair.b);
        pair.a = event_source_unref(pair.a);
        pair.b = event_source_unref(pair.b);
        cr_assert_eq(fcntl(p[0], F_GETFD), -1, "the owned fd is closed with its source");
        cr_assert_geq(fcntl(q[0], F_GETFD), 0, "a source that does not own its fd leaves it open");
        close(p[1]), close(q[0]), close(q[1]);
}

static int on_time(EventSource *s, uint64_t usec, void *userdata) {
        int *n = userdata;

        ++*n;
        cr_assert_leq(usec, now_monotonic_usec());
        if (*n == 3)
                return event_exit(event_source_get_event(s), 0);
        /* rearmed from the callback, as procfs.c and stop.c do */
        (void) event_source_set_time_relative(s, 1000);
        return event_source_set_enabled(s, EVENT_ONESHOT);
}

static int on_never(EventSource *s, uint64_t usec, void *userdata) {
        cr_assert_fail("a disabled timer ran");
        return 0;
}

Test(event_loop, timers_oneshot_and_off) {
        _cleanup_(event_unrefp) Event *e = NULL;
        _cleanup_(event_source_unrefp) EventSource *t = NULL, *off = NULL;
        uint64_t start = now_monotonic_usec();
        int n = 0;

        cr_assert_eq(event_new(&e), 0);
        cr_assert_eq(event_add_time_relative(e, &t, CLOCK_MONOTONIC, 5000, 0, on_time, &n), 0);
        cr_assert_eq(event_add_time_relative(e, &off, CLOCK_MONOTONIC, 0, 0, on_never, NULL), 0);
        cr_assert_eq(event_source_set_enabled(off, EVENT_OFF), 0);
        cr_assert_eq(event_add_time_relative(e, NULL, CLOCK_REALTIME, 0, 0, on_never, NULL), -EOPNOTSUPP);
        cr_assert_eq(event_loop(e), 0);
        cr_assert_eq(n, 3);
        cr_assert_geq(now_monotonic_usec() - start, 7000, "the timers waited for their deadlines");
}

static int on_signal(EventSource *s, const struct signalfd_siginfo *si, void *userdata) {
        cr_assert_eq(si->ssi_signo, SIGUSR1);
        return event_exit(event_source_get_event(s), 7);
}

static int on_child(EventSource *s, const siginfo_t *si, void *userdata) {
        int *status = userdata;

        cr_assert_eq(si->si_code, CLD_EXITED);
        *status = si->si_status;
        /* to this thread: Criterion's other threads do not block it */
        cr_assert_eq(raise(SIGUSR1), 0);
        return 0;
}

static void destroyed(void *userdata) {
        *(bool *) userdata = true;
}

Test(event_loop, signal_child_floating_destroy) {
        Event *e = NULL;
        _cleanup_(event_source_unrefp) EventSource *c = NULL;
        sigset_t mask;
        bool gone = false;
        int status = -1;
        pid_t pid;

        sigemptyset(&mask);
        sigaddset(&mask, SIGUSR1);
        sigaddset(&mask, SIGCHLD);
        cr_assert_eq(sigprocmask(SIG_BLOCK, &mask, NULL), 0);
        cr_assert_eq(event_new(&e), 0);
        /* floating: owned by the loop, freed with it (the destroy callback says so) */
        cr_assert_eq(event_add_signal(e, NULL, SIGUSR1, on_signal, NULL), 0);
        cr_assert_eq(event_add_signal(e, NULL, SIGUSR1, on_signal, NULL), -EBUSY);
        pid = fork();
        if (pid == 0)
                _exit(5);
        cr_assert_eq(event_add_child(e, &c, pid, WEXITED, on_child, &status), 0);
        cr_assert_eq(event_loop(e), 7);
        cr_assert_eq(status, 5);
        cr_assert_eq(waitpid(pid, NULL, WNOHANG), -1, "the child was reaped by the loop");
        c = event_source_unref(c);
        cr_assert_eq(event_add_time_relative(e, &c, CLOCK_MONOTONIC, 0, 0, on_never, &gone), 0);
        cr_assert_eq(event_source_set_destroy_callback(c, destroyed), 0);
        c = event_source_unref(c);
        cr_assert(gone, "the destroy callback ran");
        /* the floating signal source goes with the loop */
        e = event_unref(e);
}

static int on_prepare(EventSource *s, void *userdata) {
        int *n = userdata;

        if (++*n == 3)
                return event_exit(event_source_get_event(s), 3);
        return 0;
}

static int on_idle(EventSource *s, uint64_t usec, void *userdata) {
        return event_source_set_time_relative(s, 100);
}

Test(event_loop, prepare_runs_before_each_wait) {
        _cleanup_(event_unrefp) Event *e = NULL;
        _cleanup_(event_source_unrefp) EventSource *t = NULL;
        int n = 0;

        cr_assert_eq(event_new(&e), 0);
        cr_assert_eq(event_add_time_relative(e, &t, CLOCK_MONOTONIC, 100, 0, on_idle, &n), 0);
        cr_assert_eq(event_source_set_enabled(t, EVENT_ON), 0);
        cr_assert_eq(event_source_set_prepare(t, on_prepare), 0);
        cr_assert_eq(event_loop(e), 3);
        cr_assert_eq(n, 3);
}

Test(id128, parse_format_random) {
        char buf[ID128_UUID_STRING_MAX];
        Id128 a, b;

        cr_assert_eq(id128_from_string("0123456789abcdef0123456789ABCDEF", &a), 0);
        b = ID128_MAKE(01, 23, 45, 67, 89, ab, cd, ef, 01, 23, 45, 67, 89, ab, cd, ef);
        cr_assert(id128_equal(a, b));
        cr_assert_str_eq(id128_to_string(a, buf), "0123456789abcdef0123456789abcdef");
        cr_assert_str_eq(id128_to_uuid_string(a, buf), "01234567-89ab-cdef-0123-456789abcdef");
        cr_assert_eq(id128_from_string(buf, &b), 0);
        cr_assert(id128_equal(a, b));
        cr_assert_eq(id128_from_string("01234567-89ab-cdef-0123-456789abcdeg", &b), -EINVAL);
        cr_assert_eq(id128_from_string("0123456789-abcdef-0123-456789abcdef", &b), -EINVAL);
        cr_assert_eq(id128_from_string("0123456789abcdef", &b), -EINVAL);
        cr_assert(id128_is_null(ID128_NULL));
        cr_assert_eq(id128_randomize(&a), 0);
        cr_assert_eq(id128_randomize(&b), 0);
        cr_assert(!id128_equal(a, b));
        cr_assert_eq(a.bytes[6] >> 4, 4, "a version 4 UUID");
        cr_assert_eq(a.bytes[8] >> 6, 2, "RFC 4122 variant");
}

/* A datagram socket bound at addr (a path, or "@name"); returns the fd. */
static int listener(const char *addr) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        socklen_t len = offsetof(struct sockaddr_un, sun_path) + strlen(addr);
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        strcpy(sa.sun_path, addr);
        if (addr[0] == '@')
                sa.sun_path[0] = 0;
        cr_assert_eq(bind(fd, (struct sockaddr *) &sa, len), 0);
        return fd;
}

static void expect_message(int fd, const char *text) {
        char buf[128] = {};

        cr_assert_eq(recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT), (ssize_t) strlen(text));
        cr_assert_str_eq(buf, text);
}

Test(daemon_notify, path_abstract_unset) {
        char path[] = "/tmp/nsboot-notify-XXXXXX", sock[64], abstract[64];
        int fd;

        cr_assert_not_null(mkdtemp(path));
        snprintf(sock, sizeof sock, "%s/s", path);
        fd = listener(sock);
        setenv("NOTIFY_SOCKET", sock, 1);
        cr_assert_eq(daemon_notifyf(false, "STATUS=%s\nREADY=1", "up"), 1);
        expect_message(fd, "STATUS=up\nREADY=1");
        close(fd);
        unlink(sock);
        rmdir(path);

        snprintf(abstract, sizeof abstract, "@nsboot-test-notify-%d", (int) getpid());
        fd = listener(abstract);
        setenv("NOTIFY_SOCKET", abstract, 1);
        cr_assert_eq(daemon_notify(true, "STOPPING=1"), 1);
        expect_message(fd, "STOPPING=1");
        cr_assert_null(getenv("NOTIFY_SOCKET"), "unset_environment");
        cr_assert_eq(daemon_notify(false, "READY=1"), 0, "no socket: nothing sent, no error");
        setenv("NOTIFY_SOCKET", "vsock:2:1", 1);
        cr_assert_eq(daemon_notify(false, "READY=1"), -EAFNOSUPPORT);
        unsetenv("NOTIFY_SOCKET");
        close(fd);
}

Test(event_loop, floating_source_goes_with_the_loop) {
        Event *e = NULL;
        EventSource *s = NULL;
        bool gone = false;

        cr_assert_eq(event_new(&e), 0);
        cr_assert_eq(event_add_time_relative(e, &s, CLOCK_MONOTONIC, 1000000, 0, on_never, &gone), 0);
        cr_assert_eq(event_source_set_destroy_callback(s, destroyed), 0);
        cr_assert_eq(event_source_set_floating(s, true), 1);
        s = event_source_unref(s);
        cr_assert(!gone, "the loop keeps a floating source");
        e = event_unref(e);
        cr_assert(gone, "a floating source is freed with its loop");
}
