#!/bin/bash
# --bind-user: a host user in the guest, as systemd-nspawn's --bind-user. The user gets guest id
# 60514.. (the first one free in the tree's /etc/passwd and /etc/group), which the guest's user
# namespace maps to its host uid and gid alone; its home is bound at /run/host/home/NAME (nosuid,
# nodev, idmapped to the user's ids alone), and JSON records in /run/host/userdb make it known to
# the guest's nss-systemd; no password hash leaves the host. -u finds it; a booted Debian guest
# resolves it (getent, runuser) and its files land on the host as the host user's. Bad users (root,
# nobody, a home that is / or not the user's), modes and trees (a huge /etc/group) are refused
# naming the option, before anything is made.
#
# The host users are the test's own: its own mount namespace binds copies of /etc/passwd, group
# and shadow with them added, so the machine's user database never changes.
if [[ -z ${NSBT_OWN_MOUNT_NS:-} ]]; then
        NSBT_OWN_MOUNT_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# Host ids free for the test's users: U..U+6, none of them known to the host.
U=47110
while getent passwd $U $((U + 1)) $((U + 2)) $((U + 3)) $((U + 4)) $((U + 5)) $((U + 6)) >/dev/null ||
        getent group $U $((U + 1)) $((U + 2)) $((U + 3)) $((U + 4)) $((U + 5)) $((U + 6)) >/dev/null; do
        U=$((U + 7))
done
mkdir -p "$WORKDIR/etc" "$WORKDIR/home/nsbtu" "$WORKDIR/home/nsbtv" "$WORKDIR/home/nsbtshared" "$WORKDIR/home/nsbtc"
for f in passwd group shadow; do
        cp -a "/etc/$f" "$WORKDIR/etc/$f"
done
cat >>"$WORKDIR/etc/passwd" <<EOF
nsbtu:x:$U:$U:Bound User:$WORKDIR/home/nsbtu:/bin/bash
nsbtv:x:$((U + 1)):$((U + 1))::$WORKDIR/home/nsbtv:/bin/sh
nsbtshared:x:$((U + 2)):100::$WORKDIR/home/nsbtshared:/bin/sh
nsbtc:x:$((U + 3)):$((U + 3))::$WORKDIR/home/nsbtc:/bin/sh
nsbtnohome:x:$((U + 4)):$((U + 4))::$WORKDIR/home/missing:/bin/sh
nsbtslash:x:$((U + 5)):$((U + 5))::/:/bin/sh
nsbtforeign:x:$((U + 6)):$((U + 6))::$WORKDIR/home/nsbtforeign:/bin/sh
EOF
cat >>"$WORKDIR/etc/group" <<EOF
nsbtu:x:$U:
nsbtv:x:$((U + 1)):
nsbtc:x:$((U + 3)):
nsbtnohome:x:$((U + 4)):
nsbtslash:x:$((U + 5)):
nsbtforeign:x:$((U + 6)):
EOF
mkdir "$WORKDIR/home/nsbtforeign" # root's, not the user's
echo 'nsbtu:$6$nsboot$bindusertesthash:19000:0:99999:7:::' >>"$WORKDIR/etc/shadow"
for f in passwd group shadow; do
        mount --bind "$WORKDIR/etc/$f" "/etc/$f"
done
assert_eq "$U" "$(id -u nsbtu)" "the test's host user"
chown "$U:$U" "$WORKDIR/home/nsbtu"
chown "$((U + 1)):$((U + 1))" "$WORKDIR/home/nsbtv"
chown "$((U + 3)):$((U + 3))" "$WORKDIR/home/nsbtc"
chmod 0700 "$WORKDIR/home/nsbtu" "$WORKDIR/home/nsbtv"
echo "from the host" >"$WORKDIR/home/nsbtu/hostfile"
chown "$U:$U" "$WORKDIR/home/nsbtu/hostfile"

busybox_tree tree

# -u: the bound user, its ids, its home; what it writes is the host user's.
show='echo "$(id -u):$(id -g) HOME=$HOME USER=$USER SHELL=$SHELL"; cat ~/hostfile; echo guest >~/guestfile'
nsboot_run -D "$tree" --bind-user=nsbtu -u nsbtu /bin/sh -c "$show"
assert_rc 0
assert_eq "60514:60514 HOME=/run/host/home/nsbtu USER=nsbtu SHELL=/bin/sh"$'\n'"from the host" "$(output)" "-u of a bound user"
assert_eq "$U $U" "$(stat -c '%u %g' "$WORKDIR/home/nsbtu/guestfile")" "host owner of a file the bound user wrote"
# by its guest uid too, and with the host's shell
nsboot_run -D "$tree" --bind-user=nsbtu --bind-user-shell=yes -u 60514 /bin/sh -c 'echo $USER $SHELL'
assert_rc 0
assert_eq "nsbtu /bin/bash" "$(output)" "-u 60514 with --bind-user-shell=yes"

