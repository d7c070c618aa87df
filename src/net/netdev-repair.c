/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What survives a SIGKILLed nsboot, and how the next one puts the host back. While the machine runs,
 * its network namespace is pinned by a bind mount at NETDEV_PIN_DIR/NAME: without it the namespace
 * would die with the guest, and with it a veth end moved in as phys, or a real NIC would come back
 * only under its in-guest name. NETDEV_STATE_DIR/NAME.net says what went in: the host's namespace
 * ("hostns INO"), each phys before it moves ("phys HOST GUEST MTU MAC UP"), each zone bridge, each
 * l2proxy entry ("l2proxy LINK ADDRESS") and an ipvlan's loopback routes ("l2proxy-lo ADDRESS/LEN"). */
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "basic/fileio.h"
#include "basic/fs-util.h"
#include "basic/macro.h"
#include "log.h"
#include "netdev.h"
#include "netns-probe.h"

static int paths(const char *machine, char **ret_pin, char **ret_state) {
        if (asprintf(ret_pin, NETDEV_PIN_DIR "/%s", machine) < 0)
                return -ENOMEM;
        if (asprintf(ret_state, NETDEV_STATE_DIR "/%s.net", machine) < 0) {
                free(*ret_pin);
                return -ENOMEM;
        }
        return 0;
}

static int state_write(const char *machine, const char *line, bool truncate) {
        _cleanup_free_ char *pin = NULL, *state = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t n = strlen(line);

        if (paths(machine, &pin, &state) < 0)
                return -ENOMEM;
        fd = open(state, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (truncate ? O_TRUNC : O_APPEND), 0644);
        if (fd < 0)
                return -errno;
        return write(fd, line, n) == (ssize_t) n ? 0 : -EIO;
}

int netdev_pin(NetDevs *l, const char *machine, pid_t pid) {
        _cleanup_free_ char *pin = NULL, *state = NULL;
        char src[64], line[64];
        int r;

        snprintf(src, sizeof src, "/proc/%d/ns/net", (int) pid);
        if (netns_inode(src) == netns_inode("/proc/self/ns/net"))
                return 0; /* the host's own network (type none): nothing to pin, nothing to empty later */
        if (paths(machine, &pin, &state) < 0)
                return log_oom();
        r = mkdir_p(NETDEV_PIN_DIR, 0755);
        if (r >= 0)
                r = mkdir_p(NETDEV_STATE_DIR, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s and %s: %m", NETDEV_PIN_DIR, NETDEV_STATE_DIR);
        snprintf(line, sizeof line, "hostns %llu\n", netns_inode("/proc/self/ns/net"));
        r = state_write(machine, line, true);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", state);
        r = touch_file(pin, 0444);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", pin);
        if (mount(src, pin, NULL, MS_BIND, NULL) < 0)
                return log_error_errno(errno, "Failed to pin the container's network namespace at %s: %m", pin);
        snprintf(l->machine, sizeof l->machine, "%s", machine);
        l->pinned = true;
        return 0;
}

int netdev_record_phys(const char *machine, const NetDev *d) {
        char line[128], mac[18] = "-";
        int r;

        if (d->have_orig_mac)
                snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", d->orig_mac[0], d->orig_mac[1],
                         d->orig_mac[2], d->orig_mac[3], d->orig_mac[4], d->orig_mac[5]);
        snprintf(line, sizeof line, "phys %s %s %u %s %d\n", d->host_name, d->guest_name, d->orig_mtu, mac,
                 (int) d->orig_up);
        r = state_write(machine, line, false);
        if (r < 0)
                return log_error_errno(r, "Failed to record '%s' in %s: %m", d->host_name, NETDEV_STATE_DIR);
        return 0;
}

int netdev_record(const char *machine, const char *line) {
        return state_write(machine, line, false);
}

int netdev_record_zone(const char *machine, const char *bridge) {
        char line[64];
        int r;

        snprintf(line, sizeof line, "zone %s\n", bridge);
        r = state_write(machine, line, false);
        if (r < 0)
                return log_error_errno(r, "Failed to record zone '%s' in %s: %m", bridge, NETDEV_STATE_DIR);
        return 0;
}

/* Unmounts and removes the pin and the state file: the namespace goes when nothing else holds it. */
static void unpin(const char *machine) {
        _cleanup_free_ char *pin = NULL, *state = NULL;

        if (paths(machine, &pin, &state) < 0)
                return;
        if (umount2(pin, MNT_DETACH) < 0 && !IN_SET(errno, EINVAL, ENOENT))
                log_warning_errno(errno, "Failed to unmount %s, ignoring: %m", pin);
        (void) unlink(pin);
        (void) unlink(state);
}

void netdev_unpin(NetDevs *l) {
        if (!l->pinned)
                return;
        if (l->keep_pin)
                log_warning("Keeping the container's network namespace at %s/%s: 'nsboot --cleanup -M %s' retries "
                            "moving its interfaces back", NETDEV_PIN_DIR, l->machine, l->machine);
        else
                unpin(l->machine);
        l->pinned = false;
}

