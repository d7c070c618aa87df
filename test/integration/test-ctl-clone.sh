#!/bin/bash
# nsbootctl clone and rename. On a tmpfs of the test: a busybox machine full of what a copy can get
# wrong (hard links, a file capability, an xattr, an ACL, a device node, a FIFO, a socket, a
# symlink to a host path, a sparse file, owners, setuid) is cloned, compared entry by entry with
# its source, given a new machine ID, host name, config (the source config's owner, group, mode and
# ACL kept) and MAC, and booted by its new name while
# the source stays as it was; the Debian tree's clone boots to "running" with its own machine ID;
# hostile trees (machine-id a symlink to a host file, a FIFO, a directory) touch nothing and do not
# hang; rename moves tree, config and log and boots under the new name; a machine found by name in
# /var/lib/machines and a disk image there; a btrfs subvolume is snapshotted; and every refusal
# (running source, existing new name, bad names, no source, something mounted in it, the new
# name's lock held, a copy that runs out of space) leaves nothing behind.
# nsboot-test-timeout: 900
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_root
ctl_init 120
require_cmd setcap getcap getfattr setfattr setfacl getfacl python3 flock script mkfs.ext4 debugfs losetup

M=$WORKDIR/m
mkdir -p "$M"
mount -t tmpfs -o size=1200m,mode=0755 tmpfs "$M"
at_exit "_umount '$M'"
testinit=$(_testinit_path)
# The machines' config files go there; an earlier test may have removed the empty directory.
mkdir -p /etc/nsboot
# Made here when missing, removed last (after the files in it).
[[ -d /etc/systemd/nspawn ]] || at_exit "rmdir /etc/systemd/nspawn 2>/dev/null"

# forget NAME: the cleanup removes NAME's config file, and its tree and image in /var/lib/machines.
forget() {
        at_exit "rm -f '/etc/nsboot/$1.conf' '/run/nsboot/$1.conf' '/etc/systemd/nspawn/$1.nspawn' '/var/log/nsboot/$1.log' '/var/lib/machines/$1.raw' '/var/lib/machines/.$1.raw.partial'; rm -rf --one-file-system '/var/lib/machines/$1' '/var/lib/machines/.$1.partial'"
}

# nothing_of NAME DIR: no trace of the machine NAME (tree or partial copy in DIR, config file).
nothing_of() {
        assert_file_not_exists "$2/$1" "tree of $1"
        assert_file_not_exists "$2/.$1.partial" "partial copy of $1"
        assert_file_not_exists "/etc/nsboot/$1.conf" "config of $1"
        [[ ! -e /run/nsboot/locks/machine-$1 ]] || fail "lock of $1 left"
}

# listing DIR: every entry with type, mode, owner, size, times, links, device, symlink target.
listing() {
        (cd "$1" && find . ! -path ./etc/machine-id ! -path ./etc/hostname ! -path ./var/lib/dbus/machine-id \
                -printf '%p %y %m %U %G %s %T@ %n %l\n' | sort)
}

# refused WHAT PATTERN CTL-ARGS...: the command fails and says PATTERN.
refused() {
        local what=$1 pattern=$2 out
        shift 2
        out=$(ctl "$@" 2>&1) && fail "$what: nsbootctl $* succeeded"
        assert_contains "$out" "$pattern" "$what"
}

# --- The source: a busybox machine on the tmpfs, with a config file naming its tree.
new_name src
forget "$src"
"$SRCDIR/test/fixtures/mktree-busybox.sh" "$M/$src" "$testinit" >/dev/null
S=$M/$src
echo "$src" >"$S/etc/hostname"
set_machine_id "$S" fresh
mkdir -p "$S/var/lib/dbus"
cp "$S/etc/machine-id" "$S/var/lib/dbus/machine-id"
echo data >"$S/hl1" && ln "$S/hl1" "$S/hl2"
cp /bin/busybox "$S/usr/bin/capped" && setcap cap_net_raw+ep "$S/usr/bin/capped"
echo x >"$S/xattrs" && setfattr -n user.nsboot -v hello "$S/xattrs" && setfattr -n trusted.nsboot -v secret "$S/xattrs"
echo x >"$S/acl" && setfacl -m u:1234:r "$S/acl"
mknod "$S/dev/testnull" c 1 3
mkfifo "$S/fifo"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$S/sock"
ln -s /etc/shadow "$S/hostlink"
truncate -s 100M "$S/sparse" && echo middle | dd of="$S/sparse" bs=1M seek=50 conv=notrunc status=none
echo x >"$S/owned" && chown 1234:5678 "$S/owned" && chmod 4750 "$S/owned"
touch -d '2001-02-03 04:05:06.123456789' "$S/owned"
cat >"/etc/nsboot/$src.conf" <<EOF
# The golden machine  (comment kept byte for byte)
nsboot.boot = yes
lxc.rootfs.path = dir:$S
   lxc.uts.name    =   $src
