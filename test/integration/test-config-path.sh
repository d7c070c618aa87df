#!/bin/bash
# $NSBOOT_CONFIG_PATH replaces /etc/nsboot and /run/nsboot as the directories of machines' config
# files for nsboot -M, nsbootctl images, status and autostart alike: a name in an earlier directory
# hides it in a later one, a config of /etc/nsboot is not seen while it is set (nor any when it is
# set but empty), and without it /etc/nsboot is read again; nsbootctl enable writes a new config into
# the path's first directory, never over the /etc/nsboot one that the path hides.
# clone and rename look for the source in the path, and want a new name free there and in /etc/nsboot.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init 30

busybox_tree tree
new_name a
new_name b
new_name c
etc1=$WORKDIR/etc1
etc2=$WORKDIR/etc2
mkdir -p "$etc1" "$etc2" /etc/nsboot
at_exit "rm -f '/etc/nsboot/$c.conf'"
printf '%s\n' "nsboot.directory = $tree" "lxc.uts.name = from-etc1" "lxc.start.auto = 1" >"$etc1/$a.conf"
printf '%s\n' "nsboot.directory = $WORKDIR/nonexistent" "lxc.uts.name = from-etc2" >"$etc2/$a.conf"
printf '%s\n' "nsboot.directory = $tree" >"$etc2/$b.conf"
printf '%s\n' "nsboot.directory = $tree" >"/etc/nsboot/$c.conf"

export NSBOOT_CONFIG_PATH=$etc1:$etc2
nsboot_run -M "$a" /bin/hostname
assert_rc 0 "nsboot -M with the config of the first directory"
assert_eq from-etc1 "$(output | tail -n 1)" "the hostname of the first directory's config"
nsboot_run -M "$c" --check
assert_rc_ne 0 "nsboot -M of a machine whose config is in /etc/nsboot only"

out=$(ctl images) || fail "images failed"
log "$out"
row() { awk -v n="$1" '$1 == n' <<<"$out"; }
assert_match "$(row "$a")" "^$a +directory +no .* $tree\$" "images: the first directory's config"
assert_match "$(row "$b")" "^$b +directory +no .* $tree\$" "images: the second directory's config"
assert_eq "" "$(row "$c")" "images: a config of /etc/nsboot"
out=$(ctl status "$a") || fail "status of a stopped machine"
assert_contains "$out" "Config: $etc1/$a.conf" "status: the first directory's config"
assert_contains "$out" "Autostart: yes" "status: autostart from a config of the path"

out=$(NSBOOT_CONFIG_PATH='' ctl images) || fail "images with an empty NSBOOT_CONFIG_PATH failed"
assert_eq "" "$(row "$c")$(row "$a")" "images: no config directory when NSBOOT_CONFIG_PATH is empty"

unset NSBOOT_CONFIG_PATH
out=$(ctl images) || fail "images without NSBOOT_CONFIG_PATH failed"
assert_match "$(row "$c")" "^$c +directory +no .* $tree\$" "images: /etc/nsboot without NSBOOT_CONFIG_PATH"
assert_eq "" "$(row "$a")$(row "$b")" "images: the configs of the path without NSBOOT_CONFIG_PATH"
nsboot_run -M "$c" /bin/true
assert_rc 0 "nsboot -M with the config of /etc/nsboot"

# nsbootctl enable writes a new config where nsboot -M will find it: into the first directory of the
# path, never over a /etc/nsboot/NAME.conf that the path hides (it would lose that file).
new_name d
mkdir -p /var/lib/machines
mkdir "/var/lib/machines/$d"
at_exit "rmdir '/var/lib/machines/$d'; rm -f '/etc/nsboot/$d.conf'"
printf '%s\n' "# the admin's, hidden by the path" "lxc.uts.name = hidden" >"/etc/nsboot/$d.conf"
before=$(cat "/etc/nsboot/$d.conf")
NSBOOT_CONFIG_PATH=$etc1:$etc2 ctl enable "$d" || fail "enable with NSBOOT_CONFIG_PATH"
assert_file_contains "$etc1/$d.conf" "lxc.start.auto = 1" "enable: the new config in the path's first directory"
assert_eq "$before" "$(cat "/etc/nsboot/$d.conf")" "enable: /etc/nsboot's config that the path hides"
rm -f "$etc1/$d.conf"
out=$(NSBOOT_CONFIG_PATH='' ctl enable "$d" 2>&1) && fail "enable with an empty NSBOOT_CONFIG_PATH succeeded"
assert_contains "$out" "NSBOOT_CONFIG_PATH names no directory" "enable with an empty NSBOOT_CONFIG_PATH"
assert_eq "$before" "$(cat "/etc/nsboot/$d.conf")" "enable with an empty path: /etc/nsboot's config"

# nsbootctl clone and rename find the source's config in the path too, and a new name must be free
# in the path's directories and in /etc/nsboot and /run/nsboot alike.
out=$(NSBOOT_CONFIG_PATH=$etc1:$etc2 ctl clone "$c" "${c}x" 2>&1) && fail "clone of a config the path hides succeeded"
assert_contains "$out" "No machine '$c'" "clone: a config of /etc/nsboot that the path hides"
new_name e
printf '%s\n' "nsboot.directory = $tree" >"$etc1/$e.conf"
out=$(NSBOOT_CONFIG_PATH=$etc1:$etc2 ctl clone "$a" "$e" 2>&1) && fail "clone onto a name of the path succeeded"
assert_contains "$out" "exists already: $etc1/$e.conf" "clone onto a name whose config is in the path"
out=$(NSBOOT_CONFIG_PATH=$etc1:$etc2 ctl clone "$a" "$c" 2>&1) && fail "clone onto a name of /etc/nsboot succeeded"
assert_contains "$out" "exists already: /etc/nsboot/$c.conf" "clone onto a name whose config is in /etc/nsboot"
