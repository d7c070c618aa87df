#!/bin/bash
# Device rules from config files, as the guest's own processes meet them (inside the machine's
# cgroup): README's /dev/fuse example (lxc.cgroup2.devices.allow plus a bind with create=file)
# opens /dev/fuse, which the default list denies (in the default user-namespace mode); with
# --private-users=no, where the guest's root makes nodes itself: the cgroup v1 spelling
# lxc.cgroup.devices.allow does the same; lxc.cgroup2.devices.deny takes /dev/net/tun from the
# default list; and an LXC-style "deny a" plus allow lines gives exactly the listed devices.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[[ -c /dev/fuse && -c /dev/net/tun ]] || fail "this host has no /dev/fuse or /dev/net/tun"
busybox_tree tree

# can_open LEADER PATH: whether a process in the guest's cgroup can open PATH read-write.
can_open() {
        in_guest_cgroup "$1" sh -c "exec 3<>'$2'" 2>/dev/null
}

# with_conf LINES...: boot the tree sleeping with these config lines (and $MODE's options).
with_conf() {
        printf '%s\n' "$@" >"$WORKDIR/dev.conf"
        boot_sleeping "$tree" "${MODE[@]}" --config="$WORKDIR/dev.conf"
}

# In the default mode (a user namespace) the guest's root can neither make device nodes nor open
# the host's root-only ones: the device policy alone shows with a node everyone may open. Where
# the host's /dev/fuse is not (here: mode 0600), the README example binds a copy made for it.
fuse=/dev/fuse
if [[ $(stat -c %a /dev/fuse) != 666 ]]; then
        fuse=$WORKDIR/fuse
        mknod -m 0666 "$fuse" c 10 229
fi
MODE=()
with_conf "lxc.mount.entry = $fuse dev/fuse none bind,create=file 0 0"
in_guest "$LEADER" test -c /dev/fuse || fail "no /dev/fuse in the guest"
can_open "$LEADER" /dev/fuse && fail "default rules: /dev/fuse (10:229) could be opened"
poweroff_guest
# README's and nsboot.conf(5)'s example.
with_conf "lxc.cgroup2.devices.allow = c 10:229 rwm" \
        "lxc.mount.entry = $fuse dev/fuse none bind,create=file 0 0"
can_open "$LEADER" /dev/fuse || fail "README example: /dev/fuse cannot be opened"
can_open "$LEADER" /dev/null || fail "README example: the default list was not kept"
poweroff_guest

# Privileged (--private-users=no): root in the guest makes and opens nodes itself.
MODE=(--private-users=no)
# The default list: no /dev/fuse (made by hand, it cannot be opened), /dev/net/tun yes.
with_conf ""
in_guest "$LEADER" mknod /dev/fuse c 10 229
can_open "$LEADER" /dev/fuse && fail "default rules: /dev/fuse (10:229) could be opened"
can_open "$LEADER" /dev/net/tun || fail "default rules: /dev/net/tun (10:200) cannot be opened"
can_open "$LEADER" /dev/null || fail "default rules: /dev/null cannot be opened"
poweroff_guest

# The cgroup v1 spelling.
with_conf "lxc.cgroup.devices.allow = c 10:229 rwm"
in_guest "$LEADER" mknod /dev/fuse c 10 229
can_open "$LEADER" /dev/fuse || fail "lxc.cgroup.devices.allow: /dev/fuse cannot be opened"
poweroff_guest

# A deny of a default rule.
with_conf "lxc.cgroup2.devices.deny = c 10:200 rwm"
can_open "$LEADER" /dev/net/tun && fail "lxc.cgroup2.devices.deny = c 10:200 rwm: /dev/net/tun could be opened"
can_open "$LEADER" /dev/null || fail "lxc.cgroup2.devices.deny of tun: /dev/null cannot be opened"
poweroff_guest

# LXC's way: deny everything, then list (v1 spelling). /dev/zero (1:5) is not listed.
with_conf "lxc.cgroup.devices.deny = a" "lxc.cgroup.devices.allow = c 1:3 rwm" \
        "lxc.cgroup.devices.allow = c 136:* rwm" "lxc.cgroup.devices.allow = c 5:* rwm"
can_open "$LEADER" /dev/null || fail "deny a + allow 1:3: /dev/null cannot be opened"
can_open "$LEADER" /dev/zero && fail "deny a: /dev/zero (1:5, not listed) could be opened"
can_open "$LEADER" /dev/net/tun && fail "deny a: /dev/net/tun (not listed) could be opened"
poweroff_guest
exit 0
