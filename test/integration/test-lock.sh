#!/bin/bash
# A tree or machine name that is in use cannot be started a second time; the refusal names the
# nsboot process that holds it, and the lock goes away with that process.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
other=""
busybox_tree other
name=$(basename "$tree")

boot_sleeping "$tree"
holder=$NSBOOT_PID

nsboot_run -M "${name}b" -D "$tree" /bin/true
assert_rc 1 "second start of the same tree under another name"
assert_file_contains "$NSBOOT_ERR" "$holder" "refusal names the holder's PID"

nsboot_run -M "$name" -D "$other" /bin/true
assert_rc 1 "second start of the same machine name on another tree"
assert_file_contains "$NSBOOT_ERR" "'$name'" "refusal names the machine"
assert_file_contains "$NSBOOT_ERR" "$holder" "refusal names the holder's PID"

kill -0 "$holder" || fail "the first nsboot died"
poweroff_guest

nsboot_run -D "$tree" /bin/true
assert_rc 0 "start after the first nsboot exited"
