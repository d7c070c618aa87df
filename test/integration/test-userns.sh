#!/bin/bash
# User namespaces: by default the guest's root is an unprivileged host uid from a range picked and
# locked per machine, the root-owned tree is mounted idmapped (owners on disk never change), two
# guests get disjoint ranges; --private-users=no, BASE[:SIZE], identity and lxc.idmap choose
# otherwise; bad values are refused naming the option and leave nothing behind.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

host_ids() { # PID: "uid gid" of the process as the host sees it
        awk '$1 == "Uid:" { u = $2 } $1 == "Gid:" { g = $2 } END { print u, g }' "/proc/$1/status"
}

busybox_tree one
busybox_tree two

# Default: a range of its own, the lock file held while the guest runs.
boot_sleeping "$one"
first=$LEADER first_pid=$NSBOOT_PID
read -r uid gid <<<"$(host_ids "$first")"
((uid >= 524288 && uid % 65536 == 0)) || fail "default mode: guest root is host uid $uid"
assert_eq "$uid" "$gid" "host gid of the guest's root"
assert_eq "0 $uid 65536" "$(awk '{ print $1, $2, $3 }' "/proc/$first/uid_map")" "uid_map"
assert_eq "0 $uid 65536" "$(awk '{ print $1, $2, $3 }' "/proc/$first/gid_map")" "gid_map"
assert_file_exists "/run/nsboot/locks/uid-$uid"
assert_eq "0:0" "$(in_guest "$first" sh -c 'echo $(id -u):$(id -g)')" "ids inside"
in_guest "$first" sh -c 'echo x > /made-inside && mkdir /dir-inside'
assert_eq "0 0" "$(stat -c '%u %g' "$one/made-inside")" "owner on disk of a file made inside"
assert_eq "0 0" "$(stat -c '%u %g' "$one/dir-inside")" "owner on disk of a directory made inside"
# The tmpfs mounts the guest got belong to its root, not to the host's.
assert_match "$(awk '$5 == "/run" { print $0 }' "/proc/$first/mountinfo")" "uid=$uid,gid=$uid" "/run of the guest"
assert_contains "$(awk '$5 == "/" { print $6 }' "/proc/$first/mountinfo")" "idmapped" "root mount options"
# The guest's root is not the host's: host-owned files stay closed to it.
in_guest "$first" sh -c 'echo 1 > /proc/sys/kernel/printk' 2>/dev/null &&
        fail "the guest's root could write the host's kernel.printk"

# A second guest at the same time: another range.
NSBOOT_PID_SAVE=$NSBOOT_PID
boot_sleeping "$two"
read -r uid2 _ <<<"$(host_ids "$LEADER")"
((uid2 >= 524288)) || fail "second guest: root is host uid $uid2"
((uid2 >= uid + 65536 || uid2 + 65536 <= uid)) || fail "ranges overlap: $uid and $uid2"
poweroff_guest
NSBOOT_PID=$NSBOOT_PID_SAVE
poweroff_guest
assert_file_not_exists "/run/nsboot/locks/uid-$uid"
bad=$(find "$one" "$two" -xdev \( -uid +65535 -o -gid +65535 \) -print -quit)
[[ -z $bad ]] || fail "'$bad' is owned by $(stat -c %u:%g "$bad") on disk"

# --private-users=no: root is root.
boot_sleeping "$one" --private-users=no
assert_eq "0 0" "$(host_ids "$LEADER")" "host ids with --private-users=no"
assert_eq "0 0 4294967295" "$(awk '{ print $1, $2, $3 }' "/proc/$LEADER/uid_map")" "uid_map with --private-users=no"
poweroff_guest

# A fixed range; the tree is idmapped to it.
boot_sleeping "$one" --private-users=1179648:65536
assert_eq "1179648 1179648" "$(host_ids "$LEADER")" "host ids with --private-users=1179648:65536"
poweroff_guest

# -U is pick.
boot_sleeping "$one" -U
read -r uid _ <<<"$(host_ids "$LEADER")"
((uid >= 524288)) || fail "-U: guest root is host uid $uid"
poweroff_guest

# LXC's idmap lines, as an unprivileged LXC container has them.
cat >"$WORKDIR/idmap.conf" <<EOC
lxc.idmap = u 0 1245184 65536
lxc.idmap = g 0 1310720 65536
EOC
boot_sleeping "$one" --config="$WORKDIR/idmap.conf"
assert_eq "1245184 1310720" "$(host_ids "$LEADER")" "host ids with lxc.idmap"
assert_eq "0 1310720 65536" "$(awk '{ print $1, $2, $3 }' "/proc/$LEADER/gid_map")" "gid_map with lxc.idmap"
poweroff_guest

