#!/bin/bash
# --console=pipe (the default for a command when stdin is not a terminal): the command gets
# nsboot's stdin, stdout and stderr as they are, and there is no /dev/console.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
printf 'line one\nline two\n' >"$WORKDIR/input"

NSBOOT_STDIN=$WORKDIR/input nsboot_run -q -D "$tree" /bin/cat
assert_rc 0
assert_eq "$(cat "$WORKDIR/input")" "$(cat "$NSBOOT_OUT")" "stdin copied to stdout by cat"

nsboot_run -q -D "$tree" /bin/sh -c 'echo to-stderr >&2; echo to-stdout'
assert_rc 0
assert_eq to-stdout "$(cat "$NSBOOT_OUT")" "stdout"
assert_eq to-stderr "$(cat "$NSBOOT_ERR")" "stderr"

nsboot_run -q --console=pipe -D "$tree" /bin/sh -c 'test -e /dev/console && echo console-exists; readlink /proc/self/fd/1'
assert_rc 0
assert_file_not_contains "$NSBOOT_OUT" console-exists
assert_file_contains "$NSBOOT_OUT" "$(basename "$NSBOOT_OUT")" "stdout is nsboot's own stdout file"
