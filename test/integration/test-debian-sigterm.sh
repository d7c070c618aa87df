#!/bin/bash
# SIGTERM to nsboot shuts a booted Debian guest down cleanly: systemd stops its units, and
# nsboot exits 0.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

debian_tree tree

nsboot_start -D "$tree" -b
LEADER=$(leader_pid "$NSBOOT_PID" 30)
wait_booted "$LEADER"
assert_no_failed_units "$LEADER"

kill -TERM "$NSBOOT_PID"
nsboot_wait 60
assert_rc 0 "exit status after SIGTERM"
# systemd reports on the console what it stops on the way down.
assert_contains "$(output)" "Stopped target" "console output of the shutdown"
assert_contains "$(output)" "Reached target" "console output"
