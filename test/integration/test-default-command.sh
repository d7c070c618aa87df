#!/bin/bash
# Without -b and without a command, nsboot runs lxc.execute.cmd (nsboot.command) if the file has
# one, else the user's shell from the tree's /etc/passwd.
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

# lxc.execute.cmd: the command when the command line has none (looked up in PATH, quotes kept
# together), under -a too; the command line's command wins; -b boots init regardless.
name=$(basename "$tree")
echo "lxc.execute.cmd = echo 'executed, two' words" >"$WORKDIR/exec.conf"
nsboot_run --config="$WORKDIR/exec.conf" -D "$tree"
assert_rc 0 "lxc.execute.cmd"
assert_eq "executed, two words" "$(output)" "lxc.execute.cmd ran"
nsboot_run -a --config="$WORKDIR/exec.conf" -D "$tree"
assert_rc 0 "lxc.execute.cmd with -a"
assert_eq "executed, two words" "$(output)" "lxc.execute.cmd ran as PID 2"
nsboot_run --config="$WORKDIR/exec.conf" -D "$tree" /bin/echo from the command line
assert_eq "from the command line" "$(output)" "the command line's command wins"
nsboot_run --config="$WORKDIR/exec.conf" -D "$tree" -b exit 0
assert_rc 0 "-b with lxc.execute.cmd"
assert_eq exit "$(fact mode)" "-b boots init, not lxc.execute.cmd"
assert_file_not_contains "$NSBOOT_OUT" executed "lxc.execute.cmd ran under -b"
echo "nsboot.command = /no/such/command" >"$WORKDIR/exec.conf"
nsboot_run --config="$WORKDIR/exec.conf" -D "$tree"
assert_rc 127 "nsboot.command that the tree does not have"
printf 'nsboot.hostname = x\nlxc.execute.cmd = /bin/echo "unterminated\n' >"$WORKDIR/exec.conf"
nsboot_run --config="$WORKDIR/exec.conf" -M "$name" -D "$tree"
assert_rc 1 "lxc.execute.cmd with an open quote"
assert_file_contains "$NSBOOT_ERR" "$WORKDIR/exec.conf:2: lxc.execute.cmd: invalid value"
assert_file_not_exists "/run/nsboot/machines/$name"
