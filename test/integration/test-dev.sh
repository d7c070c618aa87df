#!/bin/bash
# /dev is a small private tmpfs (its size from lxc.autodev.tmpfs.size when set) with exactly the
# documented nodes, links and mounts.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

expected="char console fd full mqueue net null ptmx pts random shm stderr stdin stdout tty urandom zero"
[[ -e /dev/net/tun ]] || expected=${expected/ net / }
sorted_words() { tr -s '[:space:]' '\n' | sed '/^$/d' | LC_ALL=C sort | paste -s -d ' '; }

# Pipe console (a command, stdin not a terminal): no /dev/console.
nsboot_run -D "$tree" /bin/ls -A /dev
assert_rc 0
assert_eq "${expected/console /}" "$(sorted_words <"$NSBOOT_OUT")" "ls -A /dev with --console=pipe"

# Read-only console (-b): /dev/console is there.
boot_sleeping "$tree"
assert_eq "$expected" "$(in_guest "$LEADER" ls -A /dev | sorted_words)" "ls -A /dev with -b"

links=$(in_guest "$LEADER" sh -c 'for l in ptmx fd stdin stdout stderr; do echo "$l -> $(readlink /dev/$l)"; done')
assert_eq "ptmx -> pts/ptmx
fd -> /proc/self/fd
stdin -> /proc/self/fd/0
stdout -> /proc/self/fd/1
stderr -> /proc/self/fd/2" "$links" "/dev symlinks"

for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
        IFS=: read -r name maj min <<<"$node"
        assert_eq "$maj:$min" "$(in_guest "$LEADER" stat -c '%t:%T' "/dev/$name" |
                { IFS=: read -r a b; printf '%d:%d' "0x$a" "0x$b"; })" "device number of /dev/$name"
        assert_eq "/dev/$name" "$(in_guest "$LEADER" readlink -f "/dev/char/$maj:$min")" "/dev/char/$maj:$min"
done
in_guest "$LEADER" sh -c 'echo probe >/dev/null && head -c 4 /dev/zero | od -An -tx1' |
        grep -q '00 00 00 00' || fail "/dev/null or /dev/zero do not work"

# Mounts as seen inside: fstype and options of the mount at each point.
minfo=$(in_guest "$LEADER" cat /proc/self/mountinfo)
mount_of() { awk -v m="$1" '$5 == m { for (i = 7; $i != "-"; i++); r = $(i + 1) " " $6 " " $(i + 3) } END { print r }' <<<"$minfo"; }
read -r fstype _ opts <<<"$(mount_of /dev)"
assert_eq tmpfs "$fstype" "file system on /dev"
assert_contains "$opts" "mode=755" "/dev options"
assert_contains "$opts" "size=4096k" "/dev options"
assert_eq devpts "$(mount_of /dev/pts | cut -d' ' -f1)" "file system on /dev/pts"
assert_eq tmpfs "$(mount_of /dev/shm | cut -d' ' -f1)" "file system on /dev/shm"
assert_eq mqueue "$(mount_of /dev/mqueue | cut -d' ' -f1)" "file system on /dev/mqueue"
# nsboot(1): shm and /tmp are tmpfs of 10% of RAM, /run 20%; shm and /tmp sticky and world-writable.
mem_kib=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
tmpfs_is() {
        local where=$1 pct=$2 mode=$3 fstype opts size want
        read -r fstype _ opts <<<"$(mount_of "$where")"
        assert_eq tmpfs "$fstype" "file system on $where"
        size=$(sed -n 's/.*size=\([0-9]*\)k.*/\1/p' <<<"$opts")
        want=$((mem_kib * pct / 100))
        ((size > 0 && size - want < mem_kib / 500 + 8 && want - size < mem_kib / 500 + 8)) ||
                fail "$where: size ${size}k, expected about ${want}k ($pct% of ${mem_kib}k)"
        assert_contains "$(in_guest "$LEADER" stat -c %a "$where")" "${mode#0}" "$where permissions"
}
tmpfs_is /dev/shm 10 1777
tmpfs_is /tmp 10 1777
tmpfs_is /run 20 755
assert_eq devpts "$(mount_of /dev/console | cut -d' ' -f1)" "/dev/console is a bind-mounted pty"

# A new devpts instance: not the host's (which would expose the host's terminals).
host_pts_dev=$(awk '$5 == "/dev/pts" { print $3 }' /proc/self/mountinfo | tail -n 1)
guest_pts_dev=$(awk '$5 == "/dev/pts" { print $3 }' <<<"$minfo" | tail -n 1)
assert_ne "$host_pts_dev" "$guest_pts_dev" "device of /dev/pts (host vs guest)"

poweroff_guest

# lxc.autodev.tmpfs.size (nsboot.dev-size): the /dev tmpfs's size, in LXC's bytes (tmpfs rounds up
# to pages) or with a suffix; empty for nsboot's 4M; a bad value names file:line and starts nothing.
name=$(basename "$tree")
dev_size() { sed -n 's/.*[ ,]size=\([0-9]*k\).*/\1/p' <<<"$(output | awk '$5 == "/dev" { print $NF }')"; }
for v in "500000:492k" "2M:2048k" ":4096k"; do
        echo "lxc.autodev.tmpfs.size = ${v%%:*}" >"$WORKDIR/dev.conf"
        nsboot_run --config="$WORKDIR/dev.conf" -D "$tree" /bin/cat /proc/self/mountinfo
        assert_rc 0 "lxc.autodev.tmpfs.size = ${v%%:*}"
        assert_eq "${v#*:}" "$(dev_size)" "size of /dev with lxc.autodev.tmpfs.size = ${v%%:*}"
done
for bad in 0 1000 -1 lots 2P; do
        printf 'nsboot.hostname = x\nlxc.autodev.tmpfs.size = %s\n' "$bad" >"$WORKDIR/dev.conf"
        nsboot_run --config="$WORKDIR/dev.conf" -M "$name" -D "$tree" /bin/echo ran
        assert_rc 1 "lxc.autodev.tmpfs.size = $bad"
        assert_file_contains "$NSBOOT_ERR" "$WORKDIR/dev.conf:2: lxc.autodev.tmpfs.size: invalid value '$bad'"
        assert_file_not_contains "$NSBOOT_OUT" ran "the command ran with lxc.autodev.tmpfs.size = $bad"
        assert_file_not_exists "/run/nsboot/machines/$name"
done

# lxc.autodev = 0 (the tree's static /dev, as old templates made it) is tightened: a static node the
# tree has is not there, nsboot's /dev is, with a warning that says how to add nodes.
mknod -m 0660 "$tree/dev/ttyS0" c 4 64
printf 'lxc.autodev = 0\n' >"$WORKDIR/dev.conf"
nsboot_run --config="$WORKDIR/dev.conf" -D "$tree" /bin/sh -c '[ -e /dev/ttyS0 ] && echo static-node; [ -c /dev/null ] && echo null; awk "\$5 == \"/dev\" { print \$9 }" /proc/self/mountinfo'
assert_rc 0 "lxc.autodev = 0"
assert_eq "null"$'\n'"tmpfs" "$(output)" "nsboot's own /dev, without the tree's static node"
assert_file_contains "$NSBOOT_ERR" "$WORKDIR/dev.conf:1: lxc.autodev: tightened: nsboot always gives the container its own /dev"
rm -f "$tree/dev/ttyS0"
