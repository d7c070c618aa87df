#!/bin/bash
# -a/--as-pid2: the command runs as PID 2 under a stub init, and its exit status is nsboot's.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

nsboot_run -a -D "$tree" /sbin/init exit 4
assert_rc 4
assert_eq 2 "$(fact pid)" "PID of the command"
assert_eq 1 "$(fact ppid)" "parent of the command (the stub init)"
assert_eq 2 "$(fact proc_self)" "/proc/self in the guest"
