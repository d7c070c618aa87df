#!/bin/bash
# lxc.console.buffer.size: nsboot keeps the last console output in memory and nsbootctl console-log
# prints it while the machine runs: the boot output is there, never more than the size, the newest
# output kept; --clear empties it. A machine without a buffer says so; a too large size is refused
# naming the key.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init
busybox_tree tree "nsbt$$c"
name=$(basename "$tree")
conf=$WORKDIR/buffer.conf
printf 'lxc.console.buffer.size = 4K\n' >"$conf"

boot_sleeping "$tree" --config="$conf"
log=$("$CTL" console-log "$name") || fail "nsbootctl console-log failed"
assert_contains "$log" "NSBOOT-TEST: ready=1" "the boot output is in the buffer"
# 6000 bytes more than fit, then a mark: only the newest 4096 bytes stay, the mark last.
in_guest "$LEADER" sh -c 'head -c 6000 /dev/zero | tr "\0" x >/dev/console; echo END-OF-TEST >/dev/console'
sleep 0.5
"$CTL" console-log "$name" >"$WORKDIR/log" || fail "nsbootctl console-log failed"
assert_eq 4096 "$(stat -c %s "$WORKDIR/log")" "the buffer holds 4K"
assert_contains "$(tail -c 20 "$WORKDIR/log")" "END-OF-TEST" "the newest output is kept"
assert_not_contains "$(cat "$WORKDIR/log")" "ready=1" "the oldest output went"
"$CTL" console-log --clear "$name" >/dev/null || fail "nsbootctl console-log --clear failed"
assert_eq "" "$("$CTL" console-log "$name")" "empty after --clear"
in_guest "$LEADER" sh -c 'echo AFTER-CLEAR >/dev/console'
sleep 0.5
assert_contains "$("$CTL" console-log "$name")" "AFTER-CLEAR" "new output after --clear"
poweroff_guest

# Without lxc.console.buffer.size: no buffer, and nsbootctl says which key gives one.
boot_sleeping "$tree"
rc=0
"$CTL" console-log "$name" 2>"$WORKDIR/err" || rc=$?
assert_eq 1 "$rc" "console-log without a buffer"
assert_file_contains "$WORKDIR/err" "keeps no console buffer: set lxc.console.buffer.size"
poweroff_guest

printf 'lxc.console.buffer.size = 1G\n' >"$conf"
nsboot_run -q -D "$tree" --config="$conf" --check
assert_rc 1 "a 1G buffer"
assert_file_contains "$NSBOOT_ERR" "$conf:1: lxc.console.buffer.size: invalid value '1G'"
exit 0
