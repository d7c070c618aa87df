#!/bin/bash
# nsboot exits with the guest's status: PID 1 exiting with N gives N (but 133, "restart me" to
# nsboot@.service, gives 1), a powered-off guest gives 0.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

nsboot_run -D "$tree" /bin/sh -c 'exit 7'
assert_rc 7

nsboot_run -D "$tree" /bin/true
assert_rc 0

nsboot_run -D "$tree" /bin/sh -c 'exit 255'
assert_rc 255

nsboot_run -D "$tree" /bin/sh -c 'exit 133'
assert_rc 1 "a command's exit status 133"
nsboot_run -D "$tree" /bin/sh -c 'exit 132'
assert_rc 132 "a command's exit status 132"
nsboot_run -D "$tree" -b exit 133
assert_rc 1 "an init's exit status 133"
assert_eq "exit 133" "$(fact action)"

# The same through the tree's init (-b): testinit exits with 3, then powers off.
nsboot_run -D "$tree" -b exit 3
assert_rc 3
assert_eq "exit 3" "$(fact action)"

nsboot_run -D "$tree" -b poweroff
assert_rc 0
assert_eq poweroff "$(fact action)"
