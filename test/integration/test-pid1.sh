#!/bin/bash
# The command (or, with -b, the tree's init) is PID 1 of a new PID namespace with its own /proc,
# and on the host it is a direct child of nsboot.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

nsboot_run -D "$tree" /sbin/init exit 0
assert_rc 0
assert_eq 1 "$(fact pid)" "PID of the command"
assert_eq 0 "$(fact ppid)" "parent PID of the command"
assert_eq 1 "$(fact proc_self)" "/proc/self in the guest"

nsboot_run -D "$tree" -b exit 0 --some-arg
assert_rc 0
assert_eq 1 "$(fact pid)" "PID of init"
assert_eq "exit 0 --some-arg" "$(fact args)" "arguments after -b go to init"

boot_sleeping "$tree"
assert_eq init "$(cat "/proc/$LEADER/comm")" "command name of the guest's PID 1 seen from the host"
assert_eq "$NSBOOT_PID" "$(awk '$1 == "PPid:" { print $2 }' "/proc/$LEADER/status")" "parent of the guest's PID 1"
poweroff_guest
