#!/bin/bash
# --chdir sets the working directory of the command; the default is the root directory.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

nsboot_run --chdir=/tmp -D "$tree" /bin/pwd
assert_rc 0
assert_eq /tmp "$(output)" "working directory with --chdir=/tmp"

nsboot_run --chdir=/no/such/dir -D "$tree" /bin/pwd
assert_rc_ne 0 "--chdir to a missing directory"
