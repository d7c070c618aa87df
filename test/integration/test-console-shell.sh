#!/bin/bash
# Interactive console with a command: /bin/sh as PID 1 on a terminal reads what is typed, and
# its exit status is nsboot's.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
mounts_snapshot

tmux_start "$NSBOOT" -D "$tree" /bin/sh
tmux_send 'echo "RESULT=$((6 * 7)) TTY=$(tty)"' Enter
tmux_wait 'RESULT=42 TTY=/dev/'
tmux_send 'exit 3' Enter
tmux_wait_exit 20
assert_rc 3 "exit status of the shell"
mounts_check "after the shell exited"
