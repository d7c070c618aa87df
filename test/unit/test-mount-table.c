/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <criterion/criterion.h>
#include <sys/mount.h>

#include "dev.h"
#include "mount.h"

static const MountEntry *find(const char *where, unsigned from) {
        for (unsigned i = from; i < mount_table_size; i++)
                if (strcmp(mount_table[i].where, where) == 0)
                        return &mount_table[i];
        return NULL;
}

static unsigned index_of(const MountEntry *m) {
        return (unsigned) (m - mount_table);
}

Test(mount_table, parents_before_children) {
        for (unsigned i = 0; i < mount_table_size; i++) {
                const char *w = mount_table[i].where;

                cr_assert_eq(w[0], '/', "%s not absolute", w);
                for (unsigned j = i + 1; j < mount_table_size; j++) {
                        const char *p = mount_table[j].where;
                        size_t n = strlen(p);

                        /* A fresh mount of a parent after a child would hide the child. */
                        if (mount_table[j].type && strncmp(w, p, n) == 0 && w[n] == '/')
                                cr_assert_fail("%s is mounted after its child %s", p, w);
                }
        }
}

Test(mount_table, dangerous_proc_entries_masked) {
        static const char *const masked[] = { "/proc/kallsyms", "/proc/kcore", "/proc/keys", "/proc/sysrq-trigger",
                                              "/proc/timer_list" };
        static const char *const ro[] = { "/proc/acpi", "/proc/apm", "/proc/asound", "/proc/bus", "/proc/fs",
                                          "/proc/irq", "/proc/scsi" };

        for (size_t i = 0; i < sizeof masked / sizeof masked[0]; i++) {
                const MountEntry *m = find(masked[i], 0);

                cr_assert(m && m->flags & MOUNT_MASK, "%s not masked", masked[i]);
                cr_assert(index_of(m) > index_of(find("/proc", 0)));
        }
        for (size_t i = 0; i < sizeof ro / sizeof ro[0]; i++) {
                const MountEntry *m = find(ro[i], 0);

                cr_assert(m && m->flags & MOUNT_BIND_SELF && m->flags & MOUNT_READ_ONLY, "%s not read-only", ro[i]);
        }
}

Test(mount_table, proc_sys_read_only_but_net_with_private_network) {
        const MountEntry *bind = find("/proc/sys", 0), *net = find("/proc/sys/net", 0),
                         *ro = find("/proc/sys", index_of(bind) + 1);

        cr_assert(bind && net && ro);
        cr_assert(bind->flags & MOUNT_BIND_SELF);
        cr_assert(net->flags & MOUNT_PRIVATE_NET && net->flags & MOUNT_BIND_SELF);
        cr_assert(ro->flags & MOUNT_REMOUNT_ONLY && ro->flags & MOUNT_READ_ONLY);
        cr_assert(index_of(bind) < index_of(net) && index_of(net) < index_of(ro));
}

/* Properties, not copies of the table: the sizes and modes themselves are checked inside a guest
 * against nsboot(1) (test-dev.sh). Every tmpfs is bounded (a guest must not fill the host's memory
 * or inodes) and has an explicit mode; the API file systems the guest must not change are read-only. */
Test(mount_table, tmpfs_bounded_api_read_only) {
        unsigned tmpfs = 0;

        for (unsigned i = 0; i < mount_table_size; i++) {
                const MountEntry *m = &mount_table[i];

                if (!m->type || strcmp(m->type, "tmpfs") != 0)
                        continue;
                tmpfs++;
                cr_assert(m->options && strstr(m->options, "size=") && strstr(m->options, "nr_inodes=") &&
                                  strstr(m->options, "mode="),
                          "tmpfs %s is not bounded", m->where);
                cr_assert(m->ms_flags & MS_NOSUID, "tmpfs %s allows setuid", m->where);
        }
        cr_assert_geq(tmpfs, 4);
        cr_assert(find("/sys", 0)->ms_flags & MS_RDONLY);
        cr_assert_str_eq(find("/sys/fs/cgroup", 0)->type, "cgroup2");
        cr_assert(!(find("/sys/fs/cgroup", 0)->ms_flags & MS_RDONLY), "the guest's own cgroup must be writable");
        cr_assert(strstr(find("/dev/pts", 0)->options, "newinstance"), "the host's ptys would be visible");
        cr_assert(find("/run/host", 0)->flags & MOUNT_READ_ONLY);
        cr_assert_eq(find("/dev", 0)->phase, MOUNT_PHASE_EARLY);
        cr_assert_eq(find("/run/host", 0)->phase, MOUNT_PHASE_API);
}

Test(mount_table, dev_nodes_are_the_safe_set) {
        static const char *const expected[] = { "null", "zero", "full", "random", "urandom", "tty", "net/tun" };
        size_t n = 0;

        for (; dev_nodes[n]; n++)
                cr_assert_str_eq(dev_nodes[n], expected[n]);
        cr_assert_eq(n, sizeof expected / sizeof expected[0]);
}

#include "devices.h"

/* The device policy allows exactly the private /dev's nodes and ptys: no block device, no memory. */
Test(devices, allow_list_is_the_private_dev) {
        size_t n = 0;

        for (const DeviceRule *r = device_allow_list; r->type; r++, n++) {
                cr_assert_eq(r->type, 'c', "rule %zu allows a block device", n);
                cr_assert(r->major_min == 1 || r->major_min == 5 || r->major_min == 10 || r->major_min == 136);
                if (r->major_min == 1)
                        cr_assert(r->minor == 3 || r->minor == 5 || r->minor == 7 || r->minor == 8 || r->minor == 9,
                                  "1:%lld is not a pseudo device", (long long) r->minor);
                if (r->major_min == 136)
                        cr_assert(r->major_max == 143 && !strchr(r->access, 'm'));
        }
        cr_assert_eq(n, 10);
}
