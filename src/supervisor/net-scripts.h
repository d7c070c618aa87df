/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* LXC's network scripts, lxc.net.N.script.up and script.down: run on the host by the supervisor
 * as LXC runs them (through hooks.c), up once the interfaces exist and before the guest's init
 * runs, down at teardown before they are removed. Parent stage. */
#pragma once

#include "netdev.h"
#include "settings.h"

/* Runs every interface's script.up in index order; the first that fails stops them and the start
 * ("lxc.net.N.script.up 'CMD' failed with exit status S"). Logs. */
int net_scripts_up(const Settings *s, const NetDevs *l);
/* Runs every script.down of an interface that was set up; failures are warnings. */
void net_scripts_down(const Settings *s, const NetDevs *l);
