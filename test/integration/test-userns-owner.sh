#!/bin/bash
# The guest's root owns its user namespace, not the host's root (src/security/userns-owner.c):
# seen from the host with NS_GET_OWNER_UID on /proc/PID/ns/user, and in what the kernel charges to
# the owner: guest A creates inotify instances until the kernel refuses and holds them; guest B,
# started meanwhile, still gets as many, fs.inotify.max_user_instances each (with root as the owner
# of both, A would have used up root's and B would get none). The guest still starts in its cgroup
# (clone3 into the cgroup as the owner). The privileged mode and the identity mapping keep root as
# the owner. The preflight names the owner whose instances are used up (nsboot in a user namespace
# of its own with the owner's limit lowered: the host's sysctl is never touched).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_root
PROBE=$(fixture_binary userns-probe "${USERNS_PROBE:-}")
limit=$(cat /proc/sys/fs/inotify/max_user_instances)

busybox_tree a
busybox_tree b
install -m 0755 "$PROBE" "$a/usr/bin/userns-probe"
install -m 0755 "$PROBE" "$b/usr/bin/userns-probe"
name_a=$(basename "$a")

# instances FILE: how many instances the probe got.
instances() {
        sed -n 's/^inotify=\([0-9]*\) .*/\1/p' "$1" | tail -n 1
}

nsboot_start -q -D "$a" /usr/bin/userns-probe inotify 20
pid_a=$NSBOOT_PID
out_a=$NSBOOT_OUT
wait_output '^inotify=' 30
leader=$(leader_pid "$pid_a")
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$leader/status")
assert_ne "0" "$uid" "the guest's root is not the host's root"
assert_eq "owner=$uid" "$("$PROBE" owner "/proc/$leader/ns/user")" "the owner of the guest's user namespace"
assert_match "$(cat "/proc/$leader/cgroup")" "machine-$name_a\.scope" "the guest is in its cgroup"
n_a=$(instances "$out_a")
log "limit $limit, guest A (owner $uid) holds $n_a"
assert_eq "$limit" "$n_a" "guest A got the whole per-user limit"

nsboot_run -q -D "$b" /usr/bin/userns-probe inotify 0
assert_rc 0
n_b=$(instances "$NSBOOT_OUT")
log "guest B got $n_b while guest A holds $n_a"
assert_eq "$limit" "$n_b" "guest B got the whole per-user limit too"
kill "$pid_a"
NSBOOT_PID=$pid_a
NSBOOT_OUT=$out_a
nsboot_wait 40

# Without a user namespace of its own, or with root mapped to itself, root owns it.
nsboot_run -q --private-users=no -D "$a" /usr/bin/userns-probe owner /proc/self/ns/user
assert_eq "owner=0" "$(grep '^owner=' "$NSBOOT_OUT")" "--private-users=no"
nsboot_run -q --private-users=identity -D "$a" /usr/bin/userns-probe owner /proc/self/ns/user
assert_eq "owner=0" "$(grep '^owner=' "$NSBOOT_OUT")" "--private-users=identity"

# The preflight of a boot probes the owner's count: nsboot in a user namespace mapping every id,
# with the limit per user lowered there.
REAL_NSBOOT=$NSBOOT
printf '#!/bin/sh\nexec %q limited 0 %q "$@"\n' "$PROBE" "$REAL_NSBOOT" >"$WORKDIR/nsboot-limited"
chmod 0755 "$WORKDIR/nsboot-limited"
NSBOOT=$WORKDIR/nsboot-limited
nsboot_run -q -D "$a" -b sleep
assert_rc 1
assert_match "$(cat "$NSBOOT_ERR")" "Not booting: host uid [1-9][0-9]* has used up its inotify instances" "the owner named"
assert_contains "$(cat "$NSBOOT_ERR")" "sysctl -w fs.inotify.max_user_instances=" "the sysctl named"
nsboot_run -q --private-users=no -D "$a" -b sleep
assert_rc 1
assert_contains "$(cat "$NSBOOT_ERR")" "Not booting: root has used up its inotify instances" "root named"
NSBOOT=$REAL_NSBOOT
exit 0
