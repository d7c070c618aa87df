/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <signal.h>

#include "settings.h"
#include "stop.h"

#include "tmptree.h"

TestSuite(stop, .init = setup, .fini = teardown);

Test(stop, sigcgt_masks) {
        cr_assert(stop_mask_has_signal("0000000000000001", SIGHUP));
        cr_assert(!stop_mask_has_signal("0000000000000001", SIGINT));
        cr_assert(stop_mask_has_signal("0000000020000000", SIGPWR));
        cr_assert(stop_mask_has_signal("0000000400000000", 35), "SIGRTMIN+3 on Linux with glibc");
        cr_assert(stop_mask_has_signal("8000000000000000", 64));
        cr_assert(!stop_mask_has_signal("ffffffffffffffff", 0));
        cr_assert(!stop_mask_has_signal("ffffffffffffffff", 65));
        cr_assert(!stop_mask_has_signal("", SIGHUP));
        cr_assert(!stop_mask_has_signal("zz", SIGHUP));
}

Test(stop, plans_per_init) {
        Settings s = { .boot = true, .stop_timeout = 60 };
        StopPlan p;

        mk("/lib/systemd/systemd", "\177ELF", 0755);
        stop_plan_init(&p, &s, root_fd, "/lib/systemd/systemd");
        cr_assert(p.clean);
        cr_assert_eq(p.signals[STOP_POWEROFF], SIGRTMIN + 3);
        cr_assert_eq(p.signals[STOP_REBOOT], SIGINT);
        cr_assert_eq(p.force_signal, SIGKILL);
        cr_assert_eq(p.timeout_sec, 60);
        cr_assert_str_eq(stop_plan_name(&p), "systemd");

        mk("/sbin/init", "\177ELF ... /run/initctl ...", 0755);
        stop_plan_init(&p, &s, root_fd, "/sbin/init");
        cr_assert_eq(p.init, TREE_INIT_SYSVINIT);
        cr_assert_eq(p.signals[STOP_POWEROFF], 0, "sysvinit is asked through /run/initctl");
        cr_assert_eq(p.signals[STOP_REBOOT], 0);

        mk("/bin/busybox", "\177ELF", 0755);
        stop_plan_init(&p, &s, root_fd, "/bin/busybox");
        cr_assert_eq(p.signals[STOP_POWEROFF], SIGUSR2);
        cr_assert_eq(p.signals[STOP_REBOOT], SIGTERM);

        mk("/sbin/openrc-init", "\177ELF", 0755);
        stop_plan_init(&p, &s, root_fd, "/sbin/openrc-init");
        cr_assert_eq(p.signals[STOP_POWEROFF], SIGTERM);
        cr_assert_eq(p.signals[STOP_REBOOT], SIGINT);

        mk("/lib/runit/runit-init", "\177ELF", 0755);
        stop_plan_init(&p, &s, root_fd, "/lib/runit/runit-init");
        cr_assert_eq(p.init, TREE_INIT_RUNIT);
        cr_assert_eq(p.signals[STOP_POWEROFF], 0);

        mk("/sbin/tini", "\177ELF", 0755);
        stop_plan_init(&p, &s, root_fd, "/sbin/tini");
        cr_assert_eq(p.signals[STOP_POWEROFF], SIGPWR, "LXC's default for an unknown init");
        cr_assert_eq(p.signals[STOP_REBOOT], SIGINT);
}

Test(stop, overrides) {
        Settings s = { .boot = true, .kill_signal = SIGTERM, .reboot_signal = SIGHUP, .stop_signal = SIGQUIT };
        StopPlan p;

        mk("/sbin/init", "\177ELF /run/initctl", 0755);
        stop_plan_init(&p, &s, root_fd, "/sbin/init");
        cr_assert_eq(p.signals[STOP_POWEROFF], SIGTERM, "lxc.signal.halt replaces the initctl request");
        cr_assert_eq(p.signals[STOP_REBOOT], SIGHUP, "lxc.signal.reboot replaces the initctl request");
        cr_assert_eq(p.force_signal, SIGQUIT);
}

Test(stop, commands) {
        Settings plain = {}, pid2 = { .as_pid2 = true, .kill_signal = 0 };
        StopPlan p;

        stop_plan_init(&p, &plain, root_fd, NULL);
        cr_assert(!p.clean, "a plain command has no clean stop");
        cr_assert_str_eq(stop_plan_name(&p), "the command");
        stop_plan_init(&p, &pid2, root_fd, NULL);
        cr_assert(p.clean);
        cr_assert(p.stub);
        cr_assert_str_eq(stop_plan_name(&p), "stub init");
}
