#!/bin/bash
# With -b, SIGTERM or SIGINT to nsboot sends the kill signal to the guest's init, which then shuts
# down cleanly: exit status 0. The default depends on the init: SIGRTMIN+3 for systemd (its
# "halt"), SIGUSR2 for busybox init (its "poweroff"), SIGPWR for any other (as LXC sends it);
# --kill-signal overrides it.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

# testinit as a plain /sbin/init: "some other init"
boot_sleeping "$tree"
poweroff_guest
assert_eq SIGPWR "$(fact signal)" "signal another init got for SIGTERM"

boot_sleeping "$tree"
kill -INT "$NSBOOT_PID"
nsboot_wait 30
assert_rc 0
assert_eq SIGPWR "$(fact signal)" "signal another init got for SIGINT"

boot_sleeping "$tree" --kill-signal=SIGUSR1
poweroff_guest
assert_eq SIGUSR1 "$(fact signal)" "signal init got with --kill-signal=SIGUSR1"

# The same program where systemd lives, /sbin/init a link to it: nsboot takes it for systemd.
mkdir -p "$tree/lib/systemd"
mv "$tree/sbin/init" "$tree/lib/systemd/systemd"
ln -s /lib/systemd/systemd "$tree/sbin/init"
boot_sleeping "$tree"
poweroff_guest
assert_eq SIGRTMIN+3 "$(fact signal)" "signal a systemd init got for SIGTERM"
