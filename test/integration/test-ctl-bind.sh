#!/bin/bash
# nsbootctl bind: host directories and files mounted into running machines, without
# systemd-machined, in the default user namespace mode and with --private-users=no. A busybox guest
# on a tmpfs of its own (its root attacks the binds): a directory read-write (idmapped in the default
# mode) and read-only, a file; seen from inside (contents, writes) and in the mountinfo of the
# guest's PID 1 from the host (ro, nosuid, nodev, the mount below the source with it). The guest's
# root cannot make them writable or suid again (mount -o remount,bind, mount_setattr(2), on a
# clone too: test/fixtures/bind-probe.c), nor unmount the mount below to see what it hides;
# a device node on the bind cannot be opened and a setuid file there gives no privilege, where
# the same on the guest's own files does (the controls). Guest paths that are symlinks to host
# paths, to /proc/self/root/.. or up with ../.. land inside the guest, created there with --mkdir;
# bad input is refused with a message and leaves nothing behind; nothing of any of it is ever
# mounted on the host, and nothing remains once the machine stops. Last, one bind in a booted
# Debian guest.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init
PROBE=$(fixture_binary bind-probe)

# tmpfs_at DIR [SIZE]: a tmpfs of its own at DIR, unmounted at the end.
tmpfs_at() {
        mkdir -p "$1"
        mount -t tmpfs -o "size=${2:-64m},mode=0755" "nsbt-bind-$$" "$1"
        at_exit "mount -o remount,rw '$1' 2>/dev/null; _umount '$1'"
}

# The host's sources: a directory with a file, a device node, a setuid-root program and a tmpfs
# mounted on sub/ that hides sub/hidden; and a single file.
src=$WORKDIR/src
tmpfs_at "$src"
mkdir -p "$src/dir/sub"
echo from-host >"$src/dir/file"
echo hidden >"$src/dir/sub/hidden"
mknod -m 666 "$src/dir/null" c 1 3
install -m 4755 "$PROBE" "$src/dir/suid-probe"
mount -t tmpfs -o size=1m "nsbt-bind-sub-$$" "$src/dir/sub"
at_exit "_umount '$src/dir/sub'"
echo visible >"$src/dir/sub/visible"
echo one-file >"$src/single"

# guest_mounts PATH: the mountinfo lines of the guest's PID 1 for mount point PATH.
guest_mounts() {
        awk -v p="$1" '$5 == p' "/proc/$LEADER/mountinfo"
}

# guest_mount_opts PATH: the per-mount options of the topmost mount at PATH in the guest.
guest_mount_opts() {
        guest_mounts "$1" | tail -n 1 | awk '{ print $6 }'
}

# refused WHAT MESSAGE ARGS...: nsbootctl ARGS fails saying MESSAGE; neither the host's mounts nor
# the guest's change.
refused() {
        local what=$1 msg=$2 before out
        shift 2
        before=$(cat "/proc/$LEADER/mountinfo")
        mounts_snapshot
        out=$(ctl "$@" 2>&1) && fail "$what: nsbootctl $* succeeded"
        log "$what: $out"
        assert_contains "$out" "$msg" "$what: the message"
        assert_eq "$before" "$(cat "/proc/$LEADER/mountinfo")" "$what: the guest's mounts changed"
        mounts_check "$what"
}

# probe CMD...: bind-probe in the guest.
probe() {
        in_guest "$LEADER" /bin/bind-probe "$@" 2>&1 || true
}

