/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host side of each network mode, one NetDevOps each; netdev.c dispatches through
 * netdev_ops[] and nothing else looks at the type. */
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>

#include "basic/macro.h"
#include "log.h"
#include "netdev.h"

static int veth_create(RtnlSocket *sk, NetDev *d, const char *machine, pid_t pid) {
        const NetDevConfig *c = d->config;
        int idx, r;

        r = rtnl_add_veth(sk, d->host_name, d->guest_name, pid);
        if (r < 0)
                return log_error_errno(r, "Failed to create veth '%s' (lxc.net.%u): %m", d->host_name, c->index);
        d->created = true;
        idx = rtnl_ifindex(sk, d->host_name);
        if (idx < 0)
                return log_error_errno(idx, "Veth '%s' vanished: %m", d->host_name);
        if (c->link) {
                r = rtnl_set_master(sk, idx, c->link);
                if (r < 0)
                        return log_error_errno(r, "Failed to attach '%s' to bridge '%s' (lxc.net.%u.link): %m",
                                               d->host_name, c->link, c->index);
        }
        r = rtnl_set(sk, idx, NULL, NULL, c->mtu, 1);
        if (r < 0)
                return log_error_errno(r, "Failed to bring up '%s': %m", d->host_name);
        return 0;
}

static int veth_destroy(RtnlSocket *sk, NetDevs *l, NetDev *d) {
        int r = rtnl_delete(sk, d->host_name);

        /* Gone already when the guest's namespace went first: the pair dies together. */
        if (r < 0 && r != -ENODEV)
                return log_warning_errno(r, "Failed to remove veth '%s', ignoring: %m", d->host_name);
        if (d->config->zone)
                netdev_zone_release(sk, d->config->link);
        return 0;
}

static int macvlan_create(RtnlSocket *sk, NetDev *d, const char *machine, pid_t pid) {
        const NetDevConfig *c = d->config;
        int r = rtnl_add_macvlan(sk, c->link, d->guest_name, c->mode ?: "private", pid);

        if (r < 0)
                return log_error_errno(r, "Failed to create macvlan '%s' on '%s' (lxc.net.%u): %m (%s)", d->guest_name,
                                       c->link, c->index, rtnl_last_error());
        d->created = true; /* in the guest's namespace: inside_destroy() removes it */
        return 0;
}

static int ipvlan_create(RtnlSocket *sk, NetDev *d, const char *machine, pid_t pid) {
        const NetDevConfig *c = d->config;
        int r = rtnl_add_ipvlan(sk, c->link, d->guest_name, c->mode ?: "l3", pid);

        if (r < 0)
                return log_error_errno(r, "Failed to create ipvlan '%s' on '%s' (lxc.net.%u): %m (%s)", d->guest_name,
                                       c->link, c->index, rtnl_last_error());
        d->created = true;
        return 0;
}

static int vlan_create(RtnlSocket *sk, NetDev *d, const char *machine, pid_t pid) {
        const NetDevConfig *c = d->config;
        int r = rtnl_add_vlan(sk, c->link, d->guest_name, (unsigned) c->vlan_id, pid);

        if (r < 0)
                return log_error_errno(r, "Failed to create VLAN %d on '%s' (lxc.net.%u): %m (%s)", c->vlan_id,
                                       c->link, c->index, rtnl_last_error());
        d->created = true;
        return 0;
}

static int phys_create(RtnlSocket *sk, NetDev *d, const char *machine, pid_t pid) {
        const NetDevConfig *c = d->config;
        int idx = rtnl_ifindex(sk, c->link), r;

        if (idx < 0)
                return log_error_errno(idx, "No host interface '%s' to move in (lxc.net.%u.link): %m", c->link, c->index);
        r = rtnl_link_info(sk, idx, d->host_name, &d->orig_mtu, &d->orig_up);
        if (r < 0)
                return log_error_errno(r, "Failed to look at '%s': %m", c->link);
        d->have_orig_mac = rtnl_link_mac(sk, idx, d->orig_mac) >= 0;
        r = rtnl_move(sk, idx, pid, -EBADF, d->guest_name);
        if (r < 0)
                return log_error_errno(r, "Failed to move '%s' into the container: %m", c->link);
        d->created = true;
        return 0;
}

