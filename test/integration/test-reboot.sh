#!/bin/bash
# reboot() in the guest starts it again, in fresh namespaces, within the same nsboot process;
# poweroff then ends nsboot with 0.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

nsboot_run -D "$tree" -b reboot-once
assert_rc 0
boots=$(output | sed -n 's/^NSBOOT-TEST: boot=//p' | paste -s -d ' ')
assert_eq "1 2" "$boots" "boots seen on the console"
actions=$(output | sed -n 's/^NSBOOT-TEST: action=//p' | paste -s -d ' ')
assert_eq "reboot poweroff" "$actions" "actions seen on the console"
pidns=$(output | sed -n 's/^NSBOOT-TEST: pidns=//p' | sort -u | wc -l)
assert_eq 2 "$pidns" "distinct PID namespaces over two boots"
