#!/bin/bash
# A second SIGTERM to nsboot kills a guest that ignored the first one's kill signal.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

# sh as PID 1 has no handler for SIGUSR1, so the kernel drops it (pid_namespaces(7)).
nsboot_start --kill-signal=SIGUSR1 -D "$tree" /bin/sh -c 'echo ready; while :; do sleep 1; done'
wait_output '^ready'
kill -TERM "$NSBOOT_PID"
sleep 1
kill -0 "$NSBOOT_PID" 2>/dev/null || { nsboot_wait 1; fail "nsboot exited after the first SIGTERM"; }
kill -TERM "$NSBOOT_PID"
nsboot_wait 10
assert_rc 137