typedef int (*GuestNetnsAction)(RtnlSocket *sk, NetDevs *l, NetDev *d);

/* Runs action in a child that enters the guest's network namespace (kept alive by our fd even after
 * the guest's end), so nsboot itself never leaves its own. */
static int in_guest_netns(NetDevs *l, NetDev *d, GuestNetnsAction action) {
        pid_t pid = fork();
        int status;

        if (pid < 0)
                return -errno;
        if (pid == 0) {
                RtnlSocket *sk = NULL;

                if (setns(l->netns_fd, CLONE_NEWNET) < 0 || rtnl_open(&sk) < 0)
                        _exit(1);
                _exit(action(sk, l, d) < 0 ? 2 : 0);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* Move the interface back to the host under its old name. */
static int move_back(RtnlSocket *sk, NetDevs *l, NetDev *d) {
        int idx = rtnl_ifindex(sk, d->guest_name);

        if (idx < 0 || rtnl_set(sk, idx, NULL, NULL, 0, 0) < 0)
                return -ENODEV;
        return rtnl_move(sk, idx, 0, l->host_netns_fd, d->host_name);
}

static int delete_inside(RtnlSocket *sk, NetDevs *l, NetDev *d) {
        int r = rtnl_delete(sk, d->guest_name);

        return r == -ENODEV ? 0 : r;
}

/* macvlan, ipvlan, vlan: gone at once, not whenever the kernel frees the namespace (that is
 * asynchronous, and the parent would still show them for a while). */
static int inside_destroy(RtnlSocket *sk, NetDevs *l, NetDev *d) {
        int r = in_guest_netns(l, d, delete_inside);

        if (r < 0)
                return log_warning_errno(r, "Failed to remove '%s' from the container, ignoring: %m", d->guest_name);
        return 0;
}

static int phys_destroy(RtnlSocket *sk, NetDevs *l, NetDev *d) {
        int r = in_guest_netns(l, d, move_back), idx;

        if (r < 0)
                return log_warning_errno(r, "Failed to move '%s' back to the host (it was '%s' inside): %m",
                                         d->host_name, d->guest_name);
        idx = rtnl_ifindex(sk, d->host_name);
        /* As it was: MTU, MAC (lxc.net.N.hwaddr may have changed it inside) and up or down. */
        if (idx < 0 || rtnl_set(sk, idx, NULL, d->have_orig_mac ? d->orig_mac : NULL, d->orig_mtu, d->orig_up) < 0)
                return log_warning_errno(idx < 0 ? idx : -EIO, "Failed to restore MTU, MAC and state of '%s': %m",
                                         d->host_name);
        return 0;
}

static const NetDevOps veth_ops = { .create = veth_create, .destroy = veth_destroy };
static const NetDevOps macvlan_ops = { .create = macvlan_create, .destroy = inside_destroy };
static const NetDevOps ipvlan_ops = { .create = ipvlan_create, .destroy = inside_destroy };
static const NetDevOps vlan_ops = { .create = vlan_create, .destroy = inside_destroy };
static const NetDevOps phys_ops = { .create = phys_create, .destroy = phys_destroy };

const NetDevOps *const netdev_ops[_NETDEV_TYPE_MAX] = {
        [NETDEV_VETH] = &veth_ops,     [NETDEV_MACVLAN] = &macvlan_ops, [NETDEV_IPVLAN] = &ipvlan_ops,
        [NETDEV_VLAN] = &vlan_ops,     [NETDEV_PHYS] = &phys_ops,
};
