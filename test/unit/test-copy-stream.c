/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host's side of nsbootctl copy-from against streams a hostile guest could send: each is made
 * with libarchive here, fed to copy_stream_receive() in a fresh directory, and what it wrote (or
 * refused) is checked, also outside that directory. */
#include <archive.h>
#include <archive_entry.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "basic/macro.h"
#include "copy-stream.h"

#include "tmptree.h"

static char cwd_before[4096];

static void init(void) {
        setup();
        cr_assert(getcwd(cwd_before, sizeof cwd_before));
        cr_assert_eq(mkdirat(root_fd, "outside", 0755), 0);
        cr_assert_eq(mkdirat(root_fd, "dest", 0755), 0);
        cr_assert_eq(copy_stream_load(), 0);
}

static void fini(void) {
        cr_assert_eq(chdir(cwd_before), 0);
        teardown();
}

TestSuite(copy_stream, .init = init, .fini = fini);

typedef struct Entry {
        const char *name;
        mode_t type;            /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR; 0: a hard link */
        mode_t perm;
        const char *target;     /* symlink or hard link */
        const char *data;
        const char *xattr_name, *xattr_value;
} Entry;

/* Writes the entries as a pax archive into a file and returns it open for reading. */
static int make_stream(const Entry *entries, size_t n) {
        char path[4096];
        struct archive *a = archive_write_new();
        int fd;

        snprintf(path, sizeof path, "%s/stream.tar", root);
        cr_assert_eq(archive_write_set_format_pax(a), ARCHIVE_OK);
        cr_assert_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
        for (size_t i = 0; i < n; i++) {
                struct archive_entry *e = archive_entry_new();
                size_t len = entries[i].data ? strlen(entries[i].data) : 0;

                archive_entry_set_pathname(e, entries[i].name);
                archive_entry_set_filetype(e, entries[i].type ?: AE_IFREG);
                archive_entry_set_perm(e, entries[i].perm ?: 0644);
                archive_entry_set_size(e, len);
                if (entries[i].type == AE_IFLNK)
                        archive_entry_set_symlink(e, entries[i].target);
                if (entries[i].type == 0 && entries[i].target)
                        archive_entry_set_hardlink(e, entries[i].target);
                if (entries[i].type == AE_IFCHR)
                        archive_entry_set_rdev(e, makedev(1, 5));
                if (entries[i].xattr_name)
                        archive_entry_xattr_add_entry(e, entries[i].xattr_name, entries[i].xattr_value,
                                                      strlen(entries[i].xattr_value));
                cr_assert_geq(archive_write_header(a, e), ARCHIVE_WARN);
                if (len > 0)
                        cr_assert_eq(archive_write_data(a, entries[i].data, len), (la_ssize_t) len);
                archive_entry_free(e);
        }
        cr_assert_eq(archive_write_close(a), ARCHIVE_OK);
        archive_write_free(a);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        cr_assert_geq(fd, 0);
        return fd;
}

/* Receives the entries into ROOT/dest as copy-from does. */
static int receive(const Entry *entries, size_t n) {
        int fd = make_stream(entries, n), r;

        cr_assert_eq(fchdir(root_fd), 0);
        cr_assert_eq(chdir("dest"), 0);
        r = copy_stream_receive(fd, &(CopyPolicy) { .untrusted = true });
        close(fd);
        return r;
}

static bool exists(const char *path) {
        struct stat st;

        return fstatat(root_fd, path, &st, AT_SYMLINK_NOFOLLOW) >= 0;
}

Test(copy_stream, a_plain_tree) {
        const Entry e[] = {
                { "data/", AE_IFDIR, 0750 },
                { "data/f", AE_IFREG, 0640, .data = "hello" },
                { "data/l", AE_IFLNK, 0777, .target = "/etc/shadow" },
                { "data/h", 0, 0, .target = "data/f" },
        };
        struct stat a, b;
        char buf[64] = {};

        cr_assert_eq(receive(e, ELEMENTSOF(e)), 0);
        cr_assert_eq(fstatat(root_fd, "dest/data/f", &a, 0), 0);
        cr_assert_eq(fstatat(root_fd, "dest/data/h", &b, 0), 0);
        cr_assert_eq(a.st_ino, b.st_ino);
        cr_assert_eq(a.st_mode & 07777, 0640);
        cr_assert_eq(readlinkat(root_fd, "dest/data/l", buf, sizeof buf - 1), 11);
        cr_assert_str_eq(buf, "/etc/shadow");
        cr_assert_eq(fstatat(root_fd, "dest/data", &a, 0), 0);
        cr_assert_eq(a.st_mode & 07777, 0750);
}

