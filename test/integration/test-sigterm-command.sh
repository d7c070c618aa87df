#!/bin/bash
# Without -b, SIGTERM to nsboot kills the guest at once (SIGKILL): nsboot exits 128+9.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

nsboot_start -D "$tree" /bin/sh -c 'echo ready; while :; do sleep 1; done'
wait_output '^ready'
leader=$(leader_pid "$NSBOOT_PID")
kill -TERM "$NSBOOT_PID"
nsboot_wait 10
assert_rc 137
wait_pid_exit "$leader" 5 || fail "the guest's PID 1 survived"
