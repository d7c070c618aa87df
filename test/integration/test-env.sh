#!/bin/bash
# PID 1 gets exactly the documented environment plus -E, and nothing else of the caller's.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
export NSBOOT_TEST_COPIED=from-host NSBOOT_TEST_LEAK=must-not-appear
UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'

nsboot_run -E FOO=bar -E NSBOOT_TEST_COPIED -E EMPTY= --setenv=BAZ=a=b -D "$tree" /usr/bin/env
assert_rc 0
env_of() { output | sed -n "s/^$1=//p"; }
assert_eq nsboot "$(env_of container)" "container"
assert_match "$(env_of container_uuid)" "$UUID_RE" "container_uuid"
assert_eq /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$(env_of PATH)" "PATH"
assert_eq dumb "$(env_of TERM)" "TERM without a terminal"
assert_eq /root "$(env_of HOME)" "HOME"
assert_eq root "$(env_of USER)" "USER"
assert_eq root "$(env_of LOGNAME)" "LOGNAME"
assert_eq bar "$(env_of FOO)" "-E FOO=bar"
assert_eq from-host "$(env_of NSBOOT_TEST_COPIED)" "-E VAR copies the host's value"
assert_eq "a=b" "$(env_of BAZ)" "--setenv=BAZ=a=b"
assert_file_contains "$NSBOOT_OUT" "EMPTY=" "-E EMPTY="
assert_file_not_contains "$NSBOOT_OUT" NSBOOT_TEST_LEAK "the caller's environment"

# The same for the tree's init under -b.
nsboot_run -E FOO=bar -D "$tree" -b exit 0
assert_rc 0
assert_eq nsboot "$(fact container)" "container under -b"
assert_match "$(fact container_uuid)" "$UUID_RE" "container_uuid under -b"
assert_eq dumb "$(fact TERM)" "TERM under -b"
assert_eq /root "$(fact HOME)" "HOME under -b"
