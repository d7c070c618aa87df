/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guest's /etc/resolv.conf and /etc/localtime from the host's (--resolv-conf, --timezone),
 * with systemd-nspawn's modes. nsboot's default is off: a guest's DNS and time zone are its
 * owner's, as with LXC; auto does what nspawn's default does. */
#pragma once

#include <errno.h>

typedef enum ResolvConfMode {
        RESOLV_CONF_OFF,
        RESOLV_CONF_COPY_HOST,          /* copy-*: write the file unless the tree has a symlink there */
        RESOLV_CONF_COPY_STATIC,
        RESOLV_CONF_COPY_UPLINK,
        RESOLV_CONF_COPY_STUB,
        RESOLV_CONF_REPLACE_HOST,       /* replace-*: a regular file instead of whatever is there */
        RESOLV_CONF_REPLACE_STATIC,
        RESOLV_CONF_REPLACE_UPLINK,
        RESOLV_CONF_REPLACE_STUB,
        RESOLV_CONF_BIND_HOST,          /* bind-*: the host's file, bound read-only over the tree's */
        RESOLV_CONF_BIND_STATIC,
        RESOLV_CONF_BIND_UPLINK,
        RESOLV_CONF_BIND_STUB,
        RESOLV_CONF_DELETE,
        RESOLV_CONF_AUTO,
        _RESOLV_CONF_MAX,
        _RESOLV_CONF_INVALID = -EINVAL,
} ResolvConfMode;

typedef enum TimezoneMode {
        TIMEZONE_OFF,
        TIMEZONE_COPY,
        TIMEZONE_BIND,
        TIMEZONE_SYMLINK,
        TIMEZONE_DELETE,
        TIMEZONE_AUTO,
        _TIMEZONE_MAX,
        _TIMEZONE_INVALID = -EINVAL,
} TimezoneMode;

const char *resolv_conf_mode_to_string(ResolvConfMode m);
ResolvConfMode resolv_conf_mode_from_string(const char *s);
const char *timezone_mode_to_string(TimezoneMode m);
TimezoneMode timezone_mode_from_string(const char *s);

typedef struct Settings Settings;

/* The modes auto stands for on this host, with these settings (own network, a writable /etc). */
ResolvConfMode resolv_conf_mode_effective(const Settings *s);
TimezoneMode timezone_mode_effective(const Settings *s);

/* Child, in the container's mount namespace before the switch to the tree at root (the host's
 * files still in view). Every path of the tree is resolved inside it, and a FIFO or device where
 * the file belongs is left alone, never opened. What cannot be done is a warning, as with
 * systemd-nspawn, and the guest still starts; but a bind of a host file that could neither be made
 * read-only nor be undone fails the start. Logs. */
int host_files_setup(const char *root, const Settings *s);
