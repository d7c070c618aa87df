#!/bin/bash
# nsbootctl create --method=mkosi: a Debian bookworm machine built by mkosi (Debian 12's mkosi 14,
# once per version of the create code, cached under /var/cache/nsboot/trees: minutes on a loaded
# machine) with a host name, a root password and an extra package; mkosi's work files stay out of
# /var/lib/machines; the tree has a fresh machine ID, and boots to "running" in the default mode.
# nsboot-test-timeout: 2400
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init
require_cmd mkosi python3
# shellcheck source=test/lib/ctl-create.sh
. "$SRCDIR/test/lib/ctl-create.sh"

ctl_create_cached cache mkosi --release=bookworm --hostname=mkosihost --root-password=m0sk1 --packages=less
assert_file_contains "$cache/.nsbootctl-create.conf" "nsbootctl create (mkosi bookworm)"
assert_file_contains "$cache/.nsbootctl-create.conf" "nsboot.hostname = mkosihost"
assert_eq mkosihost "$(cat "$cache/etc/hostname")" "host name of the mkosi tree"
assert_match "$(cat "$cache/etc/machine-id")" '^[0-9a-f]{32}$' "machine ID of the mkosi tree"
root_hash=$(awk -F: '$1 == "root" { print $2 }' "$cache/etc/shadow")
python3 -W ignore -c 'import crypt, sys; sys.exit(crypt.crypt(sys.argv[2], sys.argv[1]) != sys.argv[1])' \
        "$root_hash" m0sk1 || fail "root's password hash ($root_hash) is not that of the given password"
assert_file_exists "$cache/usr/bin/less" "the extra package"
assert_file_exists "$cache/usr/lib/systemd/systemd" "systemd"

ctl_boot_running "$cache"
assert_eq mkosihost "$(ctl enter "$CTL_BOOTED" hostname)" "host name inside"
assert_contains "$(ctl enter "$CTL_BOOTED" cat /etc/os-release)" 'VERSION_CODENAME=bookworm' "the release"
ctl_stop_booted
exit 0
