#!/bin/bash
# nsbootctl enable and disable (machinectl enable, vzctl set --onboot): lxc.start.auto in the
# machine's own config, every other line kept (comments, other keys, the file's mode, owner, group,
# ACL and other extended attributes), every other
# spelling of the key replaced; a new /etc/nsboot/NAME.conf for a machine that has none, including
# LXC's config of an LXC container so that it still boots the same; nsboot-generator then makes (or
# no longer makes) nsboot@NAME.service. Refused, writing nothing: a machine configured by a .nspawn
# file or by an untrusted NAME.nsboot beside its tree, no such machine, an invalid name.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/ctl-create.sh
. "$SRCDIR/test/lib/ctl-create.sh"

ctl_init 30
gen=$(dirname "$NSBOOT")/nsboot-generator
[[ -x $gen ]] || fail "no nsboot-generator next to $NSBOOT"

# wanted NAME: whether nsboot-generator (on /etc/nsboot and /run/nsboot) starts NAME at boot.
wanted() {
        local out=$WORKDIR/gen.$RANDOM
        mkdir "$out"
        env -u NSBOOT_CONFIG_PATH "$gen" "$out" "$out.early" "$out.late" 2>/dev/null || fail "nsboot-generator failed"
        [[ -L $out/machines.target.wants/nsboot@$1.service ]]
}
mkdir -p "$MACHINES" /etc/nsboot /var/lib/lxc /etc/systemd/nspawn
busybox_tree bb

# A tree without a config: a new config with the key alone.
new_name t
forget "$t"
cp -a "$bb" "$MACHINES/$t"
wanted "$t" && fail "$t starts at boot before enable"
out=$(ctl enable "$t" 2>&1) || fail "enable $t: $out"
assert_contains "$out" "Enabled machine '$t': lxc.start.auto = 1 in /etc/nsboot/$t.conf" "enable says what it did"
assert_eq "lxc.start.auto = 1" "$(cat "/etc/nsboot/$t.conf")" "the new config"
wanted "$t" || fail "the generator does not start $t after enable"
nsboot_run -M "$t" /bin/true
assert_rc 0 "the enabled machine still runs"
ctl disable "$t" || fail "disable $t"
assert_eq "lxc.start.auto = 0" "$(cat "/etc/nsboot/$t.conf")" "after disable"
wanted "$t" && fail "the generator starts $t after disable"

# A config of the admin's: only the key's lines change, in whatever spelling.
new_name c
forget "$c"
cp -a "$bb" "$MACHINES/$c"
printf '# mine\nlxc.uts.name = box\nnsboot.start-auto = yes\n  lxc.start.auto=1\nlxc.start.order = 5\n' >"/etc/nsboot/$c.conf"
chmod 0600 "/etc/nsboot/$c.conf"
wanted "$c" || fail "$c (nsboot.start-auto = yes) is not started at boot"
ctl -q disable "$c" || fail "disable $c"
assert_eq $'# mine\nlxc.uts.name = box\nlxc.start.order = 5\nlxc.start.auto = 0' "$(cat "/etc/nsboot/$c.conf")" "the admin's config after disable"
assert_eq 600 "$(stat -c %a "/etc/nsboot/$c.conf")" "the config's mode"
wanted "$c" && fail "$c is still started at boot"
ctl -q enable "$c" "$c" || fail "enable $c twice"
assert_eq 1 "$(grep -c start.auto "/etc/nsboot/$c.conf")" "one line of the key"
assert_eq "lxc.start.auto = 1" "$(tail -n 1 "/etc/nsboot/$c.conf")" "the key's line"
wanted "$c" || fail "$c is not started at boot after enable"

# The new file has the owner, group, mode, ACL and other extended attributes of the one it replaces.
new_name o
forget "$o"
cp -a "$bb" "$MACHINES/$o"
printf 'lxc.uts.name = owned\n' >"/etc/nsboot/$o.conf"
chown 1234:2345 "/etc/nsboot/$o.conf"
chmod 0640 "/etc/nsboot/$o.conf"
(umask 077 && ctl -q enable "$o") || fail "enable $o"
assert_eq "lxc.uts.name = owned"$'\n'"lxc.start.auto = 1" "$(cat "/etc/nsboot/$o.conf")" "the config of $o"
assert_eq "1234:2345 640" "$(stat -c '%u:%g %a' "/etc/nsboot/$o.conf")" "the config's owner, group and mode"
if command -v setfacl >/dev/null && command -v getfacl >/dev/null && command -v setfattr >/dev/null &&
        command -v getfattr >/dev/null; then
        setfacl -m u:3456:rw "/etc/nsboot/$o.conf"
        setfattr -n user.nsboot -v kept "/etc/nsboot/$o.conf"
        setfattr -n trusted.nsboot -v root "/etc/nsboot/$o.conf"
        acl=$(getfacl -cp "/etc/nsboot/$o.conf")
        mode=$(stat -c %a "/etc/nsboot/$o.conf")
        ctl -q disable "$o" || fail "disable $o"
        assert_eq "lxc.start.auto = 0" "$(tail -n 1 "/etc/nsboot/$o.conf")" "the config of $o after disable"
        assert_eq "$acl" "$(getfacl -cp "/etc/nsboot/$o.conf")" "the config's ACL"
        assert_contains "$acl" "user:3456:rw-" "the ACL as set"
        assert_eq "$mode" "$(stat -c %a "/etc/nsboot/$o.conf")" "the config's mode with an ACL"
        assert_eq kept "$(getfattr --only-values -n user.nsboot "/etc/nsboot/$o.conf")" "a user extended attribute"
        assert_eq root "$(getfattr --only-values -n trusted.nsboot "/etc/nsboot/$o.conf")" "a trusted extended attribute"
        assert_eq "1234:2345" "$(stat -c %u:%g "/etc/nsboot/$o.conf")" "the owner with an ACL"
