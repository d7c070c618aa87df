#!/bin/bash
# /proc/sys is read-only in the guest; with --private-network, /proc/sys/net (which then belongs
# to the guest's own network namespace) is writable.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

# writable FILE: write back the value just read, so that even a wrongly writable file does not
# change. (busybox "read" reads sysctl files one byte at a time and gets only the first byte.)
writable() {
        local value
        value=$(in_guest "$LEADER" cat "$1") || fail "cannot read $1 in the guest"
        [[ -n $value ]] || fail "$1 is empty in the guest"
        in_guest "$LEADER" sh -c "echo '$value' >$1" 2>/dev/null
}

boot_sleeping "$tree"
minfo=$(in_guest "$LEADER" cat /proc/self/mountinfo)
opts=$(awk '$5 == "/proc/sys" { o = $6 } END { print o }' <<<"$minfo")
[[ ,$opts, == *,ro,* ]] || fail "/proc/sys is not mounted read-only (options '$opts')"
! writable /proc/sys/kernel/hostname || fail "/proc/sys/kernel/hostname is writable"
! writable /proc/sys/net/core/somaxconn || fail "/proc/sys/net is writable without --private-network"
poweroff_guest

boot_sleeping "$tree" --private-network
writable /proc/sys/net/core/somaxconn || fail "/proc/sys/net is not writable with --private-network"
! writable /proc/sys/kernel/hostname || fail "/proc/sys/kernel is writable with --private-network"
poweroff_guest
