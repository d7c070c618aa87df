#!/bin/bash
# nsbootctl export NAME FILE (machinectl export-tar): a stopped machine's tree as a tarball, plain
# or compressed by FILE's suffix, that create --from= takes back with the same files (owners by
# number, modes, setuid, hard links, device nodes, FIFOs, symbolic links, user and trusted extended
# attributes, a file capability, a sparse file kept sparse); the archive is root's alone (0600)
# and appears only when complete; a btrfs subvolume in the tree is in it. A hostile tree (a FIFO,
# a socket, a symbolic link to the host's /etc/shadow) neither hangs the export nor puts host
# files in the archive. Refused, naming what is wrong and leaving no file: a running machine, an
# existing FILE, a file system mounted in the tree, a FILE inside the tree, a name that is no
# tarball's, an invalid or unknown machine, a full file system half-way; Ctrl-C and SIGTERM
# half-way leave no file and no tar running either.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init
require_cmd python3 tar xz zstd bzip2 gzip setcap
# shellcheck source=test/lib/ctl-create.sh
. "$SRCDIR/test/lib/ctl-create.sh"

# The machine to export: a busybox tree with every kind of file.
new_name m
forget "$m"
busybox_tree bb
every_kind_of_file "$bb"
ln -s /etc/shadow "$bb/srv/data/host-shadow"
truncate -s 1G "$bb/srv/data/sparse"
echo end >>"$bb/srv/data/sparse"
cp -a "$bb" "$MACHINES/$m"
want=$(manifest "$MACHINES/$m")
assert_contains "$want" "security.capability=" "the source's file capability"
out=$(ctl export "$m" "$WORKDIR/m.tar.zst" 2>&1) || fail "export failed: $out"
assert_eq "" "$out" "export in a script prints nothing"
assert_eq 600 "$(stat -c %a "$WORKDIR/m.tar.zst")" "the archive's mode"
assert_eq "28b52ffd" "$(od -An -tx1 -N4 "$WORKDIR/m.tar.zst" | tr -d ' \n')" "zstd's magic for .tar.zst"
assert_file_not_exists "$WORKDIR/.m.tar.zst.partial" "the partial archive"
# The archive is smaller than the sparse file it holds.
(($(stat -c %s "$WORKDIR/m.tar.zst") < 100 * 1024 * 1024)) || fail "the sparse file was archived as data"

# create --from= takes it back, the same files.
new_name back
forget "$back"
ctl create "$back" --from="$WORKDIR/m.tar.zst" || fail "create --from= the export failed"
got=$(manifest "$MACHINES/$back")
[[ $got == "$want" ]] || { diff <(echo "$want") <(echo "$got"); fail "the tree imported from the export differs"; }
(($(du -k "$MACHINES/$back/srv/data/sparse" | cut -f1) < 1024)) || fail "the sparse file is no longer sparse"
# And it boots.
nsboot_start -M "$back" sleep
wait_output '^NSBOOT-TEST: ready=1'
assert_eq 1 "$(fact pid)" "testinit's PID in the machine made from the export"

# --- A hostile tree: a socket, a FIFO, a link to a host file.
mkdir "$MACHINES/$m/srv/sockets"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$MACHINES/$m/srv/sockets/socket"
ctl export "$m" "$WORKDIR/hostile.tar" || fail "export of the hostile tree failed"
listing=$(tar -tvf "$WORKDIR/hostile.tar")
assert_contains "$listing" "./srv/data/host-shadow -> /etc/shadow" "a symbolic link to a host file stays a link"
assert_not_contains "$listing" "sockets/socket" "a socket is no file to archive"
# A file system mounted in the tree (or a host directory bound there) is refused, as by clone:
# left out it made an incomplete archive, a bind mount of the same file system went in whole.
mkdir "$MACHINES/$m/mnt/other"
mount -t tmpfs -o size=1m nsboot-test "$MACHINES/$m/mnt/other"
at_exit "umount '$MACHINES/$m/mnt/other' 2>/dev/null"
refused_mount=$(ctl export "$m" "$WORKDIR/mounted.tar" 2>&1) && fail "export of a tree with a mount in it succeeded"
assert_contains "$refused_mount" "$MACHINES/$m/mnt/other is mounted in the machine's" "the mount named"
assert_file_not_exists "$WORKDIR/mounted.tar" "an archive of a tree with a mount in it"
assert_file_not_exists "$WORKDIR/.mounted.tar.partial" "a partial archive of a tree with a mount in it"
umount "$MACHINES/$m/mnt/other"

# A btrfs subvolume in the tree (docker's, snapper's, systemd-tmpfiles' /var/lib/machines) is the
# tree's: in the archive (tar's --one-file-system left it out).
if grep -qw btrfs /proc/filesystems && command -v mkfs.btrfs >/dev/null && command -v btrfs >/dev/null; then
        mkdir "$WORKDIR/bimg"
        mount -t tmpfs -o size=310m nsboot-test "$WORKDIR/bimg"
        at_exit "_umount '$WORKDIR/bimg'"
        truncate -s 300M "$WORKDIR/bimg/btrfs.img"
        mkfs.btrfs -q "$WORKDIR/bimg/btrfs.img" >/dev/null
        new_name bt
        forget "$bt"
        mkdir "$MACHINES/$bt"
        mount -o loop "$WORKDIR/bimg/btrfs.img" "$MACHINES/$bt"
        at_exit "_umount '$MACHINES/$bt'"
        mkdir -p "$MACHINES/$bt/var/lib"
        btrfs -q subvolume create "$MACHINES/$bt/var/lib/docker"
        echo in-subvolume >"$MACHINES/$bt/var/lib/docker/data"
        ctl export "$bt" "$WORKDIR/bt.tar" || fail "export of a tree with a btrfs subvolume failed"
        assert_eq in-subvolume "$(tar -xOf "$WORKDIR/bt.tar" ./var/lib/docker/data)" "a btrfs subvolume's file in the archive"
        # Gone before the running machine's nsboot ends: its check of the mount table.
        _umount "$MACHINES/$bt"
        _umount "$WORKDIR/bimg"