Test(copy_stream, dotdot_is_refused) {
        const Entry e[] = {
                { "data/", AE_IFDIR, 0755 },
                { "data/../../outside/escaped", AE_IFREG, 0644, .data = "x" },
        };

        cr_assert_eq(receive(e, ELEMENTSOF(e)), -EBADMSG);
        cr_assert(!exists("outside/escaped"));
}

Test(copy_stream, absolute_names_are_refused) {
        char name[4096];

        snprintf(name, sizeof name, "%s/outside/abs", root);
        const Entry e[] = { { name, AE_IFREG, 0644, .data = "x" } };

        cr_assert_eq(receive(e, ELEMENTSOF(e)), -EBADMSG);
        cr_assert(!exists("outside/abs"));
}

Test(copy_stream, names_outside_the_root_are_refused) {
        const Entry first[] = { { "other", AE_IFREG, 0644, .data = "x" } };
        const Entry later[] = {
                { "data/", AE_IFDIR, 0755 },
                { "datax", AE_IFREG, 0644, .data = "x" },
        };
        const Entry dot[] = {
                { "data/", AE_IFDIR, 0755 },
                { "data/./x", AE_IFREG, 0644, .data = "x" },
        };

        cr_assert_eq(receive(first, ELEMENTSOF(first)), -EBADMSG);
        cr_assert_eq(receive(later, ELEMENTSOF(later)), -EBADMSG);
        cr_assert(!exists("dest/datax"));
        cr_assert_eq(receive(dot, ELEMENTSOF(dot)), -EBADMSG);
}

Test(copy_stream, no_write_through_a_symlink_of_the_stream) {
        char target[4096];

        snprintf(target, sizeof target, "%s/outside", root);
        const Entry e[] = {
                { "data/", AE_IFDIR, 0755 },
                { "data/l", AE_IFLNK, 0777, .target = target },
                { "data/l/planted", AE_IFREG, 0644, .data = "x" },
        };
        const Entry rel[] = {
                { "data/", AE_IFDIR, 0755 },
                { "data/l", AE_IFLNK, 0777, .target = "../../outside" },
                { "data/l/planted2", AE_IFREG, 0644, .data = "x" },
        };

        cr_assert_lt(receive(e, ELEMENTSOF(e)), 0);
        cr_assert(!exists("outside/planted"));
        cr_assert_eq(fchdir(root_fd), 0);
        cr_assert_eq(system("rm -rf dest/data"), 0);
        cr_assert_lt(receive(rel, ELEMENTSOF(rel)), 0);
        cr_assert(!exists("outside/planted2"));
}

/* NO_OVERWRITE: the second "data/d" is not made (a warning), so nothing goes through it, and the
 * deferred chmod of the directory stays on the directory. */
Test(copy_stream, a_directory_is_not_replaced_by_a_symlink) {
        char target[4096];

        snprintf(target, sizeof target, "%s/outside", root);
        const Entry e[] = {
                { "data/", AE_IFDIR, 0755 },
                { "data/d", AE_IFDIR, 0700 },
                { "data/d", AE_IFLNK, 0777, .target = target },
                { "data/d/planted", AE_IFREG, 0644, .data = "x" },
        };
        struct stat st;

        (void) receive(e, ELEMENTSOF(e));
        cr_assert(!exists("outside/planted"));
        cr_assert_eq(fstatat(root_fd, "dest/data/d", &st, AT_SYMLINK_NOFOLLOW), 0);
        cr_assert(S_ISDIR(st.st_mode));
        cr_assert_eq(fstatat(root_fd, "outside", &st, 0), 0);
        cr_assert_eq(st.st_mode & 07777, 0755, "the deferred chmod of data/d reached outside");
}

