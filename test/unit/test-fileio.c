/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "basic/fileio.h"

typedef struct JsonCase {
        const char *in, *out;
} JsonCase;

/* Valid UTF-8 passes as it is; each byte of an invalid sequence is one U+FFFD, as systemd's
 * utf8_escape_invalid() makes it, so that the output is always valid JSON. */
static const JsonCase json_cases[] = {
        { "web", "\"web\"" },
        { "a\"b\\c", "\"a\\\"b\\\\c\"" },
        { "tab\there\n", "\"tab\\u0009here\\u000a\"" },
        { "\x7f", "\"\x7f\"" },
        { "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
          "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"" },
        { "/srv/tree-\xff", "\"/srv/tree-\\ufffd\"" },
        { "\xc3" "ok", "\"\\ufffdok\"" },                             /* a lead byte alone */
        { "end\xc3", "\"end\\ufffd\"" },                              /* ... at the end */
        { "\xe2\x82x", "\"\\ufffd\\ufffdx\"" },                       /* a sequence cut short */
        { "\x80\xbf", "\"\\ufffd\\ufffd\"" },                         /* continuation bytes alone */
        { "\xc0\xaf", "\"\\ufffd\\ufffd\"" },                         /* an overlong '/' */
        { "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },              /* an overlong '/' in three */
        { "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },              /* a UTF-16 surrogate */
        { "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },   /* above U+10FFFF */
        { "\xf8\x88\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* five bytes */
};

/* json_string(s) into a string. */
static char *json_of(const char *s) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        cr_assert_not_null(f);
        json_string(f, s);
        cr_assert_eq(fclose(f), 0);
        return buf;
}

Test(fileio, json_string) {
        for (size_t i = 0; i < sizeof json_cases / sizeof json_cases[0]; i++) {
                char *out = json_of(json_cases[i].in);

                cr_expect_str_eq(out, json_cases[i].out, "case %zu", i);
                free(out);
        }
}

Test(fileio, json_string_null) {
        char *out = json_of(NULL);

        cr_assert_str_eq(out, "\"\"");
        free(out);
}
