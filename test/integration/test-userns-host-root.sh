#!/bin/bash
# In the default mode the tree's idmapped mount maps the host's root as well as the guest's ids (as
# systemd-nspawn -U's mount does): a host-side tool that works as root in the guest's mount
# namespace, such as systemd-machined's copy-to, can create files there. They land on disk as
# 2147483646 (the guest sees nobody) until chowned to the guest's root, which is uid 0 on disk.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
boot_sleeping "$tree"
read -r inside base count <"/proc/$LEADER/uid_map"
log "guest's uid_map: $inside $base $count"
[[ $inside == 0 && $base -gt 0 ]] || skip "the guest is not in a user namespace"
# What machined's copy-to does: open and write as the host's root in the guest's mount namespace,
# then chown to the guest's root (the UID shift).
nsenter -t "$LEADER" -m -- sh -c "echo copied >/root/host-copy && chown $base:$base /root/host-copy" ||
        fail "the host's root cannot create a file in the guest's tree"
assert_eq 0:0 "$(stat -c %u:%g "$tree/root/host-copy")" "owner on disk of the file chowned to the guest's root"
assert_eq 0:0 "$(in_guest "$LEADER" stat -c %u:%g /root/host-copy)" "owner of that file in the guest"
assert_eq copied "$(in_guest "$LEADER" cat /root/host-copy)" "its content in the guest"
nsenter -t "$LEADER" -m -- touch /root/host-own || fail "the host's root cannot create a file in the guest's tree"
assert_eq 2147483646:2147483646 "$(stat -c %u:%g "$tree/root/host-own")" "owner on disk of the host root's own file"
assert_eq 65534 "$(in_guest "$LEADER" stat -c %u /root/host-own)" "the host root's file in the guest: nobody"
# The guest's own files keep their owners on disk.
in_guest "$LEADER" touch /root/guest-own
assert_eq 0:0 "$(stat -c %u:%g "$tree/root/guest-own")" "owner on disk of a file the guest's root made"
poweroff_guest
