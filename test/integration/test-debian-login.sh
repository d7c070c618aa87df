#!/bin/bash
# The Debian tree's console login works on nsboot's interactive console: root logs in without a
# password, gets a shell, and "poweroff" there ends nsboot with 0. (This is what ./demo does.)
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

debian_tree tree
name=$(basename "$tree")
mounts_snapshot

tmux_start "$NSBOOT" -D "$tree" -b
tmux_wait "$name login: *\$" 120
tmux_send root Enter
tmux_wait "root@$name:~# *\$" 30
tmux_send 'echo "RESULT=$((6 * 7)) TTY=$(tty)"' Enter
tmux_wait 'RESULT=42 TTY=/dev/' 10
tmux_send poweroff Enter
tmux_wait_exit 60
assert_rc 0 "exit status after poweroff at the root shell"
mounts_check "after poweroff"
