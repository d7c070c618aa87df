/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "userns.h"

Test(userns, parse_mode) {
        UserNsConfig c = {};

        cr_assert_eq(userns_parse_mode("pick", &c), 0);
        cr_assert_eq(c.mode, USERNS_PICK);
        cr_assert_eq(userns_parse_mode("no", &c), 0);
        cr_assert_eq(c.mode, USERNS_NO);
        cr_assert_eq(userns_parse_mode("yes", &c), 0);
        cr_assert_eq(c.mode, USERNS_YES);
        cr_assert_eq(userns_parse_mode("identity", &c), 0);
        cr_assert_eq(c.mode, USERNS_IDENTITY);
        cr_assert_eq(userns_parse_mode("1179648", &c), 0);
        cr_assert_eq(c.mode, USERNS_FIXED);
        cr_assert_eq(c.base, 1179648);
        cr_assert_eq(c.size, 65536);
        cr_assert_eq(userns_parse_mode("200000:1000", &c), 0);
        cr_assert_eq(c.base, 200000);
        cr_assert_eq(c.size, 1000);
        cr_assert_lt(userns_parse_mode("0:65536", &c), 0, "base 0 would make the guest's root the host's");
        cr_assert_lt(userns_parse_mode("10:0", &c), 0);
        cr_assert_lt(userns_parse_mode("4294967295:2", &c), 0);
        cr_assert_lt(userns_parse_mode("abc", &c), 0);
        cr_assert_lt(userns_parse_mode("", &c), 0);
        cr_assert_lt(userns_parse_mode("1:2:3", &c), 0);
}

Test(userns, idmap_lines) {
        IdMap m = {};

        cr_assert_eq(userns_parse_idmap_line("u 0 100000 65536", &m), 0);
        cr_assert_eq(userns_parse_idmap_line("g 0 200000 65536", &m), 0);
        cr_assert_eq(m.n_uid, 1);
        cr_assert_eq(m.n_gid, 1);
        cr_assert_eq(idmap_to_host(m.uid, m.n_uid, 0), 100000);
        cr_assert_eq(idmap_to_host(m.gid, m.n_gid, 65535), 265535);
        cr_assert_eq(idmap_to_host(m.uid, m.n_uid, 65536), UINT32_MAX);
        cr_assert_eq(idmap_check(&m), 0);
        cr_assert_eq(userns_parse_idmap_line("b 70000 300000 10", &m), 0);
        cr_assert_eq(m.n_uid, 2);
        cr_assert_eq(m.n_gid, 2);
        cr_assert_eq(idmap_to_host(m.uid, m.n_uid, 70005), 300005);
        char *s = idmap_format(m.uid, m.n_uid);
        cr_assert_str_eq(s, "0 100000 65536\n70000 300000 10\n");
        free(s);
        cr_assert_lt(userns_parse_idmap_line("x 0 1 1", &m), 0);
        cr_assert_lt(userns_parse_idmap_line("u 0 100000", &m), 0);
        cr_assert_lt(userns_parse_idmap_line("u 0 100000 0", &m), 0);
        cr_assert_lt(userns_parse_idmap_line("u 0 100000 65536 junk", &m), 0);
        cr_assert_lt(userns_parse_idmap_line("u 4294967295 1 2", &m), 0);
}

Test(userns, idmap_checks) {
        IdMap m = {};

        cr_assert_eq(userns_parse_idmap_line("u 1 100000 65535", &m), 0);
        cr_assert_eq(userns_parse_idmap_line("g 0 100000 65536", &m), 0);
        cr_assert_eq(idmap_check(&m), -ENOENT, "root's uid is not mapped");
        cr_assert_eq(userns_parse_idmap_line("u 0 200000 1", &m), 0);
        cr_assert_eq(idmap_check(&m), 0);
        cr_assert_eq(userns_parse_idmap_line("u 5 300000 10", &m), 0);
        cr_assert_eq(idmap_check(&m), -ENOTUNIQ, "inside ranges overlap");
        m = (IdMap) {};
        cr_assert_eq(userns_parse_idmap_line("b 0 100000 10", &m), 0);
        cr_assert_eq(userns_parse_idmap_line("b 10 100005 10", &m), 0);
        cr_assert_eq(idmap_check(&m), -ENOTUNIQ, "host ranges overlap");
        for (int i = 0; i < IDMAP_CONFIG_MAX - 2; i++)
                cr_assert_eq(userns_parse_idmap_line("u 100 1000 1", &m), 0);
        cr_assert_eq(userns_parse_idmap_line("u 100 1000 1", &m), -E2BIG);
}

