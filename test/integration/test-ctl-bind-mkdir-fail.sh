#!/bin/bash
# nsbootctl bind --mkdir that fails after it made part of the mount point (the guest's tmpfs runs
# out of inodes half way down the path) takes back what it made, in the default user namespace mode
# and with --private-users=no: for a directory and for a file, below a directory that existed,
# which stays; nothing is mounted.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init

mkdir -p "$WORKDIR/src/dir"
echo host >"$WORKDIR/src/file"

# failed_bind NAME SOURCE PATH: nsbootctl bind --mkdir fails for lack of inodes.
failed_bind() {
        local out
        out=$(ctl bind --mkdir "$1" "$2" "$3" 2>&1) && fail "bind to $3 succeeded"
        log "bind --mkdir $2 $3: $out"
        assert_contains "$out" "No space left on device" "bind to $3"
}

bb=""
for mode in default no; do
        log "mode: $mode"
        busybox_tree bb
        name=$(basename "$bb")
        # shellcheck disable=SC2046 # nothing or one word
        boot_sleeping "$bb" $([[ $mode == default ]] || echo --private-users=no)
        # The tmpfs's root and /mnt/keep take two inodes; two more can be made.
        in_guest "$LEADER" mount -t tmpfs -o nr_inodes=4 nsbt-inodes /mnt
        in_guest "$LEADER" mkdir /mnt/keep
        failed_bind "$name" "$WORKDIR/src/dir" /mnt/keep/a/b/c/d
        failed_bind "$name" "$WORKDIR/src/file" /mnt/keep/x/y/z/file
        assert_eq "keep" "$(in_guest "$LEADER" ls -A /mnt)" "the guest's /mnt after the failed binds"
        assert_eq "" "$(in_guest "$LEADER" ls -A /mnt/keep)" "what the failed binds made"
        assert_eq "" "$(awk '$5 ~ "^/mnt/keep/"' "/proc/$LEADER/mountinfo")" "mounts of the failed binds"
        # The same binds where there is room.
        in_guest "$LEADER" umount /mnt
        ctl bind --mkdir "$name" "$WORKDIR/src/dir" /mnt/keep/a/b/c/d
        assert_eq "/mnt/keep/a/b/c/d" "$(awk '$5 == "/mnt/keep/a/b/c/d" { print $5 }' "/proc/$LEADER/mountinfo")" \
                "the bind where there is room"
        poweroff_guest
done
exit 0
