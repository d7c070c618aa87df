/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <errno.h>
#include <sys/mount.h>

#include "custom-mount.h"

Test(custom_mount, bind_forms) {
        CustomMounts l = {};

        cr_assert_eq(custom_mount_parse_bind(&l, "/srv/data", false), 0);
        cr_assert_eq(custom_mount_parse_bind(&l, "/srv/a:/mnt/b", true), 0);
        cr_assert_eq(custom_mount_parse_bind(&l, "/srv/a:/mnt/c:norbind", false), 0);
        cr_assert_eq(l.n, 3);
        cr_assert_str_eq(l.items[0].destination, "/srv/data");
        cr_assert_eq(l.items[0].flags, MS_BIND | MS_REC);
        cr_assert_str_eq(l.items[1].destination, "/mnt/b");
        cr_assert(l.items[1].flags & MS_RDONLY);
        cr_assert_eq(l.items[2].flags, MS_BIND);
        cr_assert_lt(custom_mount_parse_bind(&l, "relative", false), 0);
        cr_assert_lt(custom_mount_parse_bind(&l, "/a:relative", false), 0);
        cr_assert_lt(custom_mount_parse_bind(&l, "/a:/b/../../etc", false), 0);
        cr_assert_lt(custom_mount_parse_bind(&l, "/a:/b:sideways", false), 0);
        cr_assert_eq(l.n, 3);
        custom_mounts_done(&l);
}

Test(custom_mount, tmpfs_forms) {
        CustomMounts l = {};

        cr_assert_eq(custom_mount_parse_tmpfs(&l, "/scratch"), 0);
        cr_assert_eq(custom_mount_parse_tmpfs(&l, "/var/cache:size=10m,mode=0700"), 0);
        cr_assert_str_eq(l.items[0].options, "mode=0755");
        cr_assert_str_eq(l.items[1].options, "size=10m,mode=0700");
        cr_assert_str_eq(l.items[1].type, "tmpfs");
        cr_assert_lt(custom_mount_parse_tmpfs(&l, "scratch"), 0);
        custom_mounts_done(&l);
}

/* The lines Debian's LXC configs use, and LXC's own options. */
Test(custom_mount, lxc_mount_entries) {
        CustomMounts l = {};
        char *s;

        cr_assert_eq(custom_mount_parse_fstab_line(&l, "/dev/fuse dev/fuse none bind,create=file,optional 0 0"), 0);
        cr_assert_eq(custom_mount_parse_fstab_line(&l, "/sys/kernel/debug sys/kernel/debug none bind,optional 0 0"), 0);
        cr_assert_eq(custom_mount_parse_fstab_line(&l, "mqueue dev/mqueue mqueue rw,relatime,create=dir,optional 0 0"), 0);
        cr_assert_eq(custom_mount_parse_fstab_line(&l, "tmpfs /run/x tmpfs nosuid,nodev,size=1m"), 0);
        cr_assert_eq(l.n, 4);
        cr_assert_str_eq(l.items[0].destination, "/dev/fuse");
        cr_assert(l.items[0].create_file && l.items[0].optional);
        cr_assert_eq(l.items[0].flags, MS_BIND);
        cr_assert_null(l.items[0].type);
        cr_assert_str_eq(l.items[2].type, "mqueue");
        cr_assert_eq(l.items[2].flags, MS_RELATIME);
        cr_assert_null(l.items[2].options);
        cr_assert_eq(l.items[3].flags, MS_NOSUID | MS_NODEV);
        cr_assert_str_eq(l.items[3].options, "size=1m");
        s = custom_mount_to_string(&l.items[3]);
        cr_assert_str_eq(s, "tmpfs /run/x tmpfs rw,nosuid,nodev,size=1m");
        free(s);
        /* LXC features not built yet are refused, not ignored */
        cr_assert_eq(custom_mount_parse_fstab_line(&l, "/a b none bind,idmap=other 0 0"), -EOPNOTSUPP);
        cr_assert_eq(custom_mount_parse_fstab_line(&l, "/a b none bind,relative 0 0"), -EOPNOTSUPP);
        cr_assert_lt(custom_mount_parse_fstab_line(&l, "onlyone"), 0);
        cr_assert_lt(custom_mount_parse_fstab_line(&l, "relsrc dst none bind 0 0"), 0);
        cr_assert_lt(custom_mount_parse_fstab_line(&l, "/a ../../escape none bind 0 0"), 0);
        cr_assert_eq(l.n, 4);
        cr_assert_eq(custom_mount_parse_fstab_line(&l, "/a b none bind,idmap=container 0 0"), 0);
        cr_assert(l.items[4].idmap);
        custom_mounts_done(&l);
}

Test(custom_mount, list_is_bounded) {
        CustomMounts l = {};
        int r = 0;

        for (int i = 0; i <= CUSTOM_MOUNTS_MAX && r >= 0; i++)
                r = custom_mount_parse_tmpfs(&l, "/x");
        cr_assert_eq(r, -E2BIG);
        cr_assert_eq(l.n, CUSTOM_MOUNTS_MAX);
        custom_mounts_done(&l);
}

/* nsbootctl bind --options= shares these words with --bind. */
Test(custom_mount, bind_options) {
        CustomMount m = { .flags = MS_BIND | MS_REC };

        cr_assert_eq(custom_mount_parse_bind_options(&m, NULL), 0);
        cr_assert_eq(m.flags, MS_BIND | MS_REC);
        cr_assert(!m.idmap);
        cr_assert_eq(custom_mount_parse_bind_options(&m, "idmap,norbind"), 0);
        cr_assert(m.idmap);
        cr_assert_eq(m.flags, MS_BIND);
        cr_assert_eq(custom_mount_parse_bind_options(&m, "rbind,noidmap"), 0);
        cr_assert(!m.idmap);
        cr_assert_eq(m.flags, MS_BIND | MS_REC);
        cr_assert_eq(custom_mount_parse_bind_options(&m, "ro"), -EINVAL);
        cr_assert_eq(custom_mount_parse_bind_options(&m, "idmap,bogus"), -EINVAL);
}
