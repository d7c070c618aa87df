#!/bin/bash
# /sys is read-only in the guest.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
boot_sleeping "$tree"

minfo=$(in_guest "$LEADER" cat /proc/self/mountinfo)
opts=$(awk '$5 == "/sys" { o = $6 } END { print o }' <<<"$minfo")
[[ ,$opts, == *,ro,* ]] || fail "/sys is not mounted read-only (options '$opts')"
# Touching a directory's time stamp is harmless even if it were allowed.
out=$(in_guest "$LEADER" touch /sys/kernel 2>&1) && fail "/sys/kernel is writable"
assert_contains "$out" "Read-only file system" "error from touch /sys/kernel"

poweroff_guest