nsboot.log-file = /var/log/nsboot/$src.log
EOF
printf 'lxc.start.order = 5' >>"/etc/nsboot/$src.conf" # and no newline at the end
cp "/etc/nsboot/$src.conf" "$WORKDIR/src.conf"
# The admin's owner, group, mode and ACL of the config go to the clone's and the renamed one's.
chown 1234:2345 "/etc/nsboot/$src.conf"
chmod 0640 "/etc/nsboot/$src.conf"
setfacl -m u:3456:r "/etc/nsboot/$src.conf"
src_conf_acl=$(getfacl -cp "/etc/nsboot/$src.conf")
# same_config_access FILE: FILE has the owner, group, mode and ACL of the source's config.
same_config_access() {
        assert_eq "1234:2345 640" "$(stat -c '%u:%g %a' "$1")" "owner, group and mode of $1"
        assert_eq "$src_conf_acl" "$(getfacl -cp "$1")" "the ACL of $1"
}
# systemd-nspawn's settings and nsboot's beside the tree go with the machine, as they are.
mkdir -p /etc/systemd/nspawn
printf '[Exec]\nHostname=%s\n' "$src" >"/etc/systemd/nspawn/$src.nspawn"
echo "# beside the tree" >"$M/$src.nsboot"
src_list=$(listing "$S")
src_id=$(cat "$S/etc/machine-id")

# --- Clone.
new_name cl
forget "$cl"
out=$(ctl clone "$src" "$cl" 2>&1) || fail "clone failed: $out"
assert_eq "" "$out" "clone in a script prints nothing"
C=$M/$cl
assert_eq "$src_list" "$(listing "$C")" "every entry of the clone as in the source"
assert_eq "$(stat -c %i "$C/hl1")" "$(stat -c %i "$C/hl2")" "hard link kept"
assert_contains "$(getcap "$C/usr/bin/capped")" "cap_net_raw=ep" "file capability"
assert_eq hello "$(getfattr --only-values -n user.nsboot "$C/xattrs")" "user xattr"
assert_eq secret "$(getfattr --only-values -n trusted.nsboot "$C/xattrs")" "trusted xattr"
assert_contains "$(getfacl -p "$C/acl")" "user:1234:r--" "ACL"
assert_eq "c 1:3" "$(stat -c '%F' "$C/dev/testnull" | sed 's/character special file/c/') $(stat -c '%t:%T' "$C/dev/testnull")" "device node"
[[ -p $C/fifo && -S $C/sock && -L $C/hostlink ]] || fail "FIFO, socket or symlink not kept"
assert_eq /etc/shadow "$(readlink "$C/hostlink")" "symlink target"
assert_eq "104857600" "$(stat -c %s "$C/sparse")" "sparse file size"
(( $(du -k "$C/sparse" | cut -f1) < 1024 )) || fail "the sparse file's holes were filled: $(du -k "$C/sparse")"
cmp -s "$S/sparse" "$C/sparse" || fail "sparse file content differs"
# A new identity.
cl_id=$(cat "$C/etc/machine-id")
assert_match "$cl_id" '^[0-9a-f]{32}$' "machine ID of the clone"
assert_ne "$src_id" "$cl_id" "the clone has a new machine ID"
assert_eq 33 "$(stat -c %s "$C/etc/machine-id")" "machine-id keeps its shape (ID and newline)"
assert_eq "$cl_id" "$(cat "$C/var/lib/dbus/machine-id")" "D-Bus's machine ID follows"
assert_eq "$cl" "$(cat "$C/etc/hostname")" "/etc/hostname of the clone"
# The config: the name and the path rewritten, every other byte kept.
sed "s|dir:$S\$|dir:$C|; s|=   $src\$|=   $cl|; s|/$src.log|/$cl.log|" "$WORKDIR/src.conf" >"$WORKDIR/expected.conf"
cmp "$WORKDIR/expected.conf" "/etc/nsboot/$cl.conf" || { diff "$WORKDIR/expected.conf" "/etc/nsboot/$cl.conf"; fail "the clone's config"; }
same_config_access "/etc/nsboot/$cl.conf"
# The source is untouched.
assert_eq "$src_list" "$(listing "$S")" "the source tree after the clone"
assert_eq "$src_id" "$(cat "$S/etc/machine-id")" "the source's machine ID"
cmp "$WORKDIR/src.conf" "/etc/nsboot/$src.conf" || fail "the source's config changed"
cmp "/etc/systemd/nspawn/$src.nspawn" "/etc/systemd/nspawn/$cl.nspawn" || fail "the .nspawn file's copy"
cmp "$M/$src.nsboot" "$M/$cl.nsboot" || fail "the copy of the file beside the tree"

