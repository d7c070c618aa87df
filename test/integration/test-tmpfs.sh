#!/bin/bash
# /run and /tmp are fresh tmpfs instances, so the tree's own /run and /tmp stay untouched.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
echo stale >"$tree/tmp/from-tree"
echo stale >"$tree/run/from-tree"

nsboot_run -D "$tree" /bin/sh -c 'ls -A /tmp /run; cat /proc/self/mountinfo; touch /tmp/x /run/x'
assert_rc 0
for dir in /run /tmp; do
        fstype=$(awk -v m="$dir" '$5 == m { for (i = 7; $i != "-"; i++); t = $(i + 1) } END { print t }' "$NSBOOT_OUT")
        assert_eq tmpfs "$fstype" "file system on $dir"
done
assert_file_not_contains "$NSBOOT_OUT" from-tree "the tree's own /tmp and /run content"
assert_file_not_exists "$tree/tmp/x" "a file created in the guest's /tmp"
assert_file_not_exists "$tree/run/x" "a file created in the guest's /run"
