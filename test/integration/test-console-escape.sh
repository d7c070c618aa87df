#!/bin/bash
# Interactive console: pressing Ctrl-] three times within a second kills the guest; nsboot exits
# with 137 and leaves nothing behind.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
mounts_snapshot

tmux_start "$NSBOOT" -D "$tree" -b sleep
tmux_wait 'NSBOOT-TEST: ready=1'
tmux_wait 'Press Ctrl-] three times within 1s' 1
leader=$(leader_pid "$NSBOOT_PID")

tmux_send C-] C-] C-]
tmux_wait_exit 15
assert_rc 137 "exit status after Ctrl-] Ctrl-] Ctrl-]"
wait_pid_exit "$leader" 5 || fail "the guest's PID 1 survived the escape"
mounts_check "after the escape"
if cg=$(machine_cgroup "$(basename "$tree")") && [[ -d $cg ]]; then
        fail "cgroup $cg still exists"
fi
