#!/bin/bash
# Interactive console with -b: a root shell on /dev/console works (input, output, TERM from the
# host), and "poweroff" typed there ends nsboot with 0.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
mounts_snapshot

tmux_start "$NSBOOT" -D "$tree" -b shell
tmux_wait 'NSBOOT-TEST: ready=1'
assert_match "$(tmux_screen | sed -n 's/^NSBOOT-TEST: tty=//p' | tail -n 1)" '^/dev/' "init's stdin is a terminal"
host_term=$(_tmux show-options -gv default-terminal)

tmux_send 'echo "TERM=$TERM RESULT=$((6 * 7))"' Enter
tmux_wait 'RESULT=42'
assert_contains "$(tmux_screen)" "TERM=$host_term RESULT=42" "TERM in the guest"

tmux_send poweroff Enter
tmux_wait_exit 20
assert_rc 0 "exit status after poweroff"
assert_contains "$(tmux_screen)" "NSBOOT-TEST: action=poweroff" "init's reaction"
mounts_check "after poweroff"
