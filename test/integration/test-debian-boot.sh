#!/bin/bash
# -b boots the Debian tree's systemd as PID 1 to multi-user.target without failed units, and
# "systemctl poweroff" inside ends nsboot with 0.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

debian_tree tree

nsboot_start -D "$tree" -b
LEADER=$(leader_pid "$NSBOOT_PID" 30)
wait_booted "$LEADER"
assert_no_failed_units "$LEADER"
assert_eq active "$(in_guest "$LEADER" systemctl is-active multi-user.target)" "multi-user.target"

assert_eq systemd "$(in_guest "$LEADER" cat /proc/1/comm)" "PID 1 in the guest"
assert_match "$(in_guest "$LEADER" readlink /proc/1/exe)" '^(/usr)?/lib/systemd/systemd$' "PID 1's executable"
assert_contains "$(tr '\0' '\n' <"/proc/$LEADER/environ")" "container=nsboot" "environment of systemd"
assert_eq "$(basename "$tree")" "$(in_guest "$LEADER" hostname)" "host name of the booted guest"

in_guest "$LEADER" systemctl poweroff || true
nsboot_wait 60
assert_rc 0 "exit status after systemctl poweroff"
assert_contains "$(output)" "Welcome to Debian" "console output"
