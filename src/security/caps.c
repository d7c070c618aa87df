/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "basic/macro.h"
#include "cap-dlopen.h"
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

/* The highest capability this kernel knows, asked of the kernel itself (PR_CAPBSET_READ fails
 * with EINVAL past it), not of /proc/sys/kernel/cap_last_cap: caps_apply() also runs in a guest's
 * root (nsbootctl enter), whose /proc the guest may have covered. */
static int cap_last(void) {
        static int cached = -1;
        int c = CAP_LAST_CAP;

        if (cached >= 0)
                return cached;
        if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) >= 0)
                while (c < 62 && prctl(PR_CAPBSET_READ, c + 1, 0, 0, 0) >= 0)
                        c++;
        else
                while (c > 0 && prctl(PR_CAPBSET_READ, c, 0, 0, 0) < 0)
                        c--;
        return cached = c;
}

/* "cap_sys_admin", or the number when libcap is not loaded: never loaded here, where the process
 * may be in the guest already. */
static const char *cap_name(int c, char buf[static 32]) {
        char *name = sym_cap_to_name ? sym_cap_to_name(c) : NULL;

        if (name)
                snprintf(buf, 32, "%s", name);
        else
                snprintf(buf, 32, "%d", c);
        if (name)
                sym_cap_free(name);
        return buf;
}

static int cap_lookup(const char *name, cap_value_t *ret) {
        _cleanup_free_ char *lower = strdup(name), *prefixed = NULL;

        if (!lower)
                return -ENOMEM;
        for (char *p = lower; *p; p++)
                *p = (char) tolower((unsigned char) *p);
        if (sym_cap_from_name(lower, ret) >= 0)
                return 0;
        /* LXC writes them without the prefix: "sys_admin". */
        if (asprintf(&prefixed, "cap_%s", lower) < 0)
                return -ENOMEM;
        return sym_cap_from_name(prefixed, ret) >= 0 ? 0 : -EINVAL;
}

int caps_from_string(const char *s, uint64_t *ret) {
        _cleanup_free_ char *copy = strdup(s);
        uint64_t mask = 0;
        char *save = NULL;
        int r;

        if (!copy)
                return -ENOMEM;
        r = dlopen_libcap();
        if (r < 0)
                return r;
        for (char *w = strtok_r(copy, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
                cap_value_t c;

                if (streq(w, "all")) {
                        mask |= (UINT64_C(1) << (cap_last() + 1)) - 1;
                        continue;
                }
                r = cap_lookup(w, &c);
                if (r < 0)
                        return r;
                if (c < 0 || c >= 63)
                        return -EINVAL;
                mask |= UINT64_C(1) << c;
        }
        if (mask == 0)
                return -EINVAL;
        *ret = mask;
        return 0;
}

int caps_to_string(uint64_t mask, char **ret) {
        size_t n = 0;
        char *buf;
        int r;

        r = dlopen_libcap();
        if (r < 0)
                return r;
        buf = malloc(64 * 32);
        if (!buf)
                return -ENOMEM;
        buf[0] = 0;
        for (int c = 0; c < 63; c++)
                if (mask & (UINT64_C(1) << c)) {
                        char name[32];

                        n += (size_t) sprintf(buf + n, "%s%s", n ? " " : "", cap_name(c, name));
                }
        *ret = buf;
        return 0;
}

/* The three sets as the kernel gives them (version 3: two 32-bit words each). */
typedef struct CapSets {
        uint64_t effective, permitted, inheritable;
} CapSets;

static int caps_get(CapSets *ret) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {};

        if (syscall(SYS_capget, &h, d) < 0)
                return -errno;
        *ret = (CapSets) {
                .effective = d[0].effective | (uint64_t) d[1].effective << 32,
                .permitted = d[0].permitted | (uint64_t) d[1].permitted << 32,
                .inheritable = d[0].inheritable | (uint64_t) d[1].inheritable << 32,
        };
        return 0;
}

static int caps_set(const CapSets *c) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = {
                { .effective = (uint32_t) c->effective, .permitted = (uint32_t) c->permitted,
                  .inheritable = (uint32_t) c->inheritable },
                { .effective = (uint32_t) (c->effective >> 32), .permitted = (uint32_t) (c->permitted >> 32),
                  .inheritable = (uint32_t) (c->inheritable >> 32) },
        };

        return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

int caps_apply(uint64_t keep, bool inheritable) {
        int last = cap_last();
        CapSets now;
        char name[32];

        /* We cannot grant what we do not have ourselves (nsboot may itself run with a reduced set). */
        if (caps_get(&now) < 0)
                return log_error_errno(errno, "Failed to read the capabilities: %m");
        keep &= now.permitted;
        for (int c = 0; c <= last && c < 63; c++)
                if (!(keep & (UINT64_C(1) << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
                        return log_error_errno(errno, "Failed to drop capability %s: %m", cap_name(c, name));
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return log_error_errno(errno, "Failed to clear the ambient capabilities: %m");
        if (caps_set(&(CapSets) { .effective = keep, .permitted = keep, .inheritable = inheritable ? keep : 0 }) < 0)
                return log_error_errno(errno, "Failed to set capabilities: %m");
        return 0;
}

int caps_raise_ambient(uint64_t mask) {
        CapSets now;
        char name[32];

        if (mask == 0)
                return 0;
        if (caps_get(&now) < 0)
                return log_error_errno(errno, "Failed to read the capabilities: %m");
        now.effective |= mask;
        now.inheritable |= mask;
        if (caps_set(&now) < 0)
                return log_error_errno(errno, "Failed to make the ambient capabilities inheritable: %m");
        for (int c = 0; c < 63; c++)
                if (mask & (UINT64_C(1) << c) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
                        return log_error_errno(errno, "Failed to raise the ambient capability %s: %m", cap_name(c, name));
        return 0;
}
