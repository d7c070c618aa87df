#!/bin/bash
# nsboot -M NAME with no nsboot config reads LXC's /var/lib/lxc/NAME/config, says so, and starts the
# tree its lxc.rootfs.path names; lxc.log.file gets a copy of nsboot's messages at lxc.log.level.
# An /etc/nsboot/NAME.conf wins over it.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
name=$(basename "$tree")
lxcdir=/var/lib/lxc/$name
[[ ! -e $lxcdir && ! -e /etc/nsboot/$name.conf ]] || fail "$lxcdir or /etc/nsboot/$name.conf exists already"
if [[ ! -d /var/lib/lxc ]]; then
        mkdir -p /var/lib/lxc
        at_exit "rmdir /var/lib/lxc"
fi
mkdir "$lxcdir"
at_exit "rm -rf '$lxcdir'"
# The tree is not at /var/lib/machines/NAME: only the LXC config can say where it is.
cat >"$lxcdir/config" <<CONF
lxc.rootfs.path = dir:$tree
lxc.uts.name = fromlxc
lxc.log.file = $WORKDIR/lxc.log
lxc.log.level = debug
lxc.hook.pre-start = /bin/true
CONF

nsboot_run -M "$name" /bin/hostname
assert_rc 0 "nsboot -M with only an LXC config"
assert_eq fromlxc "$(tr -d '\r' <"$NSBOOT_OUT")" "the LXC config's lxc.uts.name"
assert_file_contains "$NSBOOT_ERR" "No nsboot config for machine '$name': using LXC's $lxcdir/config" "it says so"
assert_file_contains "$WORKDIR/lxc.log" "Running lxc.hook.pre-start: /bin/true" "lxc.log.file at debug level"

# An nsboot config of the same machine wins.
mkdir -p /etc/nsboot
at_exit "rm -f '/etc/nsboot/$name.conf'"
printf 'nsboot.directory = %s\nnsboot.hostname = fromnsboot\n' "$tree" >"/etc/nsboot/$name.conf"
nsboot_run -M "$name" /bin/hostname
assert_rc 0 "nsboot -M with both configs"
assert_eq fromnsboot "$(tr -d '\r' <"$NSBOOT_OUT")" "/etc/nsboot/NAME.conf wins"
assert_file_not_contains "$NSBOOT_ERR" "using LXC's" "the LXC config is not read then"