run_mode() {
        local mode=$1 tree name opts out
        new_name name
        tmpfs_at "$WORKDIR/$name"
        busybox_tree tree "$name"
        install -m 755 "$PROBE" "$tree/bin/bind-probe"
        install -m 4755 "$PROBE" "$tree/bin/suid-control"
        mkdir -p "$tree/mnt/existing" "$tree/own"
        # shellcheck disable=SC2046 # nothing or one word
        boot_sleeping "$tree" $([[ $mode == default ]] || echo --private-users=no)
        mounts_snapshot

        log "$mode: binds"
        ctl bind --mkdir --options=idmap "$name" "$src/dir" /mnt/rw || fail "bind rw failed"
        ctl bind --read-only "$name" "$src/dir" /mnt/existing || fail "bind ro failed"
        ctl bind --mkdir "$name" "$src/single" /etc/single || fail "bind of a file failed"
        mounts_check "$mode: after the binds"
        opts=$(guest_mount_opts /mnt/rw)
        assert_match "$opts" "^rw,nosuid,nodev" "$mode: the rw bind's flags in the guest's mountinfo"
        if [[ $mode == default ]]; then
                assert_contains "$opts" ",idmapped" "$mode: --options=idmap"
                assert_not_contains "$(guest_mount_opts /mnt/existing)" "idmapped" "$mode: no idmap by default"
        fi
        assert_match "$(guest_mount_opts /mnt/existing)" "^ro,nosuid,nodev" "$mode: the read-only bind's flags"
        assert_match "$(guest_mount_opts /mnt/existing/sub)" "^ro,nosuid,nodev" "$mode: the mount below it"
        assert_ne "" "$(guest_mounts /etc/single)" "$mode: the file bind"
        ctl bind --read-only --options=norbind --mkdir "$name" "$src/dir" /mnt/alone || fail "bind norbind failed"
        assert_match "$(guest_mount_opts /mnt/alone)" "^ro,nosuid,nodev" "$mode: the norbind bind's flags"
        assert_eq "" "$(guest_mounts /mnt/alone/sub)" "$mode: --options=norbind: no mount below"
        [[ -d $tree/mnt/rw ]] || fail "$mode: --mkdir made no /mnt/rw in the tree"

        log "$mode: inside"
        assert_eq from-host "$(in_guest "$LEADER" cat /mnt/rw/file)" "$mode: the rw bind's file"
        assert_eq one-file "$(in_guest "$LEADER" cat /etc/single)" "$mode: the file bind"
        assert_eq visible "$(in_guest "$LEADER" cat /mnt/existing/sub/visible)" "$mode: the mount below (rbind)"
        in_guest "$LEADER" sh -c 'echo from-guest > /mnt/rw/back' || fail "$mode: cannot write through the rw bind"
        assert_eq from-guest "$(cat "$src/dir/back")" "$mode: a write through the rw bind reaches the host"
        out=$(in_guest "$LEADER" touch /mnt/existing/x 2>&1) && fail "$mode: wrote through the read-only bind"
        assert_contains "$out" "Read-only file system" "$mode: the read-only bind"

        log "$mode: attacks"
        # The control: the same on a mount of the guest's own works, so a failure below is the lock.
        in_guest "$LEADER" mount -t tmpfs -o ro,nosuid,nodev,size=1m own /own || fail "$mode: cannot mount a tmpfs"
        assert_eq "remount /own: ok" "$(probe remount /own)" "$mode: control: remount of the guest's own mount"
        for op in remount setattr-rw clone-rw; do
                assert_eq "$op /mnt/existing: EPERM" "$(probe "$op" /mnt/existing)" "$mode: $op of the read-only bind"
                assert_eq "$op /mnt/existing/sub: EPERM" "$(probe "$op" /mnt/existing/sub)" \
                        "$mode: $op of the mount below the read-only bind"
        done
        assert_eq "remount-ro /mnt/existing: EPERM" "$(probe remount-ro /mnt/existing)" "$mode: suid,dev remount"
        assert_eq "remount /mnt/rw: EPERM" "$(probe remount /mnt/rw)" "$mode: suid,dev remount of the rw bind"
        assert_eq "setattr-suid /mnt/rw: EPERM" "$(probe setattr-suid /mnt/rw)" "$mode: mount_setattr suid,dev"
        assert_match "$(guest_mount_opts /mnt/existing)" "^ro,nosuid,nodev" "$mode: the flags after the attacks"
        # The mount below cannot go: what it hides on the host stays hidden.
        assert_eq "umount /mnt/existing/sub: EINVAL" "$(probe umount /mnt/existing/sub)" "$mode: umount below"
        out=$(in_guest "$LEADER" cat /mnt/existing/sub/hidden 2>&1) && fail "$mode: the hidden file: $out"
        # nodev: the host's /dev/null on the bind does not open; nosuid: the setuid program on the
        # idmapped bind (owned by the guest's root) runs as the user, the control in the tree as root.
        out=$(in_guest "$LEADER" sh -c 'echo x > /mnt/rw/null' 2>&1) && fail "$mode: opened a device node on the bind"
        assert_contains "$out" "Permission denied" "$mode: the device node on the bind"
        assert_eq "euid=0" "$(probe as 1000 /bin/suid-control euid)" "$mode: control: setuid in the tree"
        assert_eq "euid=1000" "$(probe as 1000 /mnt/rw/suid-probe euid)" "$mode: setuid on the bind"
        # The guest's root unmounts a bind as its own mount (there is no unbind verb): its own empty
        # directory is what is left.
        assert_eq "umount /mnt/existing: ok" "$(probe umount /mnt/existing)" "$mode: the guest unmounts a bind"
        assert_eq "" "$(in_guest "$LEADER" ls -A /mnt/existing)" "$mode: under the bind"
        mounts_check "$mode: after the attacks"

        hostile "$mode" "$tree" "$name"
        bad_input "$mode" "$tree" "$name"
        poweroff_guest
        assert_eq "" "$(grep -F "$src" /proc/self/mountinfo | grep -v " $src\(/dir/sub\)\? " || true)" \
                "$mode: a mount of the sources on the host"
}