# Booted, two users: the maps from the host, the records and mounts from inside.
boot_sleeping "$tree" --bind-user=nsbtu --bind-user=nsbtv
base=$(awk '$1 == 0 { print $2 }' "/proc/$LEADER/uid_map")
for map in uid_map gid_map; do
        assert_eq "0 $base 60514
60514 $U 1
60515 $((U + 1)) 1
60516 $((base + 60516)) 5020" "$(awk '{ print $1, $2, $3 }' "/proc/$LEADER/$map")" "$map with two bound users"
done
assert_eq "60514 60514 700
60515 60515 700" "$(in_guest "$LEADER" sh -c 'cd /run/host/home && stat -c "%u %g %a" nsbtu nsbtv')" "the homes inside"
assert_eq '{"userName":"nsbtu","uid":60514,"gid":60514,"homeDirectory":"/run/host/home/nsbtu","service":"nsboot"}' \
        "$(in_guest "$LEADER" cat /run/host/userdb/nsbtu.user)" "user record"
assert_eq '{"groupName":"nsbtv","gid":60515,"service":"nsboot"}' \
        "$(in_guest "$LEADER" cat /run/host/userdb/60515.group)" "group record by gid"
# The host's password hash stays on the host (systemd-nspawn copies it, for the guest's root to read).
assert_eq "60514.group 60514.user 60515.group 60515.user nsbtu.group nsbtu.user nsbtv.group nsbtv.user" \
        "$(in_guest "$LEADER" ls /run/host/userdb | xargs)" "the records"
in_guest "$LEADER" grep -r bindusertesthash /run/host && fail "the host's password hash is in the guest"
opts=$(awk '$5 == "/run/host/home/nsbtu" { print $6 }' "/proc/$LEADER/mountinfo")
assert_match "$opts" "nosuid" "the home's mount options"
assert_match "$opts" "nodev" "the home's mount options"
assert_eq 1 "$(awk '$5 == "/run/host/home/nsbtu"' "/proc/$LEADER/mountinfo" | wc -l)" "the home is mounted once"
assert_match "$(awk '$5 == "/run/host/home/nsbtu" { print $6 }' "/proc/$LEADER/mountinfo")" "idmapped" \
        "the home's mount"
# The guest's root can change the bound user's files (as with systemd-nspawn), and nothing more of
# the host's: the records are read-only; in the home (idmapped to the user's ids alone) it makes no
# file of its own, a setuid one say, for the host user to find, nor a device node.
in_guest "$LEADER" sh -c 'echo x >/run/host/userdb/evil.user' 2>/dev/null && fail "the guest's root wrote /run/host/userdb"
in_guest "$LEADER" sh -c 'echo more >>/run/host/home/nsbtu/hostfile' || fail "the guest's root cannot change the user's file"
assert_eq "$U $U" "$(stat -c '%u %g' "$WORKDIR/home/nsbtu/hostfile")" "the user's file, changed by the guest's root"
in_guest "$LEADER" sh -c 'cp /bin/busybox /run/host/home/nsbtu/suid' 2>/dev/null &&
        fail "the guest's root made a file of its own in the bound home"
assert_file_not_exists "$WORKDIR/home/nsbtu/suid"
in_guest "$LEADER" sh -c 'chown 0:0 /run/host/home/nsbtu/hostfile' 2>/dev/null &&
        fail "the guest's root gave the user's file to itself"
in_guest "$LEADER" mknod /run/host/home/nsbtu/null c 1 3 2>/dev/null && fail "the guest made a device node in a bound home"
assert_file_not_exists "$WORKDIR/home/nsbtu/null"
poweroff_guest

# A tree whose /etc/passwd has 60514 already: the user gets the next free id.
cp "$tree/etc/passwd" "$WORKDIR/passwd.orig"
echo 'other:x:60514:60514::/:/bin/sh' >>"$tree/etc/passwd"
nsboot_run -D "$tree" --bind-user=nsbtu -u nsbtu /bin/sh -c 'id -u; cat /proc/self/uid_map'
assert_rc 0
assert_eq 60515 "$(output | head -n 1)" "the next free id"
assert_contains "$(output | awk '{ print $1, $2, $3 }')" "60515 $U 1" "uid_map with the next free id"
cp "$WORKDIR/passwd.orig" "$tree/etc/passwd"

# Refused before anything is made, naming the option.
assert_refused nsbtbad1 "an unknown user" "--bind-user=nsbtnone: no such user on the host" \
        -D "$tree" --bind-user=nsbtnone /bin/true
