#!/bin/bash
# nsboot's runtime directory /run/nsboot on a fresh host: made 0755 whichever of its subdirectories
# comes first (the filter cache and the control sockets are 0700), so that the guest's root in a user
# namespace can reach the staging directory /run/nsboot/root; one that an older nsboot made 0700 is
# repaired by the next start (also through a symlink). Each case runs in a mount namespace of its own
# with a tmpfs on /run.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

# in_fresh_run SETUP: runs SETUP, then nsboot twice on the tree, in a private mount namespace whose
# /run is a new tmpfs; prints the modes of /run/nsboot and its cache afterwards.
in_fresh_run() {
        timeout -k 5 120 unshare -m --propagation private sh -c '
                mount -t tmpfs -o mode=0755 nsbt-run /run || exit 90
                eval "$1" || exit 91
                "$2" -q -D "$3" /bin/true >&2 || exit 92
                "$2" -q -D "$3" /bin/true >&2 || exit 93
                stat -L -c "%a" /run/nsboot /run/nsboot/cache' sh "$1" "$NSBOOT" "$tree"
}

modes=$(in_fresh_run true) || fail "nsboot on a host without /run/nsboot (status $?)"
assert_eq "755 700" "$(echo $modes)" "modes of /run/nsboot and its cache on a fresh host"

modes=$(in_fresh_run 'mkdir -m 0700 /run/nsboot') || fail "nsboot with a 0700 /run/nsboot (status $?)"
assert_eq "755 700" "$(echo $modes)" "modes after the start repaired a 0700 /run/nsboot"

modes=$(in_fresh_run 'mkdir -m 0700 /run/nsboot && mkdir -m 0700 /run/nsboot/cache') ||
        fail "nsboot with a 0700 /run/nsboot and cache (status $?)"
assert_eq "755 700" "$(echo $modes)" "modes with the cache made first"

# An admin's /run/nsboot that is a symlink to a directory of theirs is followed, as before.
modes=$(in_fresh_run 'mkdir -m 0700 /run/nsboot.real && ln -s nsboot.real /run/nsboot') ||
        fail "nsboot with /run/nsboot a symlink (status $?)"
assert_eq "755 700" "$(echo $modes)" "modes through the symlink"
