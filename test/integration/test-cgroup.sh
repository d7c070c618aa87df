#!/bin/bash
# The guest runs in machine.slice/machine-NAME.scope on the host's cgroup2 hierarchy, sees that
# cgroup as its writable /sys/fs/cgroup root, and the scope is gone after nsboot exits.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

cgroup2_root >/dev/null || skip "the host has no cgroup2 hierarchy"
busybox_tree tree
name=$(basename "$tree")
cg=$(machine_cgroup "$name")

boot_sleeping "$tree"
assert_file_exists "$cg" "host-side cgroup of the running guest"
guest_cgroup=$(awk -F: '$1 == "0" { print $3 }' "/proc/$LEADER/cgroup")
assert_match "$guest_cgroup" "^/machine\\.slice/machine-$name\\.scope(/|$)" "cgroup of the guest's PID 1, seen from the host"
assert_eq / "$(fact cgroup)" "cgroup of PID 1, seen in its cgroup namespace"

minfo=$(in_guest "$LEADER" cat /proc/self/mountinfo)
read -r fstype opts <<<"$(awk '$5 == "/sys/fs/cgroup" { for (i = 7; $i != "-"; i++); r = $(i + 1) " " $6 } END { print r }' <<<"$minfo")"
assert_eq cgroup2 "$fstype" "file system on /sys/fs/cgroup"
[[ ,$opts, == *,rw,* ]] || fail "/sys/fs/cgroup is not mounted read-write (options '$opts')"
in_guest "$LEADER" mkdir /sys/fs/cgroup/nsboot-probe || fail "/sys/fs/cgroup is not writable"
probe=$(find "$cg" -maxdepth 2 -type d -name nsboot-probe)
[[ -n $probe ]] || fail "the guest's cgroup root is not inside $cg"
in_guest "$LEADER" rmdir /sys/fs/cgroup/nsboot-probe

poweroff_guest
assert_file_not_exists "$cg" "host-side cgroup after exit"
