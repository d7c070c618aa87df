/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "userns-mount.h"

static IdMap one_range(uint32_t inside, uint32_t outside, uint32_t count) {
        IdMap m = { .n_uid = 1, .n_gid = 1 };

        m.uid[0] = m.gid[0] = (IdMapEntry) { .inside = inside, .outside = outside, .count = count };
        return m;
}

Test(userns_mount, host_root_line_added) {
        IdMap m = one_range(0, 1773928448, 65536);
        char *text;

        userns_mount_add_host_root(&m);
        cr_assert_eq(m.n_uid, 2);
        cr_assert_eq(m.n_gid, 2);
        text = idmap_format(m.uid, m.n_uid);
        cr_assert_str_eq(text, "0 1773928448 65536\n2147483646 0 1\n");
        free(text);
}

Test(userns_mount, host_root_line_never_clashes) {
        IdMap identity = one_range(0, 0, 65536), high = one_range(2147483000, 300000, 1000), full = {};

        userns_mount_add_host_root(&identity);
        cr_assert_eq(identity.n_uid, 1, "host uid 0 is mapped already");
        userns_mount_add_host_root(&high);
        cr_assert_eq(high.n_uid, 1, "the guest's ids already use 2147483646");
        for (unsigned i = 0; i < IDMAP_MAX; i++)
                full.uid[i] = full.gid[i] = (IdMapEntry) { .inside = i, .outside = 100000 + i, .count = 1 };
        full.n_uid = full.n_gid = IDMAP_MAX;
        userns_mount_add_host_root(&full);
        cr_assert_eq(full.n_uid, IDMAP_MAX);
}