else
        log "SKIP part: the config's ACL and extended attributes, for want of setfacl, getfacl, setfattr, getfattr (Debian: acl, attr)"
fi

# An LXC container: its config is included, so nsboot -M still boots the same tree.
new_name l
at_exit "rm -rf '/var/lib/lxc/$l'; rm -f '/etc/nsboot/$l.conf'"
mkdir "/var/lib/lxc/$l"
printf 'lxc.rootfs.path = dir:%s\nlxc.uts.name = lxcbox\n' "$bb" >"/var/lib/lxc/$l/config"
ctl -q enable "$l" || fail "enable the LXC container"
assert_file_contains "/etc/nsboot/$l.conf" "lxc.include = /var/lib/lxc/$l/config" "the LXC config is included"
wanted "$l" || fail "the LXC container is not started at boot"
nsboot_run -M "$l" /bin/hostname
assert_rc 0 "the enabled LXC container runs"
assert_eq lxcbox "$(output | tail -n 1)" "with its LXC config's host name"

# Refusals: nothing written.
new_name n
at_exit "rm -rf '$MACHINES/$n'; rm -f '/etc/systemd/nspawn/$n.nspawn' '/etc/nsboot/$n.conf'"
cp -a "$bb" "$MACHINES/$n"
printf '[Exec]\nBoot=yes\n' >"/etc/systemd/nspawn/$n.nspawn"
out=$(ctl enable "$n" 2>&1) && fail "enable of a .nspawn machine succeeded"
assert_contains "$out" "convert-nspawn" "the refusal says how"
assert_file_not_exists "/etc/nsboot/$n.conf" "a config for the .nspawn machine"

new_name u
at_exit "rm -rf '$MACHINES/$u'; rm -f '$MACHINES/$u.nsboot' '/etc/nsboot/$u.conf'"
cp -a "$bb" "$MACHINES/$u"
echo 'lxc.uts.name = beside' >"$MACHINES/$u.nsboot"
out=$(ctl enable "$u" 2>&1) && fail "enable of a machine with an untrusted NAME.nsboot succeeded"
assert_contains "$out" "beside its tree" "the refusal names the file"
assert_file_not_exists "/etc/nsboot/$u.conf" "a config for the NAME.nsboot machine"
out=$(ctl disable "$u" 2>&1) || fail "disable of a machine without an nsboot config: $out"
assert_contains "$out" "does not start at boot" "disable without a config"
assert_file_not_exists "/etc/nsboot/$u.conf" "a config made by disable"

new_name none
out=$(ctl enable "$none" 2>&1) && fail "enable of no machine succeeded"
assert_contains "$out" "No machine '$none'" "no such machine"
assert_file_not_exists "/etc/nsboot/$none.conf" "a config for no machine"
out=$(ctl enable ../etc 2>&1) && fail "enable of an invalid name succeeded"
assert_contains "$out" "not a valid machine name" "an invalid name"
# A config that is a FIFO or a symlink (root's, in /etc/nsboot): refused at once, as they are.
# A FIFO must not hang enable; a symlink is not replaced by a copy of its target.
new_name fifo
at_exit "rm -f '/etc/nsboot/$fifo.conf'"
mkfifo "/etc/nsboot/$fifo.conf"
rc=0
out=$(timeout -k 2 10 "$CTL" enable "$fifo" 2>&1) || rc=$?
assert_ne 124 "$rc" "enable on a FIFO config hangs"
assert_ne 0 "$rc" "enable on a FIFO config succeeded"
assert_contains "$out" "not a regular file" "the refusal of a FIFO"
[[ -p /etc/nsboot/$fifo.conf ]] || fail "the FIFO was replaced"
new_name sym
at_exit "rm -rf '$MACHINES/$sym'; rm -f '/etc/nsboot/$sym.conf' '$WORKDIR/$sym.target'"
cp -a "$bb" "$MACHINES/$sym"
echo 'lxc.uts.name = linked' >"$WORKDIR/$sym.target"
ln -s "$WORKDIR/$sym.target" "/etc/nsboot/$sym.conf"
out=$(ctl enable "$sym" 2>&1) && fail "enable on a symlinked config succeeded"
assert_contains "$out" "symbolic link" "the refusal of a symlink"
[[ -L /etc/nsboot/$sym.conf ]] || fail "the symlink was replaced by a file"
assert_eq "lxc.uts.name = linked" "$(cat "$WORKDIR/$sym.target")" "the symlink's target"
# A config with a NUL byte (nsboot refuses it): enable would drop all that follows it.
new_name nul
at_exit "rm -rf '$MACHINES/$nul'; rm -f '/etc/nsboot/$nul.conf'"
cp -a "$bb" "$MACHINES/$nul"
printf 'lxc.uts.name = a\n\0\nlxc.mount.entry = /srv srv none bind 0 0\n' >"/etc/nsboot/$nul.conf"
cp "/etc/nsboot/$nul.conf" "$WORKDIR/$nul.before"
out=$(ctl enable "$nul" 2>&1) && fail "enable on a config with a NUL byte succeeded"
assert_contains "$out" "NUL" "the refusal of a config with a NUL byte"
cmp -s "/etc/nsboot/$nul.conf" "$WORKDIR/$nul.before" || fail "the config with a NUL byte was changed"
# One bad name among good ones: the good ones are done, the exit status says there was a failure.
ctl -q disable "$c" "$none" 2>/dev/null && fail "disable with an unknown name succeeded"
assert_eq "lxc.start.auto = 0" "$(tail -n 1 "/etc/nsboot/$c.conf")" "the good name was disabled"
exit 0