# A tree chowned to a range (as systemd-nspawn -U leaves it) keeps it with --private-users=yes,
# and is not idmapped again.
chown -R 1376256:1376256 "$two"
boot_sleeping "$two" --private-users=yes
assert_eq "1376256 1376256" "$(host_ids "$LEADER")" "host ids of a chowned tree with --private-users=yes"
assert_not_contains "$(awk '$5 == "/" { print $6 }' "/proc/$LEADER/mountinfo")" "idmapped" "root mount of a chowned tree"
poweroff_guest
# ... and in the default mode, a tree owned by another range is refused with advice.
nsboot_run -D "$two" /bin/true
assert_rc 1 "a tree owned by an unknown range"
assert_contains "$(cat "$NSBOOT_ERR")" "--private-users=1376256" "advice for a chowned tree"
chown -R 0:0 "$two"

# --private-users-ownership=chown shifts the owners on disk once, keeping set-user-ID bits.
chmod u+s "$two/bin/busybox"
boot_sleeping "$two" --private-users=1441792 --private-users-ownership=chown
assert_eq "1441792 1441792" "$(host_ids "$LEADER")" "host ids with ownership chown"
assert_eq "0 0" "$(in_guest "$LEADER" stat -c '%u %g' /etc/passwd)" "owner of /etc/passwd inside"
poweroff_guest
assert_eq "1441792 1441792" "$(stat -c '%u %g' "$two/etc/passwd")" "owner on disk after chown"
assert_eq "4755" "$(stat -c '%a' "$two/bin/busybox")" "set-user-ID bit after chown"
bad=$(find "$two" -xdev \( -uid -1441792 -o -gid -1441792 \) -print -quit)
[[ -z $bad ]] || fail "'$bad' was not shifted: $(stat -c %u:%g "$bad")"
chown -R 0:0 "$two"

# A range that holds an id of the host's /etc/passwd (a uid) or /etc/group (a gid) is passed over;
# each file is swapped for a copy with one more entry in a mount namespace of the test's own.
base=$("$NSBOOT" -q -D "$one" cat /proc/self/uid_map | awk '{ print $2 }')
[[ $base =~ ^[0-9]+$ ]] || fail "no range picked: '$base'"
for f in passwd group; do
        cp "/etc/$f" "$WORKDIR/$f"
        if [[ $f == passwd ]]; then
                echo "nsbtprobe:x:$((base + 7)):0::/nonexistent:/bin/false"
        else
                echo "nsbtprobe:x:$((base + 7)):"
        fi >>"$WORKDIR/$f"
        other=$(unshare -m sh -c 'mount --bind "$1" "/etc/$2" && exec "$3" -q -D "$4" cat /proc/self/uid_map' \
                sh "$WORKDIR/$f" "$f" "$NSBOOT" "$one" | awk '{ print $2 }')
        [[ $other =~ ^[0-9]+$ ]] || fail "no range picked with a host $f entry in range $base"
        [[ $other != "$base" ]] || fail "range $base picked although the host's /etc/$f has id $((base + 7)) in it"
done
assert_eq "$base" "$("$NSBOOT" -q -D "$one" cat /proc/self/uid_map | awk '{ print $2 }')" "the range without the entries"

# Bad values: named, nothing left behind (_after_run checks mounts, cgroups and locks).
for bad in 0:65536 abc 10:0 4294967295:2; do
        nsboot_run --private-users="$bad" -D "$one" /bin/true
        assert_rc 1 "--private-users=$bad"
        assert_contains "$(cat "$NSBOOT_ERR")" "private-users" "error for --private-users=$bad"
done
nsboot_run --private-users-ownership=maybe -D "$one" /bin/true
assert_rc 1 "--private-users-ownership=maybe"
printf 'lxc.idmap = u 1 1245184 65536\nlxc.idmap = g 1 1245184 65536\n' >"$WORKDIR/noroot.conf"
nsboot_run --config="$WORKDIR/noroot.conf" -D "$one" /bin/true
assert_rc 1 "lxc.idmap without root"
assert_contains "$(cat "$NSBOOT_ERR")" "lxc.idmap" "error names lxc.idmap"
printf 'lxc.idmap = u 0 1245184\n' >"$WORKDIR/short.conf"
nsboot_run --config="$WORKDIR/short.conf" -D "$one" /bin/true
assert_rc 1 "short lxc.idmap line"
assert_contains "$(cat "$NSBOOT_ERR")" "short.conf:1" "error names file:line"

# On the host's network a guest in a user namespace gets no CAP_NET_BIND_SERVICE (the host's low
# ports are not its to bind); with a network of its own, or --private-users=no, it keeps it.
capbnd() { nsboot_run -D "$one" "$@" /bin/sh -c 'grep CapBnd /proc/self/status' >&2; awk '{ print $2 }' "$NSBOOT_OUT"; }
bind_bit=$((1 << 10))
(( 0x$(capbnd) & bind_bit )) && fail "CAP_NET_BIND_SERVICE kept on the host's network in a user namespace"
(( 0x$(capbnd --private-network) & bind_bit )) || fail "CAP_NET_BIND_SERVICE missing with a private network"
(( 0x$(capbnd --private-users=no) & bind_bit )) || fail "CAP_NET_BIND_SERVICE missing with --private-users=no"
(( 0x$(capbnd --capability=net_bind_service) & bind_bit )) || fail "--capability=net_bind_service not honoured"
