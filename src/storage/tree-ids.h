/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A machine's identity inside its tree or disk image: the host name in /etc/hostname and the
 * machine ID, for nsbootctl clone and rename, and for the repair of a rename that was killed
 * (nsbootctl, nsboot -M). Before the machine runs. */
#pragma once

#include <stdbool.h>

/* In the tree at dir: /etc/hostname when it holds name gets new_name (nothing happens when it holds
 * new_name already: a second call is harmless); unless keep_machine_id, /etc/machine-id when it
 * holds an ID gets a new random one, and /var/lib/dbus/machine-id when it is a regular file with an
 * ID gets the same (or a new one of its own if it differed). Files are opened inside the tree, never
 * through a symlink as their last component, and only when they are regular files; the shape
 * (trailing newline, owner, mode) stays. Non-logging. */
int tree_ids_set(const char *dir, const char *name, const char *new_name, bool keep_machine_id);
/* The same inside the disk image at path, mounted writable as detached mounts over loop devices
 * (none left when it returns). Logs only what image_open() logs. */
int tree_ids_set_image(const char *image, const char *name, const char *new_name, bool keep_machine_id);
