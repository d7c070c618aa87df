#!/bin/bash
# -i/--image: a GPT image with the Discoverable Partitions root (and /home) partition, a bare
# ext4 image and a squashfs image boot and run commands, in every user-namespace mode; the
# image policy ignores partitions; garbage, truncated and empty files are refused naming the
# file; and after every run, also after SIGKILL of nsboot, no loop device and no mount is left.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

require_cmd sfdisk mkfs.ext4 losetup
nsboot_has_option --image || skip "nsboot has no --image"
[[ -e /dev/loop-control ]] || skip "no /dev/loop-control"
grep -qw ext4 /proc/filesystems || skip "the kernel has no ext4"

busybox_tree tree
echo image-root >"$tree/etc/marker"
home=$WORKDIR/home-content
mkdir -p "$home/alice"
echo home-partition >"$home/alice/marker"

gpt=$WORKDIR/gpt.raw
make_gpt_image "$gpt" "$DPS_ROOT_X86_64:$tree" "$DPS_HOME:$home"
bare=$WORKDIR/bare.ext4
make_ext4_image "$bare" "$tree"
single=$WORKDIR/single.raw
make_gpt_image "$single" "$GPT_LINUX_GENERIC:$tree"

# guest_cmd IMG MODE ARGS... -- CMD...: run CMD in the image; checks that nothing is left.
run_in_image() {
        local img=$1 mode=$2 name
        shift 2
        new_name name
        # shellcheck disable=SC2046 # userns_args prints zero or one word
        nsboot_run -M "$name" -i "$img" $(userns_args "$mode") "$@"
        assert_no_loop "$img" "after a run"
}

for mode in $(userns_modes); do
        log "mode: $mode"
        run_in_image "$gpt" "$mode" -b
        assert_rc 0 "boot of the GPT image ($mode)"
        assert_eq 1 "$(fact pid)" "testinit's PID in the GPT image"

        run_in_image "$gpt" "$mode" /bin/sh -c \
                'cat /etc/marker /home/alice/marker; awk "\$5 == \"/\" || \$5 == \"/home\" { print \$5, \$9, \$10 }" /proc/self/mountinfo'
        assert_rc 0 "command in the GPT image ($mode)"
        out=$(output)
        assert_contains "$out" image-root "the root partition's file"
        assert_contains "$out" home-partition "the /home partition's file"
        assert_match "$out" "/ ext4 /dev/loop[0-9]+" "the root is the ext4 of a loop device"
        assert_match "$out" "/home ext4 /dev/loop[0-9]+" "/home is the ext4 of a loop device"

        run_in_image "$gpt" "$mode" --image-policy=root=unprotected:=ignore /bin/sh -c \
                'cat /etc/marker; ls /home/alice 2>&1; true'
        assert_rc 0 "the GPT image with the root-only policy ($mode)"
        assert_not_contains "$(output)" marker "/home with the root-only policy"

        run_in_image "$gpt" "$mode" --image-policy=home=absent /bin/true
        assert_rc 1 "a policy that forbids the image's /home ($mode)"
        assert_contains "$(cat "$NSBOOT_ERR")" "$gpt" "the refusal names the image"

        run_in_image "$single" "$mode" /bin/cat /etc/marker
        assert_rc 0 "an image with a single generic Linux partition ($mode)"
        assert_contains "$(output)" image-root "its partition is the root"

        run_in_image "$bare" "$mode" /bin/sh -c \
                'cat /etc/marker; echo written >/etc/written; echo "owner $(stat -c %u /etc/written)"; cat /proc/self/uid_map'
        assert_rc 0 "bare ext4 image ($mode)"
        assert_contains "$(output)" image-root "the bare image's file"
        assert_contains "$(output)" "owner 0" "the guest's root owns what it wrote ($mode)"
        if [[ $mode == default ]] && nsboot_has_option --private-users; then
                # A user namespace with a high host uid as root, and the image idmapped: on disk
                # the file is root's, as in the rest of the image.
                assert_match "$(output | grep -E '^ +0 ')" "^ +0 +[1-9][0-9]* +65536" "the guest's uid map"
                if command -v debugfs >/dev/null; then
                        assert_match "$(debugfs -R 'stat /etc/written' "$bare" 2>/dev/null | grep -o 'User: *[0-9]*')" \
                                "^User: +0$" "owner of the guest's file on disk"
                fi
        fi