# Symlinks the guest made: the mount point is always resolved inside the guest's root.
hostile() {
        local mode=$1 tree=$2 name=$3 hostdir=$WORKDIR/host-target
        mkdir -p "$hostdir"
        in_guest "$LEADER" sh -c "ln -s $hostdir /evil-abs; ln -s /proc/self/root/.. /evil-proc;
                ln -s ../../../../../up /mnt/evil-up" || fail "$mode: cannot make the symlinks"
        ctl bind --mkdir "$name" "$src/dir" /evil-abs/x || fail "$mode: bind on the absolute symlink failed"
        assert_file_not_exists "$hostdir/x" "$mode: created on the host through the guest's symlink"
        mountpoint -q "$hostdir" && fail "$mode: mounted on the host through the guest's symlink"
        assert_eq from-host "$(in_guest "$LEADER" cat "$hostdir/x/file")" "$mode: the bind, inside the guest"
        [[ -d $tree$hostdir/x ]] || fail "$mode: no $hostdir/x in the tree"
        ctl bind --mkdir "$name" "$src/dir" /mnt/evil-up/y || fail "$mode: bind on the ../.. symlink failed"
        assert_eq from-host "$(in_guest "$LEADER" cat /up/y/file)" "$mode: ../.. stays in the guest's root"
        out=$(ctl bind --mkdir "$name" "$src/dir" /evil-proc/z 2>&1) && fail "$mode: bind through /proc/self/root"
        log "$mode: /proc/self/root: $out"
        assert_file_not_exists "/z" "$mode: created on the host through /proc/self/root"
        # A guest that swaps the path meanwhile, between a directory and a symlink to the host path:
        # whatever each bind finds, it is inside the guest (read-only: the swapper's rm -rf).
        in_guest "$LEADER" sh -c "end=\$((\$(date +%s) + 6)); while [ \$(date +%s) -lt \$end ]; do
                rm -rf /swap; mkdir /swap; rm -rf /swap; ln -s $hostdir /swap; done" 2>/dev/null &
        swapper=$!
        for i in 1 2 3 4 5 6 7 8 9 10; do
                ctl bind --read-only --mkdir "$name" "$src/dir" "/swap/w$i" >/dev/null 2>&1 && log "$mode: swapped path: bind $i made"
        done
        wait "$swapper" || true
        assert_eq "" "$(ls -A "$hostdir")" "$mode: created on the host through a swapped path"
        mountpoint -q "$hostdir" && fail "$mode: mounted on the host through a swapped path"
        mounts_check "$mode: after the hostile paths"
}

bad_input() {
        local mode=$1 tree=$2 name=$3
        refused "$mode: relative host path" "Host path 'relative' is not an absolute path" bind "$name" relative /x
        refused "$mode: relative guest path" "Machine path 'x' is not an absolute path" bind "$name" "$src/dir" x
        refused "$mode: missing host path" "Host path '$src/none': No such file or directory" bind "$name" "$src/none"
        refused "$mode: no such machine" "Machine 'nsbtnone$$' is not running" bind "nsbtnone$$" "$src/dir" /x
        refused "$mode: missing guest path" "'/none' does not exist in the machine (--mkdir creates it)" \
                bind "$name" "$src/dir" /none
        refused "$mode: a file over a directory" "'/etc' in the machine is a directory, but the host path is not" \
                bind "$name" "$src/single" /etc
        refused "$mode: a directory over a file" "'/etc/passwd' in the machine is not a directory" \
                bind "$name" "$src/dir" /etc/passwd
        refused "$mode: bad --options" "--options=ro: expected a comma-separated list" \
                bind --options=ro "$name" "$src/dir" /mnt/existing
        assert_file_not_exists "$tree/none" "$mode: the missing guest path was created"
}

# A booted Debian guest: a service started after the bind, in a mount namespace of its own, sees
# it; util-linux's mount cannot make it writable.
debian_check() {
        local tree name out
        new_name name
        tmpfs_at "$WORKDIR/dfs" 1200m
        debian_tree tree "dfs/$name"
        nsboot_start -D "$tree" -b --private-network
        LEADER=$(leader_pid "$NSBOOT_PID" 30)
        wait_booted "$LEADER"
        mounts_snapshot
        ctl bind --read-only --mkdir "$name" "$src/dir" /srv/data || fail "debian: bind failed"
        mounts_check "debian: after the bind"
        assert_eq from-host "$(in_guest "$LEADER" systemd-run --wait -P -q -p PrivateTmp=yes cat /srv/data/file)" \
                "debian: the bind, seen by a service"
        out=$(in_guest "$LEADER" mount -o remount,bind,rw /srv/data 2>&1) && fail "debian: remounted the bind rw"
        log "debian: mount -o remount,bind,rw: $out"
        assert_match "$(guest_mount_opts /srv/data)" "^ro,nosuid,nodev" "debian: the bind's flags"
        in_guest "$LEADER" systemctl poweroff || true
        nsboot_wait 60
        assert_rc 0 "debian: exit status after systemctl poweroff"
}

run_mode default
run_mode no
debian_check
exit 0
