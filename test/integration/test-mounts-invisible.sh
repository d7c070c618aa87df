#!/bin/bash
# None of the guest's mounts, neither nsboot's nor those the guest makes itself, ever appear on
# the host, not even while the guest runs. (The tree is a shared mount, as on systemd hosts.)
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
boot_sleeping "$tree"
mounts_check "while the guest runs"

in_guest "$LEADER" mount -t tmpfs nsboot-probe /mnt
in_guest "$LEADER" grep -q nsboot-probe /proc/self/mountinfo || fail "the mount in the guest did not happen"
mounts_check "after a mount inside the guest"
assert_file_not_contains /proc/self/mountinfo nsboot-probe

poweroff_guest