done
# Writes to a writable image stay in it.
name=""
new_name name
nsboot_run -M "$name" -i "$bare" /bin/cat /etc/written
assert_contains "$(output)" written "a write of an earlier run"

if grep -qw squashfs /proc/filesystems && command -v mksquashfs >/dev/null; then
        sq=$WORKDIR/tree.squashfs
        mksquashfs "$tree" "$sq" -quiet -noappend >/dev/null
        for mode in $(userns_modes); do
                run_in_image "$sq" "$mode" /bin/sh -c \
                        'cat /etc/marker; touch /etc/x 2>&1; awk "\$5 == \"/\" { print \$6, \$9 }" /proc/self/mountinfo'
                assert_rc 0 "squashfs image ($mode)"
                assert_contains "$(output)" image-root "the squashfs image's file"
                assert_contains "$(output)" "Read-only file system" "a write to squashfs"
                assert_match "$(output | tail -n 1)" "^ro.* squashfs" "the squashfs root is read-only"
        done
else
        log "no squashfs in this kernel or no mksquashfs: squashfs case skipped"
fi

# Bad files: refused with a message naming the file, nothing left.
garbage=$WORKDIR/garbage.raw
head -c 4M /dev/urandom >"$garbage"
truncated=$WORKDIR/truncated.raw
head -c 2M "$gpt" >"$truncated"
empty=$WORKDIR/empty.raw
: >"$empty"
declare -A why=(
        [$garbage]="not a disk image"
        [$truncated]=truncated
        [$empty]=empty
        [$WORKDIR/missing.raw]="No such file"
        [$tree]="not a regular file"
)
for bad in "${!why[@]}"; do
        new_name name
        nsboot_run -M "$name" -i "$bad" /bin/true
        assert_rc 1 "nsboot -i $bad"
        assert_contains "$(cat "$NSBOOT_ERR")" "$bad" "the message about $bad names it"
        assert_contains "$(cat "$NSBOOT_ERR")" "${why[$bad]}" "the message about $bad says why"
        assert_no_loop "$bad" "after refusing it"
done

# SIGKILL of nsboot: the guest's mount namespace goes, with it the mounts, then the loop devices.
new_name name
nsboot_start -M "$name" -i "$gpt" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
[[ -n $(loops_of "$gpt") ]] || fail "no loop device while the image runs"
leader=$(leader_pid "$NSBOOT_PID")
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$leader" 10 || fail "the guest survived SIGKILL of nsboot"
wait "$NSBOOT_PID" || true
mounts_check "after SIGKILL of nsboot"
assert_no_loop "$gpt" "after SIGKILL of nsboot"
nsboot_run -M "$name" -i "$gpt" -b
assert_rc 0 "the next start of the killed machine"

# -M NAME alone finds the image /var/lib/machines/NAME.raw, as systemd-nspawn -M does (a tree of
# that name first); nsbootctl remove deletes it, refused while it runs.
new_name name
raw=/var/lib/machines/$name.raw
mkdir -p /var/lib/machines
cp "$bare" "$raw"
at_exit "rm -rf '$raw' '/var/lib/machines/$name'"
nsboot_run -M "$name" /bin/cat /etc/marker
assert_rc 0 "nsboot -M NAME with NAME.raw in /var/lib/machines"
assert_eq image-root "$(output)" "the image's file"
assert_no_loop "$raw" "after a run by name"
nsboot_start -M "$name" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
out=$(timeout 30 "$CTL" remove "$name" 2>&1) && fail "remove of a running image machine passed"
assert_contains "$out" "$name" "the refusal names the machine"
assert_file_exists "$raw" "the image of a running machine"
kill -TERM "$NSBOOT_PID"
nsboot_wait 30
mkdir "/var/lib/machines/$name"
nsboot_run -M "$name" /bin/true
assert_rc 127 "an empty tree of the name goes first (no /bin/true in it)"
rm -rf --one-file-system "/var/lib/machines/$name"
timeout 30 "$CTL" remove "$name" || fail "remove of the image machine failed"
assert_file_not_exists "$raw" "the image after remove"
nsboot_run -M "$name" /bin/true
assert_rc 1 "nsboot -M NAME without a tree or image"
assert_file_contains "$NSBOOT_ERR" "No tree or image for machine '$name'"
exit 0
