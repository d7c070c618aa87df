#!/bin/bash
# -b boots the Debian tree's systemd as PID 1 to multi-user.target without failed units, and
# "systemctl poweroff" inside ends nsboot with 0. In the default mode: the guest's root is an
# unprivileged host uid, the root-owned tree is mounted idmapped and keeps its owners on disk.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

debian_tree tree

nsboot_start -D "$tree" -b --private-network
LEADER=$(leader_pid "$NSBOOT_PID" 30)
wait_booted "$LEADER"
assert_no_failed_units "$LEADER"
host_uid=$(awk '$1 == "Uid:" { print $2 }' "/proc/$LEADER/status")
((host_uid >= 524288)) || fail "the guest's PID 1 runs as host uid $host_uid, not an unprivileged one"
assert_eq 0 "$(in_guest "$LEADER" id -u)" "uid of root inside the guest"
in_guest "$LEADER" touch /root/made-by-guest
assert_eq "0 0" "$(stat -c '%u %g' "$tree/root/made-by-guest")" "owner on disk of a file the guest's root made"
assert_eq active "$(in_guest "$LEADER" systemctl is-active multi-user.target)" "multi-user.target"

assert_eq systemd "$(in_guest "$LEADER" cat /proc/1/comm)" "PID 1 in the guest"
assert_match "$(in_guest "$LEADER" readlink /proc/1/exe)" '^(/usr)?/lib/systemd/systemd$' "PID 1's executable"
assert_contains "$(tr '\0' '\n' <"/proc/$LEADER/environ")" "container=nsboot" "environment of systemd"
assert_eq "$(basename "$tree")" "$(in_guest "$LEADER" hostname)" "host name of the booted guest"

in_guest "$LEADER" systemctl poweroff || true
nsboot_wait 60
assert_rc 0 "exit status after systemctl poweroff"
assert_contains "$(output)" "Welcome to Debian" "console output"
# Nothing on disk got an owner of the host's range (the guest's ids are all below 65536).
bad=$(find "$tree" -xdev \( -uid +65535 -o -gid +65535 \) -print -quit)
[[ -z $bad ]] || fail "the run left '$bad' owned by $(stat -c %u:%g "$bad") on disk"
