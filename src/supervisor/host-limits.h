/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-user host limits a booting guest needs room in, checked before it starts: a start that would
 * hit one says which limit and which sysctl raises it, instead of leaving the guest's init hung.
 *
 * inotify instances (fs.inotify.max_user_instances, 128 by default) are counted per user, and the
 * instances of a process in a user namespace are also counted against the namespace's owner. nsboot
 * makes the guest's root the owner of its user namespace (userns-owner.h), so each guest has the
 * limit to itself; a guest without a user namespace of its own (--private-users=no, or identity)
 * draws on root's, shared with every other such guest and root's own processes. A booted Debian
 * guest holds about 8 (systemd 5, dbus, logind, a getty). */
#pragma once

#include "userns.h"

/* Instances a booting guest needs, with some room for the ones its boot opens and closes. */
#define HOST_LIMITS_INOTIFY_NEEDED 10

/* Probes how many inotify instances the owner of the guest's user namespace (root when u is not
 * enabled) can still create, up to HOST_LIMITS_INOTIFY_NEEDED, switching to it for the probe. Logs:
 * an error and -EMFILE when none is left, a warning when fewer than needed are; 0 otherwise. */
int host_limits_check_inotify(const UserNs *u);