# It boots by its new name, from its config.
touch "$C/clone-marker"
nsboot_start -M "$cl" sleep
wait_output '^NSBOOT-TEST: ready=1'
leader=$(leader_pid "$NSBOOT_PID")
assert_eq "$cl" "$(in_guest "$leader" hostname)" "host name in the booted clone"
assert_eq "$cl_id" "$(in_guest "$leader" cat /etc/machine-id)" "machine ID in the booted clone"
in_guest "$leader" test -e /clone-marker || fail "the booted machine's root is not the clone"
# The running clone can be neither cloned nor renamed.
new_name other
forget "$other"
refused "clone of a running machine" "already running" clone "$cl" "$other"
refused "rename of a running machine" "already running" rename "$cl" "$other"
nothing_of "$other" "$M"
kill -TERM "$NSBOOT_PID"
nsboot_wait 30
assert_rc 0 "the clone's nsboot after SIGTERM"

# --keep-machine-id.
new_name kept
forget "$kept"
ctl clone --keep-machine-id "$src" "$kept"
assert_eq "$src_id" "$(cat "$M/$kept/etc/machine-id")" "--keep-machine-id"

# On a terminal: the step and the result.
new_name shown
forget "$shown"
out=$(timeout 60 script -qec "$(printf '%q ' "$CTL" clone "$src" "$shown")" /dev/null | sed 's/\r//g; s/\x1b\[[0-9;?]*[A-Za-z]//g') ||
        fail "clone on a terminal failed: $out"
assert_contains "$out" "[1] Copying $S" "the step shown on a terminal"
assert_contains "$out" "Created machine '$shown' in $M/$shown" "the result shown on a terminal"

# --- MAC addresses: new random ones for a clone, the admin's OUI kept; templates and rename keep them.
new_name net
forget "$net"
mkdir "$M/$net" && touch "$M/$net/.keep"
cat >"/etc/nsboot/$net.conf" <<EOF
lxc.rootfs.path = $M/$net
lxc.net.0.type = veth
lxc.net.0.hwaddr = 00:16:3e:12:34:56
lxc.net.1.type = veth
nsboot.net.1.hwaddr = "02:AA:BB:cc:dd:ee"
lxc.net.2.type = veth
lxc.net.2.hwaddr = 00:16:3e:xx:xx:xx
EOF
new_name net2
forget "$net2"
ctl clone "$net" "$net2"
conf=$(cat "/etc/nsboot/$net2.conf")
mac0=$(sed -n 's/^lxc.net.0.hwaddr = //p' <<<"$conf")
mac1=$(sed -n 's/^nsboot.net.1.hwaddr = "\(.*\)"$/\1/p' <<<"$conf")
assert_match "$mac0" '^00:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$' "new MAC 0 keeps the OUI"
assert_ne "00:16:3e:12:34:56" "$mac0" "new MAC 0"
assert_match "$mac1" '^02:AA:BB:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$' "new MAC 1 keeps the OUI and quotes"
assert_ne "02:AA:BB:cc:dd:ee" "$mac1" "new MAC 1"
assert_contains "$conf" "lxc.net.2.hwaddr = 00:16:3e:xx:xx:xx" "a MAC template is kept"
new_name net3
forget "$net3"
ctl rename "$net2" "$net3"
assert_eq "${conf//"$M/$net2"/"$M/$net3"}" "$(cat "/etc/nsboot/$net3.conf")" "rename keeps the MACs"

