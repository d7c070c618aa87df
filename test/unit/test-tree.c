/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "basic/fs-util.h"
#include "tree.h"

#include "tmptree.h"

TestSuite(tree, .init = setup, .fini = teardown);

Test(tree, no_init_no_os_release) {
        const char *init;

        cr_assert(!tree_has_os_release(root_fd));
        cr_assert_eq(tree_find_init(root_fd, &init), -ENOENT);
}

Test(tree, systemd_is_preferred) {
        const char *init;

        mk("/sbin/init", "#!/bin/sh\n", 0755);
        mk("/lib/systemd/systemd", "", 0755);
        mk("/usr/lib/os-release", "ID=test\n", 0644);
        cr_assert(tree_has_os_release(root_fd));
        cr_assert_eq(tree_find_init(root_fd, &init), 0);
        cr_assert_str_eq(init, "/lib/systemd/systemd");
}

Test(tree, non_executable_init_is_skipped) {
        const char *init;

        mk("/usr/lib/systemd/systemd", "", 0644);
        mk("/sbin/init", "", 0755);
        cr_assert_eq(tree_find_init(root_fd, &init), 0);
        cr_assert_str_eq(init, "/sbin/init");
}

/* /sbin/init -> /lib/systemd/systemd must resolve inside the tree, never on the host, and a merged
 * /usr (sbin -> usr/sbin) must work. */
Test(tree, absolute_symlinks_stay_inside) {
        const char *init;

        mk("/usr/sbin/real-init", "", 0755);
        ln("usr/sbin", "/sbin");
        ln("/sbin/real-init", "/usr/sbin/init");
        cr_assert_eq(tree_find_init(root_fd, &init), 0);
        cr_assert_str_eq(init, "/sbin/init");
        ln("/../../../../bin/sh", "/usr/lib/systemd/systemd");
        cr_assert_eq(tree_find_init(root_fd, &init), 0);
        cr_assert_str_eq(init, "/sbin/init", "a symlink escaping the tree was followed");
}

Test(tree, machine_id) {
        Id128 id;

        cr_assert_eq(tree_read_machine_id(root_fd, &id), -ENOMEDIUM);
        mk("/etc/machine-id", "uninitialized\n", 0444);
        cr_assert_eq(tree_read_machine_id(root_fd, &id), -ENOMEDIUM);
        mk("/etc/machine-id", "", 0444);
        cr_assert_eq(tree_read_machine_id(root_fd, &id), -ENOMEDIUM);
        mk("/etc/machine-id", "garbage\n", 0444);
        cr_assert_eq(tree_read_machine_id(root_fd, &id), -EBADMSG);
        mk("/etc/machine-id", "0123456789abcdef0123456789abcdef\n", 0444);
        cr_assert_eq(tree_read_machine_id(root_fd, &id), 0);
        cr_assert(id128_equal(id, ID128_MAKE(01, 23, 45, 67, 89, ab, cd, ef, 01, 23, 45, 67, 89, ab, cd, ef)));
}

Test(tree, init_kinds) {
        mk("/lib/systemd/systemd", "\177ELF /run/initctl", 0755);
        mk("/bin/busybox", "\177ELF /dev/initctl", 0755);
        mk("/sbin/openrc-init", "", 0755);
        mk("/sbin/runit-init", "", 0755);
        mk("/sbin/sysvinit", "\177ELF ... /run/initctl ...", 0755);
        mk("/sbin/oldsysvinit", "\177ELF ... /dev/initctl", 0755);
        mk("/sbin/tini", "\177ELF /run/init", 0755);
        mk("/sbin/noexec", "/run/initctl", 0644);
        ln("/lib/systemd/systemd", "/sbin/init");
        cr_assert_eq(tree_init_kind(root_fd, "/sbin/init"), TREE_INIT_SYSTEMD);
        cr_assert_eq(tree_init_kind(root_fd, "/lib/systemd/systemd"), TREE_INIT_SYSTEMD);
        ln("../bin/busybox", "/sbin/bbinit");
        cr_assert_eq(tree_init_kind(root_fd, "/sbin/bbinit"), TREE_INIT_BUSYBOX);
        cr_assert_eq(tree_init_kind(root_fd, "/sbin/openrc-init"), TREE_INIT_OPENRC);
        ln("/sbin/runit-init", "/sbin/rinit");
        cr_assert_eq(tree_init_kind(root_fd, "/sbin/rinit"), TREE_INIT_RUNIT);
        cr_assert_eq(tree_init_kind(root_fd, "/sbin/sysvinit"), TREE_INIT_SYSVINIT);
        cr_assert_eq(tree_init_kind(root_fd, "/sbin/oldsysvinit"), TREE_INIT_SYSVINIT);
        cr_assert_eq(tree_init_kind(root_fd, "/sbin/tini"), TREE_INIT_OTHER);
        cr_assert_eq(tree_init_kind(root_fd, "/sbin/noexec"), TREE_INIT_OTHER);
        cr_assert_eq(tree_init_kind(root_fd, "/sbin/missing"), TREE_INIT_OTHER);
        cr_assert_str_eq(tree_init_kind_to_string(TREE_INIT_RUNIT), "runit");
}

