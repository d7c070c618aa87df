/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>

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
