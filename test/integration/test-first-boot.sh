#!/bin/bash
# The first boot of a tree whose /etc/machine-id says "uninitialized" (as mkosi leaves it): the
# guest's systemd mounts a transient ID over /etc/machine-id, and systemd-machine-id-commit.service
# unmounts it in a mount namespace of its own and writes the ID to disk. That needs the guest's
# mount namespace to belong to the guest's user namespace (a copy made for another one has every
# mount locked, the guest's own too: "Failed to unmount /etc/machine-id: Invalid argument").
# In both modes: no failed unit, the ID on disk is the one the guest ran with, the next boot
# keeps it; and the mounts nsboot made stay locked in a mount namespace the guest makes.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

for mode in $(userns_modes); do
        debian_tree tree
        set_machine_id "$tree" uninitialized
        name=$(basename "$tree")

        log "$mode: first boot"
        # shellcheck disable=SC2046 # userns_args prints zero or one word
        nsboot_start -M "$name" -D "$tree" $(userns_args "$mode") --private-network -b systemd.firstboot=off
        leader=$(leader_pid "$NSBOOT_PID" 60)
        wait_booted "$leader"
        assert_eq active "$(in_guest "$leader" systemctl is-active systemd-machine-id-commit.service)" \
                "systemd-machine-id-commit.service ($mode)"
        assert_no_failed_units "$leader"
        id=$(in_guest "$leader" cat /etc/machine-id)
        assert_match "$id" '^[0-9a-f]{32}$' "the guest's machine ID ($mode)"
        assert_eq "$id" "$(cat "$tree/etc/machine-id")" "the machine ID on disk, committed by the guest ($mode)"
        # The guest's own mounts can be unmounted in a copy of its mount namespace, nsboot's cannot.
        out=$(in_guest "$leader" /bin/sh -c 'mkdir -p /run/own && mount -t tmpfs own /run/own &&
                unshare -m umount /run/own && echo own=unmounted
                unshare -m umount /proc/meminfo 2>/dev/null && echo meminfo=unmounted
                unshare -m umount /dev 2>/dev/null && echo dev=unmounted; echo probed') || true
        assert_contains "$out" "own=unmounted" "$mode: the guest unmounts its own mount in a copy"
        assert_contains "$out" "probed" "$mode: the probe ran"
        assert_not_contains "$out" "meminfo=unmounted" "$mode: the /proc view is locked in a copy"
        assert_not_contains "$out" "dev=unmounted" "$mode: /dev is locked in a copy"
        in_guest "$leader" systemctl poweroff || true
        nsboot_wait 60
        assert_rc 0 "exit status after the first boot's poweroff ($mode)"

        log "$mode: second boot"
        # shellcheck disable=SC2046
        nsboot_start -M "$name" -D "$tree" $(userns_args "$mode") --private-network -b systemd.firstboot=off
        leader=$(leader_pid "$NSBOOT_PID" 60)
        wait_booted "$leader"
        assert_no_failed_units "$leader"
        assert_eq "$id" "$(in_guest "$leader" cat /etc/machine-id)" "the machine ID of the second boot ($mode)"
        in_guest "$leader" systemctl poweroff || true
        nsboot_wait 60
        assert_rc 0 "exit status after the second boot's poweroff ($mode)"
done
exit 0
