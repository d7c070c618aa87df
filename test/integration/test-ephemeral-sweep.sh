#!/bin/bash
# A -x start repairs what killed -x machines of the same tree name left, whichever of their records
# in /run/nsboot/machines is left: here only a network record (NAME.net), as after an nsboot killed
# late in its teardown, its state file and cgroup record already gone. A sibling whose machine
# lock is held keeps its record.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

nsboot_has_option --ephemeral || skip "nsboot has no --ephemeral"
grep -qw overlay /proc/filesystems || skip "the kernel has no overlayfs"

busybox_tree tree
base=$(basename "$tree")
suffix() { od -An -N8 -tx1 /dev/urandom | tr -d ' \n'; }
gone=$base-$(suffix)
held=$base-$(suffix)
mkdir -p /run/nsboot/machines /run/nsboot/locks
# The host's own network namespace: nothing to move back, only the record to remove.
for m in "$gone" "$held"; do
        at_exit "rm -f '/run/nsboot/machines/$m.net' '/run/nsboot/locks/machine-$m'"
        printf 'hostns %s\n' "$(stat -L -c %i /proc/self/ns/net)" >"/run/nsboot/machines/$m.net"
done
lock=/run/nsboot/locks/machine-$held
printf '%d %s (test)\n' $$ "$held" >"$lock"
exec {lock_fd}<"$lock"
flock -n "$lock_fd" || fail "cannot lock $lock"
at_exit "exec $lock_fd<&-"

nsboot_run -D "$tree" -x /bin/true
assert_rc 0 "the next -x start of the tree"
assert_file_not_exists "/run/nsboot/machines/$gone.net" "a killed -x machine's network record"
assert_file_not_exists "/run/nsboot/locks/machine-$gone" "the lock file of the sweep"
assert_file_exists "/run/nsboot/machines/$held.net" "the record of a sibling whose lock is held"
assert_file_exists "$lock" "the held lock"
