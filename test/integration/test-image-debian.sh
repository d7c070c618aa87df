#!/bin/bash
# A full systemd boot of a GPT disk image, as mkosi builds them: the cached Debian tree as the
# Discoverable Partitions root partition (ext4, made by mkfs.ext4 -d, nothing mounted to build
# it); the guest reaches multi-user, powers off cleanly, and leaves no loop device or mount.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

require_cmd sfdisk mkfs.ext4 losetup
nsboot_has_option --image || skip "nsboot has no --image"
[[ -e /dev/loop-control ]] || skip "no /dev/loop-control"

debian_tree deb
img=$WORKDIR/debian.raw
start=$SECONDS
make_gpt_image "$img" "$DPS_ROOT_X86_64:$deb"
log "image of $(du -h --apparent-size "$img" | cut -f1) made in $((SECONDS - start)) s"

for mode in $(userns_modes); do
        new_name name
        # shellcheck disable=SC2046 # userns_args prints zero or one word
        # A network of its own: in a user namespace systemd-resolved cannot bind the host's port 53.
        nsboot_start -M "$name" -i "$img" $(userns_args "$mode") --private-network -b
        leader=$(leader_pid "$NSBOOT_PID" 60)
        wait_booted "$leader"
        assert_no_failed_units "$leader"
        root=$(in_guest "$leader" findmnt -n -o FSTYPE,SOURCE /)
        assert_match "$root" "^ext4 +/dev/loop[0-9]+" "the guest's root ($mode)"
        [[ -n $(loops_of "$img") ]] || fail "no loop device while the image runs"
        kill -TERM "$NSBOOT_PID"
        nsboot_wait 60
        assert_rc 0 "poweroff of the image ($mode)"
        assert_no_loop "$img" "after the poweroff ($mode)"
done
