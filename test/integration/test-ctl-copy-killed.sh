#!/bin/bash
# nsbootctl copy-from and copy-to killed with SIGKILL (both sides, the guest's one frozen in the
# machine's cgroup) leave their temporary directory next to the destination; the next copy into
# that directory removes it, and never the one of a copy that is still running (which then
# completes). Two Ctrl-Cs in a row to a copy leave nothing either.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init
require_cmd python3

# temps DIR: the temporary directories of copies in DIR.
temps() {
        find "$1" -maxdepth 1 -name '.#nsbootctl-copy-*' | sort
}

# freeze 0|1: thaw or freeze the machine's cgroup, where the guest's side of a copy goes.
freeze() {
        local cg
        cg=$(cgroup2_root)$(sed -n 's/^0:://p' "/proc/$LEADER/cgroup")
        echo "$1" >"$cg/cgroup.freeze"
}

# background VAR ARGS...: nsbootctl ARGS in the background, its PID in VAR.
background() {
        local -n _bg_ret=$1
        shift
        "$CTL" "$@" &
        _bg_ret=$!
        at_exit "_kill_if_alive $_bg_ret"
}

# has_temps DIR N: DIR has N temporary directories.
has_temps() {
        (($(temps "$1" | wc -l) == $2))
}

# wait_temps DIR N: until DIR has N temporary directories (at most 20 s).
wait_temps() {
        retry 20 has_temps "$1" "$2" || fail "$1 has $(temps "$1" | wc -l) temporary directories, not $2"
}

# killed PID...: SIGKILLed, and gone within 10 s.
killed() {
        local pid
        kill -KILL "$@"
        for pid in "$@"; do
                wait_gone "$pid" 10 || fail "PID $pid did not die"
        done
}

bb="" pid="" live="" next=""
busybox_tree bb
name=$(basename "$bb")
boot_sleeping "$bb"
at_exit "freeze 0 2>/dev/null || true"
echo guest >"$bb/file"
dest=$WORKDIR/dest
mkdir "$dest"

# --- copy-from: killed while its guest side is frozen (its temporary directory is made first).
freeze 1
background pid copy-from "$name" /file "$dest/a"
wait_temps "$dest" 1
stale=$(temps "$dest")
killed "$pid"
assert_eq "$stale" "$(temps "$dest")" "the killed copy-from's temporary directory"
# The next copy into that directory removes it; one more, while that one still runs, leaves the
# running one's alone.
background live copy-from "$name" /file "$dest/b"
retry 20 test ! -e "$stale" || fail "the next copy-from left the stale $stale"
wait_temps "$dest" 1
live_tmp=$(temps "$dest")
background next copy-from "$name" /file "$dest/c"
wait_temps "$dest" 2
assert_file_exists "$live_tmp" "the running copy's temporary directory"
freeze 0
wait "$live" || fail "the running copy-from failed"
wait "$next" || fail "the next copy-from failed"
assert_eq "guest guest" "$(cat "$dest/b") $(cat "$dest/c")" "both copies complete"
assert_eq "" "$(temps "$dest")" "temporary directories after the copies"

# --- Two Ctrl-Cs in a row, the guest's side frozen: nothing left.
freeze 1
start_interruptible pid "$CTL" copy-from "$name" /file "$dest/d"
wait_temps "$dest" 1
kill -INT -- "-$pid"
kill -INT -- "-$pid"
wait_pid_exit "$pid" 20 || fail "copy-from did not end after two Ctrl-Cs"
freeze 0
assert_eq "" "$(temps "$dest")" "temporary directories after two Ctrl-Cs"
assert_file_not_exists "$dest/d" "a cancelled copy-from's destination"

# --- copy-to: both sides killed in the middle of the stream; the guest's temporary directory is
# removed by the next copy-to into that directory, from inside the guest.
head -c 200M /dev/zero >"$WORKDIR/big"
mkdir "$bb/in"
background pid copy-to "$name" "$WORKDIR/big" /in/big
wait_temps "$bb/in" 1
freeze 1
child=$(pgrep -P "$pid") || fail "no guest side of copy-to"
stale=$(temps "$bb/in")
killed "$pid" "$child"
freeze 0
assert_eq "$stale" "$(temps "$bb/in")" "the killed copy-to's temporary directory in the guest"
ctl copy-to "$name" "$bb/file" /in/small
assert_eq "guest" "$(in_guest "$LEADER" cat /in/small)" "the next copy-to"
assert_eq "" "$(temps "$bb/in")" "temporary directories in the guest after the next copy-to"
assert_file_not_exists "$bb/in/big" "the killed copy-to's destination"
rm -f "$WORKDIR/big"

poweroff_guest
exit 0
