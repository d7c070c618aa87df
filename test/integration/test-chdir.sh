#!/bin/bash
# --chdir sets the working directory of the command; the default is the root directory.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

nsboot_run --chdir=/tmp -D "$tree" /bin/pwd
assert_rc 0
assert_eq /tmp "$(output)" "working directory with --chdir=/tmp"

nsboot_run --chdir=/no/such/dir -D "$tree" /bin/pwd
assert_rc 1 "--chdir to a missing directory"
assert_eq "" "$(output)" "the command ran despite a missing --chdir directory"
assert_file_contains "$NSBOOT_ERR" "--chdir=/no/such/dir: No such file or directory" "the error names the option"
# Relative to the tree, not to the host: a directory only the host has is missing too.
mkdir -p "$WORKDIR/only-on-host"
nsboot_run --chdir="$WORKDIR/only-on-host" -D "$tree" /bin/pwd
assert_rc 1 "--chdir to a directory only the host has"
assert_eq "" "$(output)" "the command ran in a host directory"
