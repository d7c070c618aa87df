#!/bin/bash
# -b runs the first of /usr/lib/systemd/systemd, /lib/systemd/systemd, /sbin/init the tree has.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

nsboot_run -D "$tree" -b exit 0
assert_rc 0
assert_eq /sbin/init "$(fact exe)"

mkdir -p "$tree/lib/systemd"
cp "$tree/sbin/init" "$tree/lib/systemd/systemd"
nsboot_run -D "$tree" -b exit 0
assert_rc 0
assert_eq /lib/systemd/systemd "$(fact exe)"

mkdir -p "$tree/usr/lib/systemd"
cp "$tree/sbin/init" "$tree/usr/lib/systemd/systemd"
nsboot_run -D "$tree" -b exit 0
assert_rc 0
assert_eq /usr/lib/systemd/systemd "$(fact exe)"
