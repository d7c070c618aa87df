#!/bin/bash
# --overlay= and --overlay-ro= (systemd-nspawn's syntax): host directories stacked at a path in
# the guest; writes go to the upper directory on the host, or to a tmpfs for an empty upper;
# '+' paths are inside the tree; --overlay-ro cannot be written; in both user-namespace modes.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

nsboot_has_option --overlay || skip "nsboot has no --overlay"
grep -qw overlay /proc/filesystems || skip "the kernel has no overlayfs"

busybox_tree tree
lower=$WORKDIR/lower upper=$WORKDIR/upper
mkdir -p "$lower" "$upper" "$tree/srv/base" "$tree/srv/o"
echo from-lower >"$lower/l"
echo from-upper >"$upper/u"
echo from-tree >"$tree/srv/base/t"
show='cat /srv/o/l /srv/o/u 2>&1; echo guest >/srv/o/w && echo wrote; awk "\$5 == \"/srv/o\" { print \"srv\", \$6, \$9 }" /proc/self/mountinfo'

# In a user namespace the upper directory keeps the ids the host sees (overlayfs writes it as its
# mounter, host root, which an idmapping would not map): it must belong to the guest's root's
# host uid, so that range is fixed here.
base=$((0x70000000 + ($$ % 256) * 65536))
for mode in $(userns_modes); do
        args=(--private-users="$mode") owner=0
        if [[ $mode == default ]]; then
                args=(--private-users="$base:65536") owner=$base
        fi
        chown -R "$owner:$owner" "$upper"
        rm -f "$upper/w"
        nsboot_run -D "$tree" "${args[@]}" --overlay="$lower:$upper:/srv/o" /bin/sh -c "$show"
        assert_rc 0 "--overlay ($mode)"
        assert_contains "$(output)" from-lower "the lower directory's file"
        assert_contains "$(output)" from-upper "the upper directory's file"
        assert_contains "$(output)" wrote "a write to the overlay"
        assert_match "$(output | grep ^srv)" "^srv rw.* overlay" "the mount at /srv/o"
        assert_file_contains "$upper/w" guest "the guest's write in the upper directory"
        assert_eq "$owner" "$(stat -c %u "$upper/w")" "the owner of the guest's write on the host ($mode)"
        [[ ! -e $lower/w ]] || fail "the guest's write reached the lower directory"

        nsboot_run -D "$tree" "${args[@]}" --overlay-ro="$lower:$upper:/srv/o" /bin/sh -c "$show"
        assert_rc 0 "--overlay-ro ($mode)"
        assert_contains "$(output)" from-upper "the top directory of --overlay-ro"
        assert_not_contains "$(output)" wrote "a write to --overlay-ro"

        rm -f "$upper/w"
        nsboot_run -D "$tree" "${args[@]}" --overlay="+/srv/base:$lower::/srv/o" /bin/sh -c "$show; cat /srv/o/t"
        assert_rc 0 "--overlay with a tmpfs upper and a path in the tree ($mode)"
        assert_contains "$(output)" from-tree "the layer from the tree"
        assert_contains "$(output)" wrote "a write to the tmpfs upper"
        [[ ! -e $upper/w && ! -e $lower/w && ! -e $tree/srv/base/w ]] || fail "a write to a tmpfs upper landed on disk"
done

nsboot_run -D "$tree" --overlay="relative:/srv/o" /bin/true
assert_rc 1 "a relative --overlay path"
assert_contains "$(cat "$NSBOOT_ERR")" "--overlay" "the message names the option"
