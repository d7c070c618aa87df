/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container's private /dev: a few safe device nodes copied from the host, the standard links,
 * and /dev/console on a pty of the container's own devpts. Child stage, before pivot_root. */
#pragma once

extern const char *const dev_nodes[];
extern const char *const dev_links[][2];

/* Creates the nodes (with the host's numbers and modes) and links below root/dev. Logs. */
int dev_setup(const char *root);
/* Opens a pty on root/dev/pts and binds its peer onto root/dev/<name>; returns the master and the
 * pty's number. Logs. */
int dev_setup_pty(const char *root, const char *name, int *ret_master, int *ret_number);
/* The console: dev_setup_pty() for "console". */
int dev_setup_console(const char *root, int *ret_master);