else
        log "no btrfs here: a subvolume in the tree is not tested"
fi

# --- Refusals: nothing is written.
# refused ARGS... -- EXPECTED: export fails with EXPECTED in its message.
refused() {
        local expected=${*: -1} out
        out=$(ctl export "${@:1:$#-1}" 2>&1) && fail "export $* succeeded"
        log "export ${*:1:$#-1}: $out"
        assert_contains "$out" "$expected"
}
refused "$back" "$WORKDIR/running.tar" "$back"
assert_file_not_exists "$WORKDIR/running.tar" "an archive of a running machine"
assert_file_not_exists "$WORKDIR/.running.tar.partial" "a partial archive of a running machine"
ctl stop "$back"
nsboot_wait 10
assert_rc 0 "nsboot of the machine made from the export after stop"
# A throwaway copy (-x) never writes to the tree: the export may read it meanwhile (shared locks).
boot_sleeping "$MACHINES/$back" -x
ctl export "$back" "$WORKDIR/while-x.tar" || fail "export while a -x copy of the tree runs"
assert_contains "$(tar -tf "$WORKDIR/while-x.tar")" "./etc/os-release" "the export made beside -x"
poweroff_guest

refused "$m" "$WORKDIR/m.tar.zst" "exists already"
refused "$m" "$MACHINES/$m/srv/self.tar" "is inside the tree of machine '$m'"
refused "$m" "$MACHINES/$m/self.tar" "is inside the tree of machine '$m'"
assert_file_not_exists "$MACHINES/$m/srv/.self.tar.partial" "a partial archive inside the tree"
refused "$m" "$WORKDIR/m.zip" "not a tarball's name"
refused "../etc" "$WORKDIR/x.tar" "not a valid machine name"
new_name nosuch
refused "$nosuch" "$WORKDIR/x.tar" "No machine '$nosuch'"
assert_file_not_exists "$WORKDIR/x.tar" "an archive of no machine"

# A full file system half-way: no archive, no partial one.
head -c 4M /dev/urandom >"$MACHINES/$m/srv/data/random"
mkdir "$WORKDIR/small"
mount -t tmpfs -o size=1m nsboot-test "$WORKDIR/small"
at_exit "umount '$WORKDIR/small'"
refused "$m" "$WORKDIR/small/m.tar" "Could not export machine '$m'"
assert_eq "" "$(ls -A "$WORKDIR/small")" "what a failed export left"

# Every suffix gives its compression, and tar reads each back.
declare -A magic=([tar]=7573746172 [tar.gz]=1f8b [tgz]=1f8b [tar.xz]=fd377a585a [txz]=fd377a585a
        [tar.bz2]=425a68 [tbz2]=425a68 [tzst]=28b52ffd)
for suffix in "${!magic[@]}"; do
        file=$WORKDIR/all.$suffix
        ctl export "$m" "$file" || fail "export to .$suffix failed"
        want=${magic[$suffix]}
        if [[ $suffix == tar ]]; then
                got=$(od -An -tx1 -j257 -N5 "$file" | tr -d ' \n')
        else
                got=$(od -An -tx1 -N$((${#want} / 2)) "$file" | tr -d ' \n')
        fi
        assert_eq "$want" "$got" "the magic of .$suffix"
        tar -tf "$file" ./srv/data/random >/dev/null || fail "tar cannot read the .$suffix export"
done

# Interrupted half way (Ctrl-C reaches nsbootctl and tar; SIGTERM nsbootctl alone): the partial
# archive is removed and tar has ended before nsbootctl does, and the machine's lock goes with it.
head -c 64M /dev/urandom >"$MACHINES/$m/srv/data/random"
for sig in INT TERM; do
        file=$WORKDIR/intr-$sig.tar.xz
        start_interruptible ctl_pid "$CTL" export "$m" "$file"
        retry 20 test -s "$WORKDIR/.intr-$sig.tar.xz.partial" || fail "no partial archive while exporting"
        if [[ $sig == INT ]]; then kill -INT -- "-$ctl_pid"; else kill -TERM "$ctl_pid"; fi
        rc=0
        timeout 60 tail --pid="$ctl_pid" -f /dev/null || fail "nsbootctl export did not end after SIG$sig"
        wait "$ctl_pid" || rc=$?
        assert_ne 0 "$rc" "nsbootctl export after SIG$sig"
        assert_file_not_exists "$WORKDIR/.intr-$sig.tar.xz.partial" "the partial archive after SIG$sig"
        assert_file_not_exists "$file" "the archive after SIG$sig"
        [[ -z $(pgrep -f -- "--directory $MACHINES/$m --numeric-owner") ]] || fail "tar still runs after SIG$sig"
        # (flock(1) would make the file: the lock is released when it is gone or free.)
        lockf=/run/nsboot/locks/machine-$m
        [[ ! -e $lockf ]] || flock -n "$lockf" true || fail "the machine's lock is held after SIG$sig"
        assert_file_not_exists "$lockf" "the machine's lock file after SIG$sig"
done
exit 0