Test(copy_stream, hard_links_out_of_the_stream_are_refused) {
        const Entry abs[] = {
                { "data/", AE_IFDIR, 0755 },
                { "data/h", 0, 0, .target = "/etc/passwd" },
        };
        const Entry up[] = {
                { "data/", AE_IFDIR, 0755 },
                { "data/h", 0, 0, .target = "data/../stream.tar" },
        };

        cr_assert_eq(receive(abs, ELEMENTSOF(abs)), -EBADMSG);
        cr_assert(!exists("dest/data/h"));
        cr_assert_eq(fchdir(root_fd), 0);
        cr_assert_eq(system("rm -rf dest/data"), 0);
        cr_assert_eq(receive(up, ELEMENTSOF(up)), -EBADMSG);
        cr_assert(!exists("dest/data/h"));
}

Test(copy_stream, devices_and_fifos_are_skipped) {
        const Entry e[] = {
                { "data/", AE_IFDIR, 0755 },
                { "data/zero", AE_IFCHR, 0666 },
                { "data/fifo", AE_IFIFO, 0666 },
                { "data/f", AE_IFREG, 0644, .data = "ok" },
        };

        cr_assert_eq(receive(e, ELEMENTSOF(e)), 0);
        cr_assert(!exists("dest/data/zero"));
        cr_assert(!exists("dest/data/fifo"));
        cr_assert(exists("dest/data/f"));
}

Test(copy_stream, setuid_and_host_xattrs_are_dropped) {
        const Entry suid[] = { { "data", AE_IFREG, 06755, .data = "x", .xattr_name = "security.capability",
                                 .xattr_value = "\x01\x00\x00\x02\x00\x20\x00\x00" } };
        const Entry trusted[] = { { "data", AE_IFREG, 0644, .data = "x", .xattr_name = "trusted.x",
                                    .xattr_value = "guest" } };
        const Entry user[] = { { "data", AE_IFREG, 0644, .data = "x", .xattr_name = "user.ok", .xattr_value = "yes" } };
        char path[4096], value[16] = {};
        struct stat st;

        snprintf(path, sizeof path, "%s/dest/data", root);
        cr_assert_eq(receive(suid, 1), 0);
        cr_assert_eq(stat(path, &st), 0);
        cr_assert_eq(st.st_mode & 07777, 0755);
        cr_assert_lt(getxattr(path, "security.capability", value, sizeof value), 0);
        cr_assert_eq(unlink(path), 0);
        cr_assert_eq(receive(trusted, 1), 0);
        cr_assert_lt(getxattr(path, "trusted.x", value, sizeof value), 0);
        cr_assert_eq(unlink(path), 0);
        cr_assert_eq(receive(user, 1), 0);
        cr_assert_eq(getxattr(path, "user.ok", value, sizeof value), 3);
}

Test(copy_stream, empty_and_garbage_streams_fail) {
        int fds[2];

        cr_assert_eq(pipe(fds), 0);
        close(fds[1]);
        cr_assert_eq(fchdir(root_fd), 0);
        cr_assert_lt(copy_stream_receive(fds[0], &(CopyPolicy) { .untrusted = true }), 0);
        close(fds[0]);
        cr_assert_eq(pipe(fds), 0);
        cr_assert_eq(write(fds[1], "garbage, not a tar header at all\n", 33), 33);
        close(fds[1]);
        cr_assert_lt(copy_stream_receive(fds[0], &(CopyPolicy) { .untrusted = true }), 0);
        close(fds[0]);
        cr_assert(!exists("data"));
}

Test(copy_stream, id_maps) {
        CopyIdRange *l = NULL;
        size_t n = 0;

        cr_assert_eq(copy_id_ranges_parse("         0     100000      65536\n  70000 200000 5\n", &l, &n), 0);
        cr_assert_eq(n, 2);
        cr_assert_eq(l[0].first, 0);
        cr_assert_eq(l[0].count, 65536);
        cr_assert_eq(l[1].first, 70000);
        cr_assert_eq(l[1].count, 5);
        free(l);
}