# --- Rename: tree, config, host name, nsbootctl start's log; the machine ID stays.
new_name ren
forget "$ren"
mkdir -p /var/log/nsboot
echo "old log" >"/var/log/nsboot/$cl.log"
ctl -q rename "$cl" "$ren"
nothing_of "$cl" "$M"
assert_file_not_exists "/var/log/nsboot/$cl.log" "old log after rename"
assert_file_not_exists "/etc/systemd/nspawn/$cl.nspawn" "old .nspawn file after rename"
assert_file_exists "/etc/systemd/nspawn/$ren.nspawn"
assert_file_not_exists "$M/$cl.nsboot" "old file beside the tree after rename"
assert_file_exists "$M/$ren.nsboot"
assert_eq "old log" "$(cat "/var/log/nsboot/$ren.log")" "the log follows"
assert_eq "$cl_id" "$(cat "$M/$ren/etc/machine-id")" "rename keeps the machine ID"
assert_eq "$ren" "$(cat "$M/$ren/etc/hostname")" "/etc/hostname after rename"
sed "s|dir:$S\$|dir:$M/$ren|; s|=   $src\$|=   $ren|; s|/$src.log|/$ren.log|" "$WORKDIR/src.conf" >"$WORKDIR/expected.conf"
cmp "$WORKDIR/expected.conf" "/etc/nsboot/$ren.conf" || { diff "$WORKDIR/expected.conf" "/etc/nsboot/$ren.conf"; fail "config after rename"; }
same_config_access "/etc/nsboot/$ren.conf"
nsboot_start -M "$ren" sleep
wait_output '^NSBOOT-TEST: ready=1'
leader=$(leader_pid "$NSBOOT_PID")
assert_eq "$ren" "$(in_guest "$leader" hostname)" "host name in the renamed machine"
[[ -e /run/nsboot/machines/$ren.state ]] || fail "the renamed machine runs under its new name"
kill -TERM "$NSBOOT_PID"
nsboot_wait 30
assert_rc 0 "the renamed machine's nsboot after SIGTERM"

# --- Refusals, each leaving nothing behind.
new_name new
forget "$new"
refused "invalid name" "not a valid machine name" clone "$src" ../etc
refused "invalid source name" "not a valid machine name" rename ../etc "$new"
refused "same name" "the same name" clone "$src" "$src"
refused "one name" "takes two arguments" clone "$src"
refused "no source" "No machine 'nosuch$new'" clone "nosuch$new" "$new"
refused "existing config" "exists already" clone "$src" "$kept"
refused "existing config (rename)" "exists already" rename "$src" "$kept"
mkdir -p "/var/lib/machines/$new"
refused "existing tree in /var/lib/machines" "exists already: /var/lib/machines/$new" clone "$src" "$new"
rmdir "/var/lib/machines/$new"
mkdir "$M/$new"
refused "existing destination" "exists already" clone "$src" "$new"
rmdir "$M/$new"
for f in "/run/nsboot/$new.conf" "/etc/systemd/nspawn/$new.nspawn" "$M/$new.nsboot"; do
        touch "$f"
        refused "existing $f" "exists already: $f" clone "$src" "$new"
        rm "$f"
