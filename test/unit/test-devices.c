/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "devices.h"

static char *fmt(const DeviceRules *l) {
        char *s = NULL;

        cr_assert_eq(device_rules_format(l, &s), 0);
        return s;
}

/* How Debian's LXC configs spell a closed policy: deny all, then allow a list. */
Test(devices, lxc_deny_all_then_allow) {
        DeviceRules l = {};
        char *s;

        cr_assert_eq(device_rules_deny(&l, "a"), 0);
        cr_assert(l.custom);
        cr_assert_eq(l.n, 0);
        cr_assert_eq(device_rules_allow(&l, "c 1:3 rwm"), 0);
        cr_assert_eq(device_rules_allow(&l, "c 136:* rwm"), 0);
        cr_assert_eq(device_rules_allow(&l, "b 7:* rw"), 0);
        cr_assert_eq(device_rules_allow(&l, "c 254:0 rm"), 0);
        s = fmt(&l);
        cr_assert_str_eq(s, "c 1:3 rwm\nc 136:* rwm\nb 7:* rw\nc 254:0 rm");
        free(s);
        device_rules_done(&l);
}

Test(devices, allow_extends_the_default_and_empty_resets) {
        DeviceRules l = {};
        char *s;

        cr_assert_eq(device_rules_allow(&l, "c 10:229 rwm"), 0);
        s = fmt(&l);
        cr_assert(strstr(s, "c 1:3 rwm\n"), "%s", s);
        cr_assert(strstr(s, "c 136-143:* rw\nc 10:229 rwm"), "%s", s);
        free(s);
        cr_assert_eq(device_rules_deny(&l, ""), 0);
        cr_assert(!l.custom);
        device_rules_done(&l);
}

Test(devices, exact_deny_removes_overlapping_deny_refused) {
        DeviceRules l = {};

        cr_assert_eq(device_rules_deny(&l, "c 10:200 rwm"), 0);
        {
                char *s = fmt(&l);

                cr_assert(!strstr(s, "10:200"), "%s", s);
                free(s);
        }
        /* 136:5 lies inside the default 136-143:* rule: an allow list cannot express that */
        cr_assert_eq(device_rules_deny(&l, "c 136:5 rw"), -EOPNOTSUPP);
        device_rules_done(&l);
}

Test(devices, bad_rules) {
        static const char *const bad[] = { "x 1:3 rwm", "c 1:3", "c 1:3 rwx", "c 1 rwm", "c a:3 r", "c 1:3 rr", "", "b" };
        DeviceRules l = {};

        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                cr_assert_eq(device_rules_allow(&l, bad[i]), -EINVAL, "'%s'", bad[i]);
        device_rules_done(&l);
}