/* A name split across two reads of 64 KiB is still found. */
Test(tree, init_kind_string_across_reads) {
        static char big[65536 + 64];

        memset(big, 'x', sizeof big - 1);
        memcpy(big + 65536 - 5, "/run/initctl", 12);
        mk("/sbin/init", big, 0755);
        cr_assert_eq(tree_init_kind(root_fd, "/sbin/init"), TREE_INIT_SYSVINIT);
}

/* A FIFO where a file belongs is never opened for reading: that would block until a writer came. */
Test(tree, fifo_not_opened, .timeout = 10) {
        char p[256];
        Id128 id;
        int fd = -1;

        mk("/etc/hostname", "x\n", 0644);
        snprintf(p, sizeof p, "%s/etc/machine-id", root);
        cr_assert_eq(mkfifo(p, 0644), 0);
        snprintf(p, sizeof p, "%s/etc/os-release", root);
        cr_assert_eq(mkfifo(p, 0644), 0);
        cr_assert_eq(tree_read_machine_id(root_fd, &id), -EBADMSG);
        cr_assert(!tree_has_os_release(root_fd));
        cr_assert_eq(tree_open_regular(root_fd, "/etc/os-release", &fd), -EBADFD);
        cr_assert_eq(tree_open_regular(root_fd, "/etc", &fd), -EISDIR);
        cr_assert_eq(tree_open_regular(root_fd, "/etc/hostname", &fd), 0);
        close(fd);
}

static int count_made(const char *dir, void *userdata) {
        char **log = userdata;
        size_t n = strlen(*log);

        *log = realloc(*log, n + strlen(dir) + 2);
        sprintf(*log + n, "%s;", dir + strlen(root));
        return 0;
}

/* mkdir_p_made(): the deepest level first; each level made reported once, parents first; an existing
 * path is 0 and reports nothing; a file in the way is an error. */
Test(tree, mkdir_p_made) {
        char p[256], *log = calloc(1, 1);

        snprintf(p, sizeof p, "%s/a/b/c/", root);
        cr_assert_eq(mkdir_p_made(p, 0755, count_made, &log), 1);
        cr_assert_str_eq(log, "/a;/a/b;/a/b/c/;");
        log[0] = 0;
        cr_assert_eq(mkdir_p_made(p, 0755, count_made, &log), 0);
        snprintf(p, sizeof p, "%s/a/b/d", root);
        cr_assert_eq(mkdir_p_made(p, 0755, count_made, &log), 1);
        cr_assert_str_eq(log, "/a/b/d;");
        cr_assert_eq(mkdir_p(p, 0755), 0);
        mk("/f", "", 0644);
        snprintf(p, sizeof p, "%s/f/x/y", root);
        cr_assert_eq(mkdir_p(p, 0755), -ENOTDIR);
        free(log);
}

/* Only the last level gets the mode: a private directory never makes its parents private. */
Test(tree, mkdir_p_parents_0755) {
        char p[256];
        struct stat st;
        mode_t old = umask(0);

        snprintf(p, sizeof p, "%s/run/nsboot/cache", root);
        cr_assert_eq(mkdir_p(p, 0700), 0);
        umask(old);
        cr_assert_eq(stat(p, &st), 0);
        cr_assert_eq(st.st_mode & 07777, 0700);
        snprintf(p, sizeof p, "%s/run/nsboot", root);
        cr_assert_eq(stat(p, &st), 0);
        cr_assert_eq(st.st_mode & 07777, 0755);
        snprintf(p, sizeof p, "%s/run", root);
        cr_assert_eq(stat(p, &st), 0);
        cr_assert_eq(st.st_mode & 07777, 0755);
}
