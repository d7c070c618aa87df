#!/bin/bash
# --register on a host without systemd-machined (as this one): auto (the default) and no run
# unregistered; yes fails before the guest runs, naming the reason, and leaves nothing behind.
# (Registration itself is tested with machined in the system tier, test-vm-machined.)
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

if busctl --system status org.freedesktop.machine1 >/dev/null 2>&1; then
        fail "this host has systemd-machined: the test needs a host without it (the VM tier has one)"
fi
busybox_tree tree
for mode in auto no; do
        nsboot_run -q -D "$tree" --register=$mode /bin/sh -c 'echo ran'
        assert_rc 0 "--register=$mode without machined"
        assert_eq ran "$(output)" "--register=$mode"
done
nsboot_run -q -D "$tree" --register=yes /bin/sh -c 'echo ran'
assert_rc 1 "--register=yes without machined"
assert_eq "" "$(output)" "the command ran although --register=yes failed"
assert_file_contains "$NSBOOT_ERR" "--register=yes: " "the error names the option"
exit 0
