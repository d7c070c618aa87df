#!/bin/bash
# The guest runs in machine.slice/machine-NAME.scope/payload on the host's cgroup2 hierarchy (and
# in each v1 hierarchy of a hybrid host), sees that payload as its writable /sys/fs/cgroup root,
# and the scope is gone after nsboot exits. The machine's limits are on the scope: a privileged
# guest's root that lifts the limits at its cgroup root changes only its payload.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

cgroup2_root >/dev/null || skip "the host has no cgroup2 hierarchy"
busybox_tree tree
name=$(basename "$tree")
cg=$(machine_cgroup "$name")

boot_sleeping "$tree"
assert_file_exists "$cg" "host-side cgroup of the running guest"
guest_cgroup=$(awk -F: '$1 == "0" { print $3 }' "/proc/$LEADER/cgroup")
assert_match "$guest_cgroup" "^/machine\\.slice/machine-$name\\.scope/payload$" "cgroup of the guest's PID 1, seen from the host"
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

# The same attack in the default mode (a user namespace): on a hybrid host the guest is in the
# machine's v1 cgroups themselves, with no payload below them, so its root mounts the v1 memory
# hierarchy at the very cgroup that holds the limit; all its files are the host root's, and the
# write is refused.
if [[ $(cgroup2_root) == /sys/fs/cgroup/unified ]]; then
        nsboot_start --property=MemoryMax=64M -M "$name" -D "$tree" /bin/sh -c '
                mkdir -p /tmp/m && mount -t cgroup -o memory cgroup /tmp/m &&
                        { echo -1 >/tmp/m/memory.limit_in_bytes && echo "v1-write=ok" || echo "v1-write=refused"; }
                echo "v1=$(cat /tmp/m/memory.limit_in_bytes)"
                echo attacked; exec sleep 60'
        wait_output '^attacked'
        LEADER=$(leader_pid "$NSBOOT_PID")
        own=$(awk -F: '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == "memory") print $3 }' /proc/self/cgroup)
        [[ $own == / ]] && own=
        v1=/sys/fs/cgroup/memory$own/machine.slice/machine-$name.scope
        grep -qx "$LEADER" "$v1/cgroup.procs" || fail "the guest's PID 1 is not in the machine's v1 memory cgroup"
        assert_contains "$(output)" "v1-write=refused" "the user-namespaced guest's write to its v1 memory root"
        assert_contains "$(output)" "v1=67108864" "the limit the guest sees at its v1 memory root"
        assert_eq 67108864 "$(cat "$v1/memory.limit_in_bytes")" "the machine's v1 memory limit after the guest's write"
        kill -TERM "$NSBOOT_PID"
        nsboot_wait 30
        assert_file_not_exists "$cg" "host-side cgroup after exit"
fi

# The attack from inside, with --private-users=no (root in the guest is the host's root): raise
# the memory limit at the root of the guest's cgroup namespace, on cgroup2 and, on a hybrid host,
# in the v1 memory hierarchy it mounts. The machine's limit on the host stays; the guest's
# payload below it is what changed.
hybrid=0
[[ $(cgroup2_root) == /sys/fs/cgroup/unified ]] && hybrid=1
nsboot_start --private-users=no --property=MemoryMax=64M -M "$name" -D "$tree" /bin/sh -c '
        if [ -e /sys/fs/cgroup/memory.max ]; then echo max >/sys/fs/cgroup/memory.max; echo "v2=$(cat /sys/fs/cgroup/memory.max)"; fi
        mkdir -p /tmp/m && mount -t cgroup -o memory cgroup /tmp/m && echo -1 >/tmp/m/memory.limit_in_bytes &&
                echo "v1=$(cat /tmp/m/memory.limit_in_bytes)"
        echo attacked; exec sleep 60'
wait_output '^attacked'
LEADER=$(leader_pid "$NSBOOT_PID")
if ((hybrid)); then
        own=$(awk -F: '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == "memory") print $3 }' /proc/self/cgroup)
        [[ $own == / ]] && own=
        v1=/sys/fs/cgroup/memory$own/machine.slice/machine-$name.scope
        assert_contains "$(output)" "v1=9223372036854771712" "the guest's root lifted memory.limit_in_bytes at its v1 root"
        grep -qx "$LEADER" "$v1/payload/cgroup.procs" || fail "the guest's PID 1 is not in its v1 memory payload"
        assert_eq 67108864 "$(cat "$v1/memory.limit_in_bytes")" "the machine's v1 memory limit after the guest's write"
        assert_eq 9223372036854771712 "$(cat "$v1/payload/memory.limit_in_bytes")" "the payload's limit (what the guest wrote)"
else
        assert_contains "$(output)" "v2=max" "the guest's root lifted memory.max at its cgroup root"
        assert_eq 67108864 "$(cat "$cg/memory.max")" "the machine's memory.max after the guest's write"
        assert_eq max "$(cat "$cg/payload/memory.max")" "the payload's memory.max (what the guest wrote)"
fi
kill -TERM "$NSBOOT_PID"
nsboot_wait 30
assert_file_not_exists "$cg" "host-side cgroup after exit"
((hybrid == 0)) || assert_file_not_exists "$v1" "the machine's v1 memory cgroup after exit"
