#!/bin/bash
# When nsboot is killed outright the guest dies with it, and the next start of the same machine
# works (no stale lock, cgroup or mount in the way).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
name=$(basename "$tree")

boot_sleeping "$tree"
leader=$LEADER
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$leader" 10 || fail "the guest's PID 1 ($leader) survived SIGKILL of nsboot"
rc=0
wait "$NSBOOT_PID" || rc=$?
assert_eq 137 "$rc" "nsboot's own status"
mounts_check "after SIGKILL of nsboot"
if cg=$(machine_cgroup "$name") && [[ -d $cg ]]; then
        retry 5 test ! -s "$cg/cgroup.procs" || fail "processes left in $cg: $(cat "$cg/cgroup.procs")"
fi

nsboot_run -D "$tree" -b poweroff
assert_rc 0 "next start of the same machine"