done
nothing_of "$new" "$M"
# The source's tree runs under another machine name: its tree lock refuses it.
new_name other2
nsboot_start -D "$S" -M "$other2" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
refused "clone of a tree in use by another machine" "already in use by machine '$other2'" clone "$src" "$new"
refused "rename of a tree in use by another machine" "already in use by machine '$other2'" rename "$src" "$new"
kill -TERM "$NSBOOT_PID"
nsboot_wait 30
nothing_of "$new" "$M"
# Something mounted in the source.
mount -t tmpfs tmpfs "$S/mnt"
refused "a mount in the source" "unmount it first" clone "$src" "$new"
umount "$S/mnt"
nothing_of "$new" "$M"
# The new name's lock held (as nsboot -M NEW holds it while starting).
mkdir -p /run/nsboot/locks
flock -n "/run/nsboot/locks/machine-$new" sleep 60 &
lock_pid=$!
at_exit "_kill_if_alive $lock_pid"
retry 10 test -e "/run/nsboot/locks/machine-$new"
refused "the new name's lock held" "in use" clone "$src" "$new"
kill "$lock_pid"
wait "$lock_pid" 2>/dev/null || true
rm -f "/run/nsboot/locks/machine-$new"
nothing_of "$new" "$M"
# What a killed clone left is not merged into the next one.
mkdir "$M/.$new.partial" && echo junk >"$M/.$new.partial/junk"
ctl clone "$src" "$new"
assert_file_not_exists "$M/$new/junk" "a killed clone's leftovers in the next clone"
assert_file_not_exists "$M/.$new.partial" "the leftover partial copy"
assert_eq "$(listing "$S")" "$(listing "$M/$new")" "the clone after a killed one"
# Out of space half way: the half copy is removed.
new_name small
forget "$small"
new_name full
forget "$full"
mkdir "$WORKDIR/small"
mount -t tmpfs -o size=12m,mode=0755 tmpfs "$WORKDIR/small"
at_exit "_umount '$WORKDIR/small'"
"$SRCDIR/test/fixtures/mktree-busybox.sh" "$WORKDIR/small/$small" "$testinit" >/dev/null
head -c 4M /dev/urandom >"$WORKDIR/small/$small/big"
printf 'lxc.rootfs.path = %s\n' "$WORKDIR/small/$small" >"/etc/nsboot/$small.conf"
before=$(listing "$WORKDIR/small/$small")
refused "copy out of space" "No space left on device" clone "$small" "$full"
nothing_of "$full" "$WORKDIR/small"
assert_eq "$before" "$(listing "$WORKDIR/small/$small")" "the source after the failed copy"
assert_eq "$small" "$(ls -A "$WORKDIR/small")" "nothing else in the full file system"

# --- Hostile trees: the machine ID files are never followed, never opened unless regular files.
echo 0123456789abcdef0123456789abcdef >"$WORKDIR/hostid"
host_sum=$(sha256sum <"$WORKDIR/hostid")
new_name hos
forget "$hos"
"$SRCDIR/test/fixtures/mktree-busybox.sh" "$M/$hos" "$testinit" >/dev/null
rm -f "$M/$hos/etc/machine-id"
ln -s "$WORKDIR/hostid" "$M/$hos/etc/machine-id"
mkdir -p "$M/$hos/var/lib/dbus" "$M/$hos/etc/hostname"
mkfifo "$M/$hos/var/lib/dbus/machine-id"
printf 'lxc.rootfs.path = %s\nlxc.uts.name = %s\n' "$M/$hos" "$hos" >"/etc/nsboot/$hos.conf"
new_name hos2
forget "$hos2"
CTL_TIMEOUT=30 ctl clone "$hos" "$hos2" || fail "clone of a hostile tree failed"
assert_eq "$host_sum" "$(sha256sum <"$WORKDIR/hostid")" "the host file a symlink points to"
assert_eq "$WORKDIR/hostid" "$(readlink "$M/$hos2/etc/machine-id")" "machine-id symlink kept"
[[ -p $M/$hos2/var/lib/dbus/machine-id && -d $M/$hos2/etc/hostname ]] || fail "FIFO or directory not kept"
# /etc/hostname a symlink to a host file that holds the machine's name.
new_name hos5
forget "$hos5"
echo "$hos5" >"$WORKDIR/hosthostname"
"$SRCDIR/test/fixtures/mktree-busybox.sh" "$M/$hos5" "$testinit" >/dev/null
ln -sf "$WORKDIR/hosthostname" "$M/$hos5/etc/hostname"
printf 'lxc.rootfs.path = %s\n' "$M/$hos5" >"/etc/nsboot/$hos5.conf"
new_name hos6
forget "$hos6"
CTL_TIMEOUT=30 ctl clone "$hos5" "$hos6" || fail "clone of a tree whose /etc/hostname is a symlink failed"
CTL_TIMEOUT=30 ctl rename "$hos6" "$hos6-r" || fail "rename of a tree whose /etc/hostname is a symlink failed"
forget "$hos6-r"
assert_eq "$hos5" "$(cat "$WORKDIR/hosthostname")" "the host file /etc/hostname points to"
# /etc itself a symlink to a host directory.
new_name hos3
forget "$hos3"
mkdir -p "$WORKDIR/hostetc"
cp "$WORKDIR/hostid" "$WORKDIR/hostetc/machine-id"
echo "$hos3" >"$WORKDIR/hostetc/hostname"
"$SRCDIR/test/fixtures/mktree-busybox.sh" "$M/$hos3" "$testinit" >/dev/null
rm -rf "${M:?}/${hos3:?}/etc"
ln -s "$WORKDIR/hostetc" "$M/$hos3/etc"
printf 'lxc.rootfs.path = %s\n' "$M/$hos3" >"/etc/nsboot/$hos3.conf"
new_name hos4
forget "$hos4"
CTL_TIMEOUT=30 ctl clone "$hos3" "$hos4" || fail "clone of a tree whose /etc is a symlink failed"
assert_eq "$host_sum" "$(sha256sum <"$WORKDIR/hostetc/machine-id")" "the host's machine-id behind /etc"
assert_eq "$hos3" "$(cat "$WORKDIR/hostetc/hostname")" "the host's hostname behind /etc"
CTL_TIMEOUT=30 ctl rename "$hos4" "$hos3-r" || fail "rename of a tree whose /etc is a symlink failed"
forget "$hos3-r"
assert_eq "$hos3" "$(cat "$WORKDIR/hostetc/hostname")" "the host's hostname behind /etc after rename"

