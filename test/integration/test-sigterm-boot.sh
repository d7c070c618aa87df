#!/bin/bash
# With -b, SIGTERM or SIGINT to nsboot sends the kill signal (default SIGRTMIN+3, systemd's
# "halt") to the guest's init, which then shuts down cleanly: exit status 0.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

boot_sleeping "$tree"
poweroff_guest
assert_eq SIGRTMIN+3 "$(fact signal)" "signal init got for SIGTERM"

boot_sleeping "$tree"
kill -INT "$NSBOOT_PID"
nsboot_wait 30
assert_rc 0
assert_eq SIGRTMIN+3 "$(fact signal)" "signal init got for SIGINT"

boot_sleeping "$tree" --kill-signal=SIGUSR1
poweroff_guest
assert_eq SIGUSR1 "$(fact signal)" "signal init got with --kill-signal=SIGUSR1"