/* "phys HOST GUEST MTU MAC UP" into d; false for any other line. */
static bool parse_phys(const char *line, NetDev *d) {
        char mac[18];
        int up;

        *d = (NetDev) {};
        if (sscanf(line, "phys %15s %15s %u %17s %d", d->host_name, d->guest_name, &d->orig_mtu, mac, &up) != 5)
                return false;
        d->orig_up = up;
        d->have_orig_mac = sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &d->orig_mac[0], &d->orig_mac[1],
                                  &d->orig_mac[2], &d->orig_mac[3], &d->orig_mac[4], &d->orig_mac[5]) == 6;
        return true;
}

/* Inside the pinned namespace: deletes every link but lo (a veth takes its host end with it); a link
 * that cannot be deleted (a real NIC) is left for the kernel, which returns it to the first namespace
 * when the namespace goes. Returns how many it deleted. */
static int delete_all(RtnlSocket *sk, NetDevs *l, NetDev *d) {
        struct if_nameindex *ifs = if_nameindex();
        int n = 0;

        if (!ifs)
                return -errno;
        for (struct if_nameindex *i = ifs; i->if_index; i++)
                if (!streq(i->if_name, "lo") && rtnl_delete(sk, i->if_name) >= 0)
                        n++;
        if_freenameindex(ifs);
        return n;
}

/* Puts each recorded phys back (unless it never left, or the namespace it came from is gone), then
 * empties the namespace. Returns how many things it repaired, or < 0 if a phys could not go back. */
static int repair_pinned(RtnlSocket *sk, const char *text, int netns_fd, bool home_gone) {
        NetDevs l = { .netns_fd = netns_fd, .host_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC) };
        int n = 0, r = 0;

        for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                NetDev d;

                if (!parse_phys(p, &d) || (!home_gone && rtnl_ifindex(sk, d.host_name) >= 0))
                        continue; /* not a phys, or it is on the host already */
                if (home_gone) {
                        log_info("Not moving '%s' (in the guest '%s') back: the network namespace it came from is gone",
                                 d.host_name, d.guest_name);
                        continue;
                }
                if (netdev_ops[NETDEV_PHYS]->destroy(sk, &l, &d) < 0) {
                        r = -EIO;
                        continue;
                }
                log_info("Moved '%s' (in the guest '%s') back to the host", d.host_name, d.guest_name);
                n++;
        }
        safe_close(l.host_netns_fd);
        if (r < 0)
                return r;
        r = netdev_in_netns(&l, NULL, delete_all);
        if (r > 0)
                log_info("Removed %d network interfaces of the guest", r);
        return n + MAX(r, 0);
}

/* Whether the machine ran in our network namespace (0), in one that is gone (1, logged: everything
 * of it is released, nothing moves back), or in one that still exists (-EXDEV, logged). */
static int home_netns(const char *machine, const char *text, const char *pin) {
        unsigned long long theirs = 0;

        if (!text || sscanf(text, "hostns %llu", &theirs) != 1)
                return 0;
        switch (netns_where(theirs)) {
        case NETNS_HERE:
                return 0;
        case NETNS_GONE:
                log_info("Machine '%s' ran in a network namespace that no longer exists (net:[%llu]): "
                         "releasing its network namespace pin %s", machine, theirs, pin);
                return 1;
        default:
                return log_error_errno(SYNTHETIC_ERRNO(EXDEV), "Machine '%s' ran in another network namespace "
                                       "(net:[%llu]): clean it up from there", machine, theirs);
        }
}

int netdev_repair(const char *machine) {
        _cleanup_free_ char *pin = NULL, *state = NULL, *text = NULL;
        _cleanup_close_ int netns_fd = -EBADF;
        RtnlSocket *sk = NULL;
        struct statfs sfs;
        int gone, n = 0, r;

        if (paths(machine, &pin, &state) < 0)
                return log_oom();
        if (read_full_file(state, &text, NULL) < 0 && access(pin, F_OK) < 0)
                return 0;
        gone = home_netns(machine, text, pin);
        if (gone < 0)
                return gone;
        netns_fd = open(pin, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        r = rtnl_open(&sk);
        if (r < 0)
                return log_error_errno(r, "Failed to open rtnetlink: %m");
        /* Only a mounted pin is a namespace: nsboot may have died between making the file and mounting. */
        if (netns_fd >= 0 && fstatfs(netns_fd, &sfs) >= 0 && sfs.f_type == NSFS_MAGIC &&
            netns_inode(pin) != netns_inode("/proc/self/ns/net")) {
                n = repair_pinned(sk, text, netns_fd, gone);
                if (n < 0) {
                        rtnl_close(sk);
                        return log_error_errno(n, "Could not move every interface of machine '%s' back to the host; "
                                               "its network namespace stays at %s", machine, pin);
                }
        }
        /* Zone bridges, proxy entries and loopback routes were made in the namespace nsboot ran in: a
         * gone one took them along. */
        if (!gone)
                n += netdev_l2proxy_repair(sk, text);
        for (const char *p = text; !gone && p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                char bridge[16];

                if (sscanf(p, "zone %15s", bridge) == 1)
                        netdev_zone_release(sk, bridge);
        }
        rtnl_close(sk);
        unpin(machine);
        return n + gone;
}
