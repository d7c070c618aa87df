/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "basic/macro.h"
#include "caps.h"
#include "log.h"

/* What a full OS needs to run its services, and no more: not SYS_MODULE, SYS_RAWIO, SYS_TIME,
 * SYSLOG, MAC_*, BPF, PERFMON and the like, which act on the whole host kernel. */
static const int default_caps[] = {
        CAP_AUDIT_CONTROL, CAP_AUDIT_WRITE,  CAP_CHOWN,        CAP_DAC_OVERRIDE,     CAP_DAC_READ_SEARCH,
        CAP_FOWNER,        CAP_FSETID,       CAP_IPC_OWNER,    CAP_KILL,             CAP_LEASE,
        CAP_LINUX_IMMUTABLE, CAP_MKNOD,      CAP_NET_BIND_SERVICE, CAP_NET_BROADCAST, CAP_NET_RAW,
        CAP_SETFCAP,       CAP_SETGID,       CAP_SETPCAP,      CAP_SETUID,           CAP_SYS_ADMIN,
        CAP_SYS_BOOT,      CAP_SYS_CHROOT,   CAP_SYS_NICE,     CAP_SYS_PTRACE,       CAP_SYS_RESOURCE,
        CAP_SYS_TTY_CONFIG,
};

uint64_t caps_default_keep(bool private_network) {
        uint64_t keep = 0;

        for (size_t i = 0; i < ELEMENTSOF(default_caps); i++)
                keep |= UINT64_C(1) << default_caps[i];
        /* Only its own network namespace: configuring it cannot touch the host's interfaces. */
        if (private_network)
                keep |= UINT64_C(1) << CAP_NET_ADMIN;
        return keep;
}

uint64_t caps_effective(bool private_network, uint64_t add, uint64_t drop, uint64_t keep) {
        uint64_t base = keep & CAPS_KEEP_SET ? keep & ~CAPS_KEEP_SET : caps_default_keep(private_network) | add;

        return base & ~drop;
}

static int cap_lookup(const char *name, cap_value_t *ret) {
        _cleanup_free_ char *lower = strdup(name), *prefixed = NULL;

        if (!lower)
                return -ENOMEM;
        for (char *p = lower; *p; p++)
                *p = (char) tolower((unsigned char) *p);
        if (cap_from_name(lower, ret) >= 0)
                return 0;
        /* LXC writes them without the prefix: "sys_admin". */
        if (asprintf(&prefixed, "cap_%s", lower) < 0)
                return -ENOMEM;
        return cap_from_name(prefixed, ret) >= 0 ? 0 : -EINVAL;
}

int caps_from_string(const char *s, uint64_t *ret) {
        _cleanup_free_ char *copy = strdup(s);
        uint64_t mask = 0;
        char *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
                cap_value_t c;
                int r;

                if (streq(w, "all")) {
                        mask |= cap_max_bits() >= 63 ? ~CAPS_KEEP_SET : (UINT64_C(1) << cap_max_bits()) - 1;
                        continue;
                }
                r = cap_lookup(w, &c);
                if (r < 0)
                        return r;
                mask |= UINT64_C(1) << c;
        }
        if (mask == 0)
                return -EINVAL;
        *ret = mask;
        return 0;
}

int caps_to_string(uint64_t mask, char **ret) {
        size_t n = 0;
        char *buf = malloc(64 * 32);

        if (!buf)
                return -ENOMEM;
        buf[0] = 0;
        for (int c = 0; c < 63; c++)
                if (mask & (UINT64_C(1) << c)) {
                        char *name = cap_to_name(c);

                        n += (size_t) sprintf(buf + n, "%s%s", n ? " " : "", name ? name : "?");
                        cap_free(name);
                }
        *ret = buf;
        return 0;
}

/* We cannot grant what we do not have ourselves (nsboot may itself run with a reduced set). */
static uint64_t caps_permitted_now(void) {
        uint64_t have = 0;
        cap_t cur = cap_get_proc();

        for (int c = 0; cur && c < 64 && c < (int) cap_max_bits(); c++) {
                cap_flag_value_t v = CAP_CLEAR;

                if (cap_get_flag(cur, c, CAP_PERMITTED, &v) >= 0 && v == CAP_SET)
                        have |= UINT64_C(1) << c;
        }
        cap_free(cur);
        return have;
}

int caps_apply(uint64_t keep, bool inheritable) {
        cap_value_t list[64];
        int n = 0, last = (int) cap_max_bits() - 1;
        cap_t caps;
        int r = 0;

        keep &= caps_permitted_now();
        for (int c = 0; c <= last && c < 64; c++) {
                if (keep & (UINT64_C(1) << c)) {
                        list[n++] = c;
                        continue;
                }
                if (cap_drop_bound(c) < 0)
                        return log_error_errno(errno, "Failed to drop capability %s: %m", cap_to_name(c));
        }
        /* One prctl(): libcap's cap_reset_ambient() first asks about every capability in turn. */
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return log_error_errno(errno, "Failed to clear the ambient capabilities: %m");
        caps = cap_init();
        if (!caps)
                return log_oom();
        if (cap_set_flag(caps, CAP_EFFECTIVE, n, list, CAP_SET) < 0 ||
            cap_set_flag(caps, CAP_PERMITTED, n, list, CAP_SET) < 0 ||
            (inheritable && cap_set_flag(caps, CAP_INHERITABLE, n, list, CAP_SET) < 0) || cap_set_proc(caps) < 0)
                r = log_error_errno(errno, "Failed to set capabilities: %m");
        cap_free(caps);
        return r;
}

int caps_raise_ambient(uint64_t mask) {
        cap_value_t list[64];
        int n = 0, r = 0;
        cap_t caps;

        for (int c = 0; c < 64; c++)
                if (mask & (UINT64_C(1) << c))
                        list[n++] = c;
        if (n == 0)
                return 0;
        caps = cap_get_proc();
        if (!caps)
                return log_oom();
        if (cap_set_flag(caps, CAP_EFFECTIVE, n, list, CAP_SET) < 0 ||
            cap_set_flag(caps, CAP_INHERITABLE, n, list, CAP_SET) < 0 || cap_set_proc(caps) < 0)
                r = log_error_errno(errno, "Failed to make the ambient capabilities inheritable: %m");
        cap_free(caps);
        for (int i = 0; i < n && r >= 0; i++)
                if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, list[i], 0, 0) < 0)
                        r = log_error_errno(errno, "Failed to raise the ambient capability %s: %m", cap_to_name(list[i]));
        return r;
}
