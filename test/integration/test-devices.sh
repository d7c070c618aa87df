#!/bin/bash
# The device policy: a guest root can use the private /dev's nodes, and in the privileged mode
# (which keeps CAP_MKNOD) create them, but cannot create or open any other device, e.g. a node for
# the host's root disk; in the default user namespace it can create no device node at all.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

# The host's root file system device: the node a guest would make to read the host's disk.
rootdev=$(stat -c '%d' /)
major=$((rootdev >> 8)); minor=$((rootdev & 0xff))

for mode in default privileged; do
        args=()
        [[ $mode == privileged ]] && args=(--private-users=no)
        boot_sleeping "$tree" "${args[@]}"
        in_guest_cgroup "$LEADER" sh -c 'echo x > /dev/null' || fail "$mode: /dev/null is not writable in the guest"
        in_guest_cgroup "$LEADER" sh -c 'head -c 8 /dev/urandom >/dev/null' || fail "$mode: /dev/urandom is not readable"
        if [[ $mode == privileged ]]; then
                # mknod of an allowed node works (on a tmpfs without nodev: /dev itself).
                in_guest_cgroup "$LEADER" mknod /dev/null2 c 1 3 || fail "mknod of an allowed node (1:3) failed"
                in_guest_cgroup "$LEADER" sh -c 'echo x > /dev/null2' || fail "the allowed node 1:3 cannot be written"
        elif in_guest_cgroup "$LEADER" mknod /dev/null2 c 1 3 2>/dev/null; then
                # In a user namespace the kernel allows no device node at all (CAP_MKNOD is the host's).
                fail "$mode: the guest could create a device node"
        fi
        if in_guest_cgroup "$LEADER" mknod /dev/hostdisk b "$major" "$minor" 2>/dev/null; then
                fail "$mode: the guest could create a block device node $major:$minor"
        fi
        if in_guest_cgroup "$LEADER" mknod /dev/mem2 c 1 1 2>/dev/null; then
                fail "$mode: the guest could create /dev/mem (1:1)"
        fi
        # A node that exists in the tree already (made on the host) still cannot be opened.
        mknod "$tree/hostdisk" b "$major" "$minor"
        if in_guest_cgroup "$LEADER" sh -c 'head -c 1 /hostdisk >/dev/null' 2>/dev/null; then
                fail "$mode: the guest could read the host's disk through a node in its tree"
        fi
        rm -f "$tree/hostdisk"
        poweroff_guest
done
