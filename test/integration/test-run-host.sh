#!/bin/bash
# /run/host tells the guest about its container manager, and the guest cannot change it.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

nsboot_run -D "$tree" /bin/cat /run/host/container-manager
assert_rc 0
assert_eq "$(printf 'nsboot\n' | od -An -c)" "$(od -An -c "$NSBOOT_OUT")" "/run/host/container-manager"

nsboot_run -D "$tree" /bin/cat /run/host/os-release
assert_rc 0
assert_eq "$(cat /etc/os-release)" "$(cat "$NSBOOT_OUT")" "/run/host/os-release"

nsboot_run -D "$tree" /bin/sh -c 'touch /run/host/new-file 2>&1; echo "rc=$?"'
assert_file_contains "$NSBOOT_OUT" "Read-only file system" "writing into /run/host"
assert_file_not_contains "$NSBOOT_OUT" "rc=0"
