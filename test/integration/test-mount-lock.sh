#!/bin/bash
# The mounts nsboot makes are locked against the guest's root (src/guest/mount-lock.c), in the
# default mode and with --private-users=no: they were copied through a mount namespace of a user
# namespace of nsboot's, and PID 1 runs in a copy of that for its own user namespace (what
# nsbootctl enter, nsenter and machined join, and the owner of its mount namespace, as with
# systemd-nspawn -U). Seen from the host (the owner of the guest's mount namespace) and from
# inside: the /proc view cannot be unmounted, what the guest mounts itself can, also in a mount
# namespace the guest makes (test-first-boot.sh), and so can /tmp, which protects nothing (a
# booted systemd unmounts it at shutdown); nsenter -a still gives a root with rights over the
# mount namespace. The attacks themselves: test-escape-*.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_cmd lsns

busybox_tree tree
name=$(basename "$tree")
probe='umount /tmp && echo tmp=unmounted
umount /proc/meminfo 2>/dev/null && echo meminfo=unmounted
mkdir -p /run/own && mount -t tmpfs own /run/own && umount /run/own && echo own-mount=done
head -n 1 /proc/self/uid_map'

for mode in default privileged; do
        opts=()
        [[ $mode == default ]] || opts=(--private-users=no)

        log "$mode: from inside"
        nsboot_run -q -M "$name" -D "$tree" "${opts[@]}" /bin/sh -c "$probe"
        assert_rc 0
        assert_contains "$(output)" "tmp=unmounted" "$mode: the guest unmounts /tmp"
        assert_not_contains "$(output)" "meminfo=unmounted" "$mode: the /proc view is locked"
        assert_contains "$(output)" "own-mount=done" "$mode: the guest mounts and unmounts its own"
        map=$(output | awk 'NF == 3 && $1 == 0 { print $2 }')
        if [[ $mode == default ]]; then
                assert_ne 0 "$map" "$mode: PID 1's uid map is its own user namespace's (root is a host uid)"
        else
                assert_eq 0 "$map" "$mode: PID 1's uid map is the host's"
        fi

        log "$mode: from the host"
        boot_sleeping "$tree" -M "$name" "${opts[@]}"
        userns=$(stat -L -c %i "/proc/$LEADER/ns/user")
        mntns=$(stat -L -c %i "/proc/$LEADER/ns/mnt")
        owner=$(lsns -n -t mnt -o NS,ONS | awk -v ns="$mntns" '$1 == ns { print $2 }' | head -n 1)
        [[ -n $owner ]] || fail "$mode: lsns shows no owner of the guest's mount namespace $mntns"
        assert_eq "$userns" "$owner" "$mode: the guest's mount namespace belongs to PID 1's user namespace"
        out=$(in_guest "$LEADER" /bin/sh -c "$probe" 2>&1) || true
        assert_not_contains "$out" "meminfo=unmounted" "$mode: nsenter -a: the /proc view is locked"
        assert_contains "$out" "own-mount=done" "$mode: nsenter -a: rights over the guest's mount namespace"
        poweroff_guest
done
exit 0
