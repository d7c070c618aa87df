/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Parsers of the storage options, and image files refused before any loop device is made. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "basic/strv.h"
#include "image-policy.h"
#include "image.h"
#include "overlay.h"

Test(storage, policy_default_uses_everything) {
        ImagePolicy p;

        cr_assert_eq(image_policy_from_string(NULL, &p), 0);
        for (int d = 0; d < _PARTITION_DESIGNATOR_MAX; d++)
                cr_assert_eq(p.flags[d], PARTITION_POLICY_ALL);
        cr_assert_eq(image_policy_from_string("*", &p), 0);
        cr_assert_eq(p.flags[PARTITION_HOME], PARTITION_POLICY_ALL);
}

Test(storage, policy_root_only) {
        ImagePolicy p;

        cr_assert_eq(image_policy_from_string("root=unprotected:=ignore", &p), 0);
        cr_assert_eq(p.flags[PARTITION_ROOT], PARTITION_POLICY_USE);
        cr_assert_eq(p.flags[PARTITION_USR], PARTITION_POLICY_UNUSED | PARTITION_POLICY_ABSENT);
        cr_assert_eq(p.flags[PARTITION_TMP], PARTITION_POLICY_UNUSED | PARTITION_POLICY_ABSENT);
        cr_assert_eq(image_policy_from_string("-", &p), 0);
        cr_assert_eq(p.flags[PARTITION_VAR], PARTITION_POLICY_UNUSED | PARTITION_POLICY_ABSENT);
}

Test(storage, policy_flags_and_other_designators) {
        ImagePolicy p;

        cr_assert_eq(image_policy_from_string("usr=verity+signed:home=unprotected+absent:esp=unused", &p), 0);
        cr_assert_eq(p.flags[PARTITION_USR], PARTITION_POLICY_PROTECTED);
        cr_assert_eq(p.flags[PARTITION_HOME], PARTITION_POLICY_USE | PARTITION_POLICY_ABSENT);
        cr_assert_eq(p.flags[PARTITION_ROOT], PARTITION_POLICY_ALL);
}

Test(storage, policy_bad) {
        static const char *const bad[] = { "root", "root=", "root=bogus", "nope=unprotected", "root=unused:root=absent",
                                           "=", "root=unprotected++absent" };
        ImagePolicy p;

        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                cr_assert_eq(image_policy_from_string(bad[i], &p), -EINVAL, "%s", bad[i]);
}

Test(storage, overlay_specs) {
        static const char *const good[] = { "/a:/b", "/a:/b:/c", "+/a:/b:/dest", "/a::/dest", "/a:/b:/c:/d" };
        static const char *const bad[] = { "/a", "a:/b", "/a:b", "/a:/b:rel", "", "::", "/a::", ":/b" };

        for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
                cr_assert_eq(overlay_spec_check(good[i]), 0, "%s", good[i]);
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                cr_assert_eq(overlay_spec_check(bad[i]), -EINVAL, "%s", bad[i]);
}

Test(storage, volatile_modes) {
        cr_assert_eq(volatile_mode_from_string("state"), VOLATILE_STATE);
        cr_assert_eq(volatile_mode_from_string("overlay"), VOLATILE_OVERLAY);
        cr_assert_eq(volatile_mode_from_string("maybe"), _VOLATILE_MODE_INVALID);
        cr_assert_str_eq(volatile_mode_to_string(VOLATILE_YES), "yes");
}

Test(storage, split_keeps_empty_fields) {
        char **l = strv_split_keep_empty("/a::/c", ':');

        cr_assert_eq(strv_length(l), 3);
        cr_assert_str_eq(l[1], "");
        cr_assert_str_eq(l[2], "/c");
        strv_free(l);
}

/* Refused while probing, before a loop device exists: needs no root. */
static void assert_refused(const char *content, size_t size) {
        char path[] = "/tmp/nsboot-image-XXXXXX";
        DetachedMounts l = {};
        int fd = mkstemp(path);

        cr_assert(fd >= 0);
        for (size_t i = 0; i < size; i += 1)
                cr_assert_eq(write(fd, content ? content + i % strlen(content) : "\0", 1), 1);
        close(fd);
        cr_assert_eq(image_open(path, false, NULL, &l), -EBADMSG);
        cr_assert_eq(l.n, 0);
        unlink(path);
}

Test(storage, bad_images_refused) {
        assert_refused(NULL, 0);
        assert_refused("garbage, not a file system ", 1 << 16);
        assert_refused(NULL, 1 << 16);
}