Test(userns, idmap_punch) {
        IdMapEntry e[IDMAP_MAX] = { { 0, 524288, 65536 } };
        unsigned n = 1;
        char *s;

        cr_assert_eq(idmap_punch(e, &n, 60514, 1000), 0);
        cr_assert_eq(idmap_punch(e, &n, 60515, 1001), 0);
        s = idmap_format(e, n);
        cr_assert_str_eq(s, "0 524288 60514\n60514 1000 1\n60515 1001 1\n60516 584804 5020\n");
        free(s);
        cr_assert_eq(idmap_punch(e, &n, 100000, 2000), -ERANGE, "an id no range maps");
        cr_assert_eq(idmap_punch(e, &n, 5, 524300), -EEXIST, "a host id the guest has already");
        cr_assert_eq(idmap_punch(e, &n, 60516, 1000), -EEXIST, "a host id bound already");
        /* at the edges of a range: nothing left below, or above */
        IdMapEntry f[IDMAP_MAX] = { { 0, 100000, 10 } };
        n = 1;
        cr_assert_eq(idmap_punch(f, &n, 0, 7), 0);
        cr_assert_eq(idmap_punch(f, &n, 9, 8), 0);
        s = idmap_format(f, n);
        cr_assert_str_eq(s, "0 7 1\n1 100001 8\n9 8 1\n");
        free(s);
        IdMapEntry g[IDMAP_MAX];
        for (unsigned i = 0; i < IDMAP_MAX - 1; i++)
                g[i] = (IdMapEntry) { i * 10, 100000 + i * 10, 10 };
        n = IDMAP_MAX - 1;
        cr_assert_eq(idmap_punch(g, &n, 5, 7), -E2BIG, "a full map");
}

Test(userns, idfile_text_has_ids) {
        const char *text = "root:x:0:0:root:/root:/bin/sh\nbad:x:abc:1::/:/bin/sh\nshort:x\n"
                           "alice:x:60514:60514::/home/alice:/bin/sh\nlast:x:70000:1";

        cr_assert(idfile_text_has_ids(text, 60514, 1));
        cr_assert(!idfile_text_has_ids(text, 60515, 1));
        cr_assert(idfile_text_has_ids(text, 60000, 1000), "a range");
        cr_assert(idfile_text_has_ids(text, 0, 1), "the first line");
        cr_assert(idfile_text_has_ids(text, 70000, 1), "a last line without a newline");
        cr_assert(!idfile_text_has_ids(text, 1, 1), "the fourth field is not the id");
        cr_assert(!idfile_text_has_ids("", 0, 100000));
        cr_assert(!idfile_text_has_ids(NULL, 0, 100000));
}

static char *write_temp(const char *content) {
        char *path = strdup("/tmp/test-userns.XXXXXX");
        int fd = mkstemp(path);

        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, content, strlen(content)), (ssize_t) strlen(content));
        close(fd);
        return path;
}

Test(userns, subid) {
        uint32_t start, count;
        char *p;

        p = write_temp("alice:100000:65536\nroot:2000000:655360\n");
        cr_assert_eq(userns_read_subid(p, &start, &count), 0);
        cr_assert_eq(start, 2000000);
        cr_assert_eq(count, 655360);
        unlink(p);
        free(p);
        p = write_temp("root:2000000:655360\nbroken line\nnsboot:3000000:131072\n");
        cr_assert_eq(userns_read_subid(p, &start, &count), 0, "nsboot's own line wins");
        cr_assert_eq(start, 3000000);
        cr_assert_eq(count, 131072);
        unlink(p);
        free(p);
        p = write_temp("alice:100000:65536\n");
        cr_assert_eq(userns_read_subid(p, &start, &count), -ENOENT);
        unlink(p);
        free(p);
        cr_assert_eq(userns_read_subid("/nonexistent/subuid", &start, &count), -ENOENT);
}
