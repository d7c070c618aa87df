/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "config-rename.h"

static char *renamed(const char *text, const ConfigRename *r) {
        char *out = NULL;

        cr_assert_eq(config_rename_text(text, r, &out), 0);
        return out;
}

Test(config_rename, keys_with_the_name_or_path) {
        ConfigRename r = { .name = "web", .new_name = "web2", .directory = "/srv/m/web", .new_directory = "/srv/m/web2" };
        const char *in = "# web is here: lxc.uts.name = web\n"
                         "lxc.rootfs.path = dir:/srv/m/web\n"
                         "  lxc.uts.name   =  \"web\"  \n"
                         "nsboot.hostname = webby\n"
                         "nsboot.machine=web\n"
                         "lxc.log.file = /var/log/web/web.log\n"
                         "nsboot.console.logfile = /var/log/webserver.log\n"
                         "lxc.mount.entry = /srv/web srv none bind 0 0\n"
                         "not a key line\n"
                         "\n"
                         "lxc.start.order = 3";
        const char *want = "# web is here: lxc.uts.name = web\n"
                           "lxc.rootfs.path = dir:/srv/m/web2\n"
                           "  lxc.uts.name   =  \"web2\"  \n"
                           "nsboot.hostname = webby\n"
                           "nsboot.machine=web2\n"
                           "lxc.log.file = /var/log/web2/web2.log\n"
                           "nsboot.console.logfile = /var/log/webserver.log\n"
                           "lxc.mount.entry = /srv/web srv none bind 0 0\n"
                           "not a key line\n"
                           "\n"
                           "lxc.start.order = 3";
        char *out = renamed(in, &r);

        cr_assert_str_eq(out, want);
        free(out);
}

Test(config_rename, path_from_an_include_is_appended) {
        ConfigRename r = { .name = "a", .new_name = "b", .image = "/m/a.raw", .new_image = "/m/b.raw" };
        char *out = renamed("lxc.include = /etc/nsboot/common.conf", &r);

        cr_assert_str_eq(out, "lxc.include = /etc/nsboot/common.conf\nnsboot.image = /m/b.raw\n");
        free(out);
        /* The tree does not move: nothing to add. */
        r = (ConfigRename) { .name = "a", .new_name = "b" };
        out = renamed("nsboot.directory = /srv/golden\n", &r);
        cr_assert_str_eq(out, "nsboot.directory = /srv/golden\n");
        free(out);
}

Test(config_rename, new_macs_for_a_clone_only) {
        ConfigRename r = { .name = "a", .new_name = "b", .new_hwaddrs = true };
        const char *in = "lxc.net.0.hwaddr = 00:16:3e:12:34:56\n"
                         "nsboot.net.1.hwaddr = 02:aa:bb:cc:dd:ee\n"
                         "lxc.network.hwaddr = 00:16:3e:00:00:01\n"
                         "lxc.net.2.hwaddr = 00:16:3e:xx:xx:xx\n";
        char *out = renamed(in, &r), *lines[4], *save = NULL;

        lines[0] = strtok_r(out, "\n", &save);
        for (int i = 1; i < 4; i++)
                lines[i] = strtok_r(NULL, "\n", &save);
        cr_assert(strncmp(lines[0], "lxc.net.0.hwaddr = 00:16:3e:", 28) == 0 && strlen(lines[0]) == 36);
        cr_assert_str_neq(lines[0], "lxc.net.0.hwaddr = 00:16:3e:12:34:56");
        cr_assert(strncmp(lines[1], "nsboot.net.1.hwaddr = 02:aa:bb:", 31) == 0 && strlen(lines[1]) == 39);
        cr_assert_str_neq(lines[1], "nsboot.net.1.hwaddr = 02:aa:bb:cc:dd:ee");
        cr_assert(strncmp(lines[2], "lxc.network.hwaddr = 00:16:3e:", 30) == 0);
        cr_assert_str_neq(lines[2], "lxc.network.hwaddr = 00:16:3e:00:00:01");
        cr_assert_str_eq(lines[3], "lxc.net.2.hwaddr = 00:16:3e:xx:xx:xx");
        free(out);
        /* A rename keeps them. */
        r.new_hwaddrs = false;
        out = renamed(in, &r);
        cr_assert_str_eq(out, in);
        free(out);
}

Test(config_rename, path_components) {
        char *p = config_rename_path("/var/log/web/web.log", "web", "w");

        cr_assert_str_eq(p, "/var/log/w/w.log");
        free(p);
        p = config_rename_path("/web.d/webx/web", "web", "longer-name");
        cr_assert_str_eq(p, "/web.d/webx/longer-name");
        free(p);
        p = config_rename_path("web/web/web/web.x", "web", "a-much-longer-name");
        cr_assert_str_eq(p, "a-much-longer-name/a-much-longer-name/a-much-longer-name/a-much-longer-name.x");
        free(p);
}
