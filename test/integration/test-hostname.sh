#!/bin/bash
# The guest's host name is --hostname, else the machine name (-M, else the basename of -D); the
# host's own name never changes.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
host_before=$(hostname)

nsboot_run -D "$tree" /bin/hostname
assert_rc 0
assert_eq "$(basename "$tree")" "$(output)" "default host name"

nsboot_run -M "$(basename "$tree")m" -D "$tree" /bin/hostname
assert_rc 0
assert_eq "$(basename "$tree")m" "$(output)" "host name from -M"

nsboot_run --machine="$(basename "$tree")m" --hostname=guest.example.test -D "$tree" /bin/hostname
assert_rc 0
assert_eq guest.example.test "$(output)" "host name from --hostname"

# The same seen by the tree's init.
nsboot_run -D "$tree" --hostname=bootname -b exit 0
assert_rc 0
assert_eq bootname "$(fact hostname)"

assert_eq "$host_before" "$(hostname)" "host's own host name"