assert_refused nsbtbad2 "root" "--bind-user=root: the host's root cannot be bound" -D "$tree" --bind-user=root /bin/true
assert_refused nsbtbad3 "nobody" "the host's nobody (65534) cannot be bound" -D "$tree" --bind-user=nobody /bin/true
assert_refused nsbtbad4 "a user without a group of its own" "--bind-user=nsbtshared: the user's group is 'users'" \
        -D "$tree" --bind-user=nsbtshared /bin/true
assert_refused nsbtbad5 "a missing home" "--bind-user=nsbtnohome: the user's home directory $WORKDIR/home/missing" \
        -D "$tree" --bind-user=nsbtnohome /bin/true
assert_refused nsbtbad12 "a home that is the host's /" "--bind-user=nsbtslash: the user's home is the host's root directory" \
        -D "$tree" --bind-user=nsbtslash /bin/true
assert_refused nsbtbad13 "a home of another owner" "--bind-user=nsbtforeign: the user's home $WORKDIR/home/nsbtforeign belongs to uid 0" \
        -D "$tree" --bind-user=nsbtforeign /bin/true
# A tree's huge /etc/group is refused at once, not parsed for minutes.
cp -a "$tree/etc/group" "$WORKDIR/group.orig"
truncate -s 64M "$tree/etc/group"
NSBOOT_TIMEOUT=20 assert_refused nsbtbad14 "a huge /etc/group" "--bind-user: the guest's /etc/group is larger than" \
        -D "$tree" --bind-user=nsbtu /bin/true
cp -a "$WORKDIR/group.orig" "$tree/etc/group"
echo 'nsbtc:x:1234:' >>"$tree/etc/group"
assert_refused nsbtbad6 "a name the guest has" "--bind-user=nsbtc: the guest has a user or group of that name" \
        -D "$tree" --bind-user=nsbtc /bin/true
assert_refused nsbtbad7 "the privileged mode" "--bind-user= needs the guest's own user namespace" \
        -D "$tree" --bind-user=nsbtu --private-users=no /bin/true
assert_refused nsbtbad8 "a host uid in the guest's range" "--bind-user=nsbtu: host uid $U is one of the guest's own" \
        -D "$tree" --bind-user=nsbtu --private-users=identity /bin/true
assert_refused nsbtbad9 "a range without 60514" "does not map id 60514" \
        -D "$tree" --bind-user=nsbtu --private-users=1179648:60000 /bin/true
assert_refused nsbtbad10 "a bad name" "--bind-user: invalid value 'a/b'" -D "$tree" --bind-user=a/b /bin/true
assert_refused nsbtbad11 "a relative shell" "--bind-user-shell: invalid value 'bash'" \
        -D "$tree" --bind-user=nsbtu --bind-user-shell=bash /bin/true
NSBOOT_TIMEOUT=20 nsboot_run --check -D "$tree" --bind-user=nsbtnone
assert_rc 1 "--check of an unknown user"
assert_file_contains "$NSBOOT_ERR" "--bind-user=nsbtnone: no such user on the host"

# A FIFO where the tree's /etc/passwd belongs is not read (nor waited on) by nsboot (the command
# does not read it either: id would wait on it).
mv "$tree/etc/passwd" "$WORKDIR/passwd.tree"
mkfifo "$tree/etc/passwd"
NSBOOT_TIMEOUT=20 nsboot_run -D "$tree" --bind-user=nsbtu -u nsbtu /bin/sh -c 'awk "/^Uid:/ { print \$2 }" /proc/self/status'
assert_rc 0 "a FIFO as the tree's /etc/passwd"
assert_eq 60514 "$(output)" "the bound user beside a FIFO /etc/passwd"
rm "$tree/etc/passwd"
mv "$WORKDIR/passwd.tree" "$tree/etc/passwd"

# A booted Debian guest knows the user through nss-systemd (the tree has libnss-systemd): getent,
# runuser; a file it makes is the host user's.
debian_tree deb
nsboot_start -D "$deb" -b --bind-user=nsbtu --bind-user-shell=/bin/sh
LEADER=$(leader_pid "$NSBOOT_PID" 60)
wait_booted "$LEADER"
assert_no_failed_units "$LEADER"
assert_eq "nsbtu:x:60514:60514:nsbtu:/run/host/home/nsbtu:/bin/sh" "$(in_guest "$LEADER" getent passwd nsbtu)" "getent passwd"
assert_eq "nsbtu:x:60514:" "$(in_guest "$LEADER" getent group 60514)" "getent group"
assert_eq "60514 /run/host/home/nsbtu" \
        "$(in_guest "$LEADER" runuser -u nsbtu -- sh -c 'cd && id -u && pwd && echo booted >booted' | xargs)" "runuser"
assert_eq "$U $U" "$(stat -c '%u %g' "$WORKDIR/home/nsbtu/booted")" "host owner of a file made in the booted guest"
kill -TERM "$NSBOOT_PID"
nsboot_wait 60
assert_rc 0 "poweroff of the Debian guest"
exit 0
