/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "hooks.h"
#include "log.h"
#include "net-scripts.h"

/* The interface's run-time record: NULL for types nsboot makes nothing for (empty). */
static const NetDev *find(const NetDevs *l, const NetDevConfig *c) {
        for (size_t i = 0; i < l->n; i++)
                if (l->items[i].config == c)
                        return &l->items[i];
        return NULL;
}

/* LXC's arguments: TYPE LINK [HOST-SIDE VETH], cut at the first missing one as LXC's argv is; with
 * lxc.hook.version = 1 also LXC_NET_TYPE, LXC_NET_PARENT and LXC_NET_PEER. */
static int run(const Settings *s, const NetDevConfig *c, const NetDev *d, const char *what, const char *command) {
        const char *type = netdev_type_to_string(c->type);
        const char *peer = d && netdev_config_has_host_side(c) ? d->host_name : NULL;
        char env_type[64], env_parent[64], env_peer[64];
        char *args[4] = { (char *) type, c->link, c->link ? (char *) peer : NULL, NULL };
        char *env[4] = { env_type, env_parent, peer ? env_peer : NULL, NULL };

        snprintf(env_type, sizeof env_type, "LXC_NET_TYPE=%s", type);
        snprintf(env_parent, sizeof env_parent, "LXC_NET_PARENT=%s", strempty(c->link));
        snprintf(env_peer, sizeof env_peer, "LXC_NET_PEER=%s", strempty(peer));
        return hook_call(s, &(HookCall) { .section = "net", .name = what, .command = command, .args = args,
                                         .env = env, .stoppable = streq(what, "up") });
}

int net_scripts_up(const Settings *s, const NetDevs *l) {
        for (size_t i = 0; i < s->netdevs.n; i++) {
                const NetDevConfig *c = &s->netdevs.items[i];
                int r;

                if (!c->script_up || !netdev_config_has_netns(c))
                        continue;
                log_debug("Running lxc.net.%u.script.up: %s", c->index, c->script_up);
                r = run(s, c, find(l, c), "up", c->script_up);
                if (r < 0)
                        return log_error_errno(r, "Failed to run lxc.net.%u.script.up '%s': %m", c->index, c->script_up);
                if (r > 0)
                        return log_error_errno(SYNTHETIC_ERRNO(EPROTO),
                                               "lxc.net.%u.script.up '%s' failed with exit status %d", c->index,
                                               c->script_up, r);
        }
        return 0;
}

void net_scripts_down(const Settings *s, const NetDevs *l) {
        /* Nothing was set up when the guest's network namespace was never opened. */
        if (l->netns_fd < 0)
                return;
        for (size_t i = s->netdevs.n; i > 0; i--) {
                const NetDevConfig *c = &s->netdevs.items[i - 1];
                const NetDev *d = find(l, c);
                int r;

                if (!c->script_down || !netdev_config_has_netns(c) || (netdev_ops[c->type]->create && !d))
                        continue;
                r = run(s, c, d, "down", c->script_down);
                if (r < 0)
                        log_warning_errno(r, "Failed to run lxc.net.%u.script.down '%s', ignoring: %m", c->index,
                                          c->script_down);
                else if (r > 0)
                        log_warning("lxc.net.%u.script.down '%s' failed with exit status %d, ignoring", c->index,
                                    c->script_down, r);
        }
}
