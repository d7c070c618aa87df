#!/bin/bash
# A guest PID 1 killed by signal S makes nsboot exit with 128+S.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

nsboot_run -D "$tree" /sbin/init segv
assert_rc 139 "PID 1 died of SIGSEGV"

boot_sleeping "$tree"
kill -KILL "$LEADER"
nsboot_wait 20
assert_rc 137 "PID 1 killed with SIGKILL from the host"
