#!/bin/bash
# -x/--ephemeral: the guest writes, deletes and renames freely, and afterwards the tree is exactly
# as it was (checksum over names, metadata and contents); the machine name gets a random suffix;
# lxc.ephemeral = 1 in a config file means the same; -x works on an image too. A -x start of a
# tree with 1 GB of files takes as long as a plain start (nothing is copied): both are printed.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

nsboot_has_option --ephemeral || skip "nsboot has no --ephemeral"
grep -qw overlay /proc/filesystems || skip "the kernel has no overlayfs"

busybox_tree tree
echo original >"$tree/etc/marker"
before=$(tree_sum "$tree")
vandal='echo changed >/etc/marker; rm /etc/os-release; mkdir -p /srv/new; echo x >/srv/new/file;
        mv /etc/passwd /etc/passwd.moved; chmod 000 /root; ln -sf /nowhere /bin/ls; cat /etc/marker; hostname'

for mode in $(userns_modes); do
        # shellcheck disable=SC2046 # userns_args prints zero or one word
        nsboot_run -D "$tree" -x $(userns_args "$mode") /bin/sh -c "$vandal"
        assert_rc 0 "the vandal's run with -x ($mode)"
        assert_contains "$(output)" changed "the guest sees its own write"
        assert_match "$(output | tail -n 1)" "^$(basename "$tree")-[0-9a-f]{16}\$" "hostname: the name with a random suffix"
        assert_eq "$before" "$(tree_sum "$tree")" "the tree's checksum after the -x run ($mode)"

        # The same through lxc.ephemeral in an LXC config file.
        conf=$WORKDIR/lxc-$mode.conf
        printf 'lxc.rootfs.path = dir:%s\nlxc.ephemeral = 1\nlxc.uts.name = eph\n' "$tree" >"$conf"
        # shellcheck disable=SC2046
        nsboot_run --config="$conf" $(userns_args "$mode") /bin/sh -c "$vandal"
        assert_rc 0 "the vandal's run with lxc.ephemeral = 1 ($mode)"
        assert_eq "$before" "$(tree_sum "$tree")" "the tree's checksum after lxc.ephemeral ($mode)"

        # And a boot: testinit as PID 1 on the overlay.
        # shellcheck disable=SC2046
        nsboot_run -D "$tree" -x $(userns_args "$mode") -b
        assert_rc 0 "boot with -x ($mode)"
        assert_eq 1 "$(fact pid)" "PID of init on the overlay"
done

# -x over an image: the image is not written either.
if command -v mkfs.ext4 >/dev/null && [[ -e /dev/loop-control ]]; then
        img=$WORKDIR/eph.ext4
        make_ext4_image "$img" "$tree"
        sum=$(sha256sum <"$img")
        nsboot_run -M "eph$$" -i "$img" -x /bin/sh -c "$vandal"
        assert_rc 0 "the vandal's run on an image with -x"
        assert_eq "$sum" "$(sha256sum <"$img")" "the image's checksum after -x"
        assert_no_loop "$img" "after -x on the image"
fi

# -x names each run anew, so a killed one is repaired by the next -x start of the same tree: its
# cgroup, records and lock files go; a sibling that still runs is left alone.
state_of() { grep -l "^SUPERVISOR=$1\$" /run/nsboot/machines/*.state 2>/dev/null | sed 's|.*/||; s|\.state$||'; }
boot_sleeping "$tree" -x
alive_pid=$NSBOOT_PID
alive=$(state_of "$alive_pid")
[[ -n $alive ]] || fail "no state record of the running -x machine"
boot_sleeping "$tree" -x
killed=$(state_of "$NSBOOT_PID")
[[ -n $killed && $killed != "$alive" ]] || fail "no state record of the second -x machine"
kill -KILL "$NSBOOT_PID"
timeout 10 tail --pid="$NSBOOT_PID" -f /dev/null
[[ -d $(machine_cgroup "${killed//-/\\x2d}") ]] || fail "a SIGKILLed -x machine's cgroup stays until the next start"
assert_file_exists "/run/nsboot/machines/$killed.cgroup" "a SIGKILLed -x machine's cgroup record"
assert_file_exists "/run/nsboot/locks/machine-$killed" "a SIGKILLed -x machine's lock file"
nsboot_run -D "$tree" -x /bin/true
assert_rc 0 "the next -x start of the tree"
assert_file_contains "$NSBOOT_ERR" "machine '$killed'" "the start says whose leftovers it repaired"
# the scope's name escapes "-" as systemd does
killed_cg=$(machine_cgroup "${killed//-/\\x2d}")
alive_cg=$(machine_cgroup "${alive//-/\\x2d}")
[[ -d $alive_cg ]] || fail "no cgroup $alive_cg of the running sibling"
[[ ! -d $killed_cg ]] || fail "the killed -x machine's cgroup after the next start"
for f in /run/nsboot/machines/"$killed".* /run/nsboot/locks/machine-"$killed"; do
        assert_file_not_exists "$f" "the killed -x machine's leftover"
done
kill -0 "$alive_pid" || fail "the sweep killed a running sibling"
[[ -d $alive_cg ]] || fail "the sweep removed a running sibling's cgroup"
assert_file_exists "/run/nsboot/machines/$alive.state" "the running sibling's state record"
NSBOOT_PID=$alive_pid
poweroff_guest

# Start latency with 1 GB of files in the tree: no timed assertion, the figures are printed.
big=$WORKDIR/big
cp -a "$tree" "$big"
mkdir -p "$big/srv/data"
for i in $(seq 1 64); do
        head -c 16M /dev/zero >"$big/srv/data/f$i"
done
log "tree of $(du -sh "$big" | cut -f1)"
timed() {
        local start=$EPOCHREALTIME
        nsboot_run "$@" /bin/true
        assert_rc 0 "nsboot $*"
        echo $(((${EPOCHREALTIME/./} - ${start/./}) / 1000))
}
plain=() eph=()
for i in 1 2 3; do
        plain+=("$(timed -D "$big" | tail -n 1)")
        eph+=("$(timed -D "$big" -x | tail -n 1)")
done
log "start and exit of /bin/true on a 1 GB tree: plain ${plain[*]} ms, -x ${eph[*]} ms"