# --- A machine found by name in /var/lib/machines (no config file), and a disk image there: its
# copy is mounted (detached, over a loop device) for a new machine ID and host name.
new_name vm
forget "$vm"
"$SRCDIR/test/fixtures/mktree-busybox.sh" "/var/lib/machines/$vm" "$testinit" >/dev/null
new_name vm2
forget "$vm2"
ctl clone "$vm" "$vm2"
assert_file_exists "/var/lib/machines/$vm2/sbin/init"
assert_file_not_exists "/etc/nsboot/$vm2.conf" "config of a clone of a machine without one"
new_name vm3
forget "$vm3"
ctl rename "$vm2" "$vm3"
assert_file_not_exists "/var/lib/machines/$vm2" "old tree after rename"
nsboot_run -M "$vm3" true
assert_rc 0 "the renamed machine found by name runs"
ctl remove "$vm3" "$vm"
new_name img
forget "$img"
busybox_image img_id "/var/lib/machines/$img.raw" "$img"
img_sum=$(sha256sum <"/var/lib/machines/$img.raw")
new_name img2
forget "$img2"
out=$(ctl clone "$img" "$img2" 2>&1) || fail "clone of an image failed: $out"
assert_eq "" "$out" "clone of an image prints nothing"
assert_eq "$img_sum" "$(sha256sum <"/var/lib/machines/$img.raw")" "the source image after the clone"
img2_id=$(debugfs -R 'cat /etc/machine-id' "/var/lib/machines/$img2.raw" 2>/dev/null)
assert_match "$img2_id" '^[0-9a-f]{32}$' "machine ID in the image's copy"
assert_ne "$img_id" "$img2_id" "the image's copy has a new machine ID"
assert_eq "$img2" "$(debugfs -R 'cat /etc/hostname' "/var/lib/machines/$img2.raw" 2>/dev/null)" "host name in the image's copy"
(( $(du -k "/var/lib/machines/$img2.raw" | cut -f1) <= $(du -k "/var/lib/machines/$img.raw" | cut -f1) + 1024 )) ||
        fail "the image's holes were filled: $(du -k "/var/lib/machines/$img.raw" "/var/lib/machines/$img2.raw")"
retry 10 test -z "$(losetup -j "/var/lib/machines/$img2.raw")" || fail "loop device of the image's copy left"
nsboot_start -i "/var/lib/machines/$img2.raw" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
leader=$(leader_pid "$NSBOOT_PID")
assert_eq "$img2_id" "$(in_guest "$leader" cat /etc/machine-id)" "machine ID in the booted image's copy"
kill -TERM "$NSBOOT_PID"
nsboot_wait 30
new_name img3
forget "$img3"
ctl rename "$img2" "$img3"
assert_file_not_exists "/var/lib/machines/$img2.raw" "old image after rename"
assert_file_exists "/var/lib/machines/$img3.raw"
assert_eq "$img3" "$(debugfs -R 'cat /etc/hostname' "/var/lib/machines/$img3.raw" 2>/dev/null)" "host name in the renamed image"
assert_eq "$img2_id" "$(debugfs -R 'cat /etc/machine-id' "/var/lib/machines/$img3.raw" 2>/dev/null)" "rename keeps the image's machine ID"

