/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>

#include "console-attach.h"
#include "console-ring.h"
#include "console.h"

Test(console, three_presses_within_a_second) {
        EscapeState st = {};

        cr_assert(!console_escape_feed(&st, "\x1d", 1, 1000000));
        cr_assert(!console_escape_feed(&st, "a\x1d", 2, 1300000));
        cr_assert(console_escape_feed(&st, "\x1d", 1, 1900000));
}

Test(console, slow_presses_do_not_count) {
        EscapeState st = {};

        cr_assert(!console_escape_feed(&st, "\x1d", 1, 0));
        cr_assert(!console_escape_feed(&st, "\x1d", 1, 600000));
        cr_assert(!console_escape_feed(&st, "\x1d", 1, 1200000));
        /* the window slides: presses at 0.6, 1.2 and 1.5 s are within one second */
        cr_assert(console_escape_feed(&st, "\x1d", 1, 1500000));
}

Test(console, three_in_one_read) {
        EscapeState st = {};

        cr_assert(console_escape_feed(&st, "\x1d\x1d\x1d", 3, 5));
}

Test(console, other_bytes_pass) {
        EscapeState st = {};

        cr_assert(!console_escape_feed(&st, "hello\x03\x04", 7, 5));
}

Test(console, poweroff_and_reboot_keys) {
        EscapeState st = {};

        cr_assert_eq(console_escape_feed(&st, "\x1d\x1dp", 3, 5), CONSOLE_ESCAPE_POWEROFF);
        st = (EscapeState) {};
        cr_assert_eq(console_escape_feed(&st, "\x1d", 1, 0), CONSOLE_ESCAPE_NONE);
        cr_assert_eq(console_escape_feed(&st, "\x1d", 1, 400000), CONSOLE_ESCAPE_NONE);
        cr_assert_eq(console_escape_feed(&st, "r", 1, 800000), CONSOLE_ESCAPE_REBOOT);
        /* the state starts over: a third Ctrl-] right after is no kill */
        cr_assert_eq(console_escape_feed(&st, "\x1d", 1, 900000), CONSOLE_ESCAPE_NONE);
}

Test(console, keys_need_two_escapes_right_before) {
        EscapeState st = {};

        cr_assert_eq(console_escape_feed(&st, "\x1dp", 2, 5), CONSOLE_ESCAPE_NONE, "one Ctrl-] is not enough");
        st = (EscapeState) {};
        cr_assert_eq(console_escape_feed(&st, "\x1d\x1dxp", 4, 5), CONSOLE_ESCAPE_NONE, "another key in between");
        st = (EscapeState) {};
        cr_assert_eq(console_escape_feed(&st, "\x1d", 1, 0), CONSOLE_ESCAPE_NONE);
        cr_assert_eq(console_escape_feed(&st, "\x1d", 1, 1500000), CONSOLE_ESCAPE_NONE);
        cr_assert_eq(console_escape_feed(&st, "p", 1, 1600000), CONSOLE_ESCAPE_NONE, "more than a second apart");
        st = (EscapeState) {};
        cr_assert_eq(console_escape_feed(&st, "\x1d\x1dq", 3, 5), CONSOLE_ESCAPE_NONE, "another letter");
        cr_assert_eq(console_escape_feed(&st, "hello p r", 9, 6), CONSOLE_ESCAPE_NONE);
}

/* The ring keeps the newest bytes, in order, across wrap-around, and never more than its size. */
static void ring_text(const ConsoleRing *r, char *ret, size_t size) {
        const char *a, *b;
        size_t na, nb;

        console_ring_peek(r, &a, &na, &b, &nb);
        cr_assert_lt(na + nb, size);
        memcpy(ret, a, na);
        memcpy(ret + na, b, nb);
        ret[na + nb] = 0;
}

Test(console_ring, keeps_the_newest_bytes) {
        static const char *const steps[][2] = {
                /* written, then held */
                { "abc", "abc" }, { "defghij", "cdefghij" }, { "kl", "efghijkl" },
                { "0123456789", "23456789" }, { NULL, "" }, { "xy", "xy" },
        };
        _cleanup_(console_ring_freep) ConsoleRing *r = console_ring_new(8);
        char text[16];

        cr_assert_not_null(r);
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
                if (steps[i][0])
                        console_ring_write(r, steps[i][0], strlen(steps[i][0]));
                else
                        console_ring_clear(r);
                ring_text(r, text, sizeof text);
                cr_assert_str_eq(text, steps[i][1], "step %zu", i);
        }
}

/* Runs the detach key filter over in (n bytes), as one read; returns what is sent, as a string. */
static const char *filter(bool *pending, const char *in, size_t n, bool *detach) {
        static char buf[64];
        size_t k;

        memcpy(buf, in, n);
        k = console_attach_filter(pending, buf, n, detach);
        buf[k] = 0;
        return buf;
}

Test(console_attach, detach_keys) {
        bool pending = false, detach;

        cr_assert_str_eq(filter(&pending, "ls\r", 3, &detach), "ls\r");
        cr_assert(!detach && !pending);
        cr_assert_str_eq(filter(&pending, "ab\x1dqcd", 6, &detach), "ab", "what comes after the keys is dropped");
        cr_assert(detach);
}

Test(console_attach, escape_across_reads) {
        bool pending = false, detach;

        cr_assert_str_eq(filter(&pending, "x\x1d", 2, &detach), "x", "a Ctrl-] at the end is held");
        cr_assert(pending && !detach);
        cr_assert_str_eq(filter(&pending, "q", 1, &detach), "");
        cr_assert(detach);
        pending = false;
        cr_assert_str_eq(filter(&pending, "\x1d", 1, &detach), "");
        cr_assert_str_eq(filter(&pending, "y", 1, &detach), "\x1dy", "another key: both are sent");
        cr_assert(!pending && !detach);
}

Test(console_attach, literal_escape) {
        bool pending = false, detach;

        cr_assert_str_eq(filter(&pending, "\x1d\x1dq", 3, &detach), "\x1dq", "Ctrl-] Ctrl-] is one Ctrl-]");
        cr_assert(!detach);
        cr_assert_str_eq(filter(&pending, "\x1d\x1d\x1d", 3, &detach), "\x1d");
        cr_assert(pending);
        cr_assert_str_eq(filter(&pending, "\x1d", 1, &detach), "\x1d");
        cr_assert(!pending && !detach);
}

Test(console_attach, winsize) {
        struct winsize ws;

        cr_assert_eq(console_attach_parse_winsize("30 100", &ws), 0);
        cr_assert(ws.ws_row == 30 && ws.ws_col == 100);
        cr_assert_eq(console_attach_parse_winsize("0 0", &ws), 0);
        cr_assert_lt(console_attach_parse_winsize("30", &ws), 0);
        cr_assert_lt(console_attach_parse_winsize("30 100 x", &ws), 0);
        cr_assert_lt(console_attach_parse_winsize("70000 1", &ws), 0);
}
