#!/bin/bash
# Without -b and without a command, nsboot runs the user's shell from the tree's /etc/passwd.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
# A shell of our own, so that the output proves which program ran.
printf '#!/bin/sh\necho "shell=$0 args=$*"\n' >"$tree/bin/testshell"
chmod 0755 "$tree/bin/testshell"
sed -i 's|^root:\(.*\):/bin/sh$|root:\1:/bin/testshell|' "$tree/etc/passwd"

nsboot_run -D "$tree"
assert_rc 0
assert_file_contains "$NSBOOT_OUT" "shell=/bin/testshell" "default command"

# No usable shell in passwd: /bin/sh.
sed -i 's|^root:.*|root:x:0:0:root:/root:|' "$tree/etc/passwd"
printf 'echo "from stdin: $0"\n' >"$WORKDIR/script"
NSBOOT_STDIN=$WORKDIR/script nsboot_run -D "$tree"
assert_rc 0
assert_file_contains "$NSBOOT_OUT" "from stdin:" "fallback /bin/sh reading stdin"
