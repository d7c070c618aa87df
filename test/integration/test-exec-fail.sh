#!/bin/bash
# A command that cannot be executed gives the shell's conventions: 127 not found, 126 not executable.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
printf '#!/bin/sh\nexit 0\n' >"$tree/usr/bin/not-executable"
chmod 0644 "$tree/usr/bin/not-executable"

nsboot_run -D "$tree" /no/such/command
assert_rc 127

nsboot_run -D "$tree" no-such-command-in-path
assert_rc 127

nsboot_run -D "$tree" /usr/bin/not-executable
assert_rc 126