# --- A btrfs subvolume is snapshotted (a file system on a loop device over a tmpfs file).
if grep -qw btrfs /proc/filesystems && command -v mkfs.btrfs >/dev/null && command -v btrfs >/dev/null; then
        truncate -s 300M "$M/btrfs.img"
        mkfs.btrfs -q "$M/btrfs.img" >/dev/null
        mkdir "$WORKDIR/b"
        mount -o loop "$M/btrfs.img" "$WORKDIR/b"
        at_exit "_umount '$WORKDIR/b'"
        new_name bs
        forget "$bs"
        btrfs -q subvolume create "$WORKDIR/b/$bs"
        "$SRCDIR/test/fixtures/mktree-busybox.sh" "$WORKDIR/b/$bs" "$testinit" >/dev/null
        set_machine_id "$WORKDIR/b/$bs" fresh
        printf 'lxc.rootfs.path = %s\n' "$WORKDIR/b/$bs" >"/etc/nsboot/$bs.conf"
        new_name bs2
        forget "$bs2"
        ctl clone "$bs" "$bs2"
        assert_eq 256 "$(stat -c %i "$WORKDIR/b/$bs2")" "the clone is a subvolume"
        assert_match "$(btrfs subvolume show "$WORKDIR/b/$bs2")" "Parent UUID:[[:space:]]+[0-9a-f-]{36}" "the clone is a snapshot"
        assert_ne "$(cat "$WORKDIR/b/$bs/etc/machine-id")" "$(cat "$WORKDIR/b/$bs2/etc/machine-id")" "snapshot's machine ID"
        # A plain directory on btrfs: copied with reflinks (shared extents).
        new_name bd
        forget "$bd"
        mkdir "$WORKDIR/b/$bd"
        head -c 1M /dev/urandom >"$WORKDIR/b/$bd/data"
        sync -f "$WORKDIR/b/$bd/data"
        printf 'lxc.rootfs.path = %s\n' "$WORKDIR/b/$bd" >"/etc/nsboot/$bd.conf"
        new_name bd2
        forget "$bd2"
        ctl clone "$bd" "$bd2"
        assert_ne 256 "$(stat -c %i "$WORKDIR/b/$bd2")" "a plain directory's clone is no subvolume"
        sync -f "$WORKDIR/b/$bd2/data"
        assert_contains "$(filefrag -v "$WORKDIR/b/$bd2/data")" "shared" "reflinked data"
else
        log "no btrfs here: the snapshot is not tested"
fi

# --- The Debian tree's clone boots to "running" with its own machine ID.
deb_cache=$("$SRCDIR/test/lib/mktree-debian.sh") || fail "cannot build the Debian tree"
new_name deb
forget "$deb"
cp -a "$deb_cache" "$M/$deb"
set_machine_id "$M/$deb" fresh
printf 'lxc.rootfs.path = %s\n' "$M/$deb" >"/etc/nsboot/$deb.conf"
new_name deb2
forget "$deb2"
ctl clone "$deb" "$deb2"
deb_id=$(cat "$M/$deb/etc/machine-id")
# Interrupted half way (Ctrl-C reaches nsbootctl and cp; SIGTERM nsbootctl alone): the copy is
# removed before nsbootctl ends, and the locks with it.
for sig in INT TERM; do
        new_name intr
        forget "$intr"
        start_interruptible ctl_pid "$CTL" clone "$deb" "$intr"
        retry 20 test -e "$M/.$intr.partial" || fail "no partial copy while cloning"
        if [[ $sig == INT ]]; then kill -INT -- "-$ctl_pid"; else kill -TERM "$ctl_pid"; fi
        rc=0
        wait "$ctl_pid" || rc=$?
        assert_ne 0 "$rc" "nsbootctl clone after SIG$sig"
        nothing_of "$intr" "$M"
done
nsboot_start -D "$M/$deb2" -b --private-network
leader=$(leader_pid "$NSBOOT_PID")
wait_booted "$leader"
assert_eq running "$BOOT_STATE" "the Debian clone's systemd"
guest_id=$(in_guest "$leader" cat /etc/machine-id)
assert_ne "$deb_id" "$guest_id" "the booted clone's machine ID differs from the source's"
assert_eq "$(cat "$M/$deb2/etc/machine-id")" "$guest_id" "the booted clone's machine ID"
assert_eq "$deb_id" "$(cat "$M/$deb/etc/machine-id")" "the source's machine ID"
kill -TERM "$NSBOOT_PID"
nsboot_wait 60
exit 0
