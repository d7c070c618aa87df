#!/bin/bash
# After nsboot is killed with SIGKILL, the next nsboot started for any machine removes what the
# killed one left: its lock file, its (empty) cgroup and its mount tunnel directory.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree a
busybox_tree b
name=$(basename "$a")
nsboot_start -q -D "$a" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
cg=$(machine_cgroup "$name")
retry 10 test -d "$cg" || true
[[ -e /run/nsboot/locks/machine-$name ]] || log "(no lock file left to check)"
# Another machine's start cleans up.
nsboot_run -q -D "$b" /bin/true
assert_rc 0
[[ -e /run/nsboot/locks/machine-$name ]] && fail "the killed machine's lock file is left"
[[ -d $cg ]] && fail "the killed machine's cgroup $cg is left"
[[ -d /run/systemd/nspawn/propagate/$name ]] && fail "the killed machine's tunnel directory is left"
exit 0
