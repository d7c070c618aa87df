/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <linux/capability.h>

#include "caps.h"

#define BIT(c) (UINT64_C(1) << (c))

Test(caps, default_set_matches_nspawn) {
        uint64_t keep = caps_default_keep(false);

        cr_assert_eq(__builtin_popcountll(keep), 26);
        cr_assert(keep & BIT(CAP_SYS_ADMIN));
        cr_assert(keep & BIT(CAP_MKNOD));
        cr_assert(keep & BIT(CAP_SYS_BOOT));
        cr_assert(keep & BIT(CAP_SETPCAP));
}

Test(caps, host_wide_powers_never_kept) {
        static const int never[] = { CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_TIME, CAP_SYSLOG, CAP_MAC_ADMIN,
                                     CAP_MAC_OVERRIDE, CAP_BPF, CAP_PERFMON, CAP_SYS_PACCT, CAP_IPC_LOCK,
                                     CAP_WAKE_ALARM, CAP_BLOCK_SUSPEND, CAP_AUDIT_READ, CAP_CHECKPOINT_RESTORE };

        for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
                cr_assert(!(caps_default_keep(false) & BIT(never[i])), "cap %d kept", never[i]);
                cr_assert(!(caps_default_keep(true) & BIT(never[i])), "cap %d kept", never[i]);
        }
}

Test(caps, net_admin_only_with_private_network) {
        cr_assert(!(caps_default_keep(false) & BIT(CAP_NET_ADMIN)));
        cr_assert(caps_default_keep(true) & BIT(CAP_NET_ADMIN));
        cr_assert_eq(caps_default_keep(true) & ~BIT(CAP_NET_ADMIN), caps_default_keep(false));
}
