#!/bin/bash
# Symlinks in the tree where nsboot makes its mount points (/proc, /sys, /tmp) pointing at host
# paths are resolved inside the tree: nothing is created or mounted on the host, in the privileged
# mode too, where the child could write there. /dev and /run as symlinks are refused.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
marker=nsboot-evil-$$
at_exit "rm -rf '/etc/$marker' '/var/tmp/$marker'"
for d in proc sys tmp; do
        rm -rf "${tree:?}/$d"
        ln -s "/etc/$marker/$d" "$tree/$d"
done

for mode in --private-users=no --private-users=pick; do
        nsboot_run -D "$tree" "$mode" /bin/sh -c 'cat /proc/1/comm; ls -d /sys/class /run/host /dev/null'
        assert_rc 0 "$mode: a tree with symlinked mount points"
        assert_contains "$(output)" "/run/host" "$mode: /run inside the guest"
        [[ -e /etc/$marker || -e /var/tmp/$marker ]] && fail "$mode: nsboot created host paths through the tree's symlinks"
        # The mount points went to where the links point inside the tree.
        assert_file_exists "$tree/etc/$marker/proc"
        assert_file_exists "$tree/etc/$marker/tmp"
done

for d in dev run; do
        mv "$tree/$d" "$tree/$d.real"
        ln -s "/var/tmp/$marker/$d" "$tree/$d"
        nsboot_run -D "$tree" --private-users=no /bin/true
        assert_rc 1 "a tree whose /$d is a symlink"
        assert_contains "$(cat "$NSBOOT_ERR")" "/$d' is a symbolic link" "error for /$d"
        [[ -e /var/tmp/$marker ]] && fail "nsboot created host paths through the tree's /$d symlink"
        rm "$tree/$d"
        mv "$tree/$d.real" "$tree/$d"
done
