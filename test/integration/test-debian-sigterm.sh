#!/bin/bash
# SIGTERM to nsboot shuts a booted Debian guest down cleanly: systemd stops its units and halts
# (seen on the console after the SIGTERM), and nsboot exits 0.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

debian_tree tree

nsboot_start -D "$tree" -b
LEADER=$(leader_pid "$NSBOOT_PID" 30)
wait_booted "$LEADER"
assert_no_failed_units "$LEADER"

# Only what the console shows after the SIGTERM counts: the boot printed "Reached target" too.
booted_lines=$(output | wc -l)
kill -TERM "$NSBOOT_PID"
nsboot_wait 60
assert_rc 0 "exit status after SIGTERM"
shutdown=$(output | tail -n +$((booted_lines + 1)))
# systemd reports on the console what it stops on the way down, its last targets, and that it
# halts (SIGRTMIN+3 means halt.target; in a container a halt ends PID 1).
assert_contains "$shutdown" "Stopped target" "console output of the shutdown"
assert_match "$shutdown" "Reached target shutdown\.target" "the shutdown reached shutdown.target"
assert_contains "$shutdown" "Halting system." "systemd's last word"
