#!/bin/bash
# nsbootctl console NAME: a client attached to a machine running in the background (a busybox
# shell on a read-only console) types into the guest and sees its output, while nsboot's stdout and
# console log keep getting it; a script on a pipe works too. In a terminal (tmux): the greeting, the
# window size at attach and after a resize, Ctrl-] q detaching with the machine still running, a
# second client refused naming the first one's PID; a SIGKILLed client leaves the supervisor
# healthy (no busy loop, no fd left open) and the next attach works; a client attached when the
# machine ends is told so and exits; one attached to a guest that never reads ends on SIGTERM.
# With --console=interactive,
# nsboot's own terminal and a client share the console. A --console=pipe machine and an unknown
# machine are refused. The Debian login is test-ctl-console-login.sh.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init 30
require_root
require_cmd tmux

# cpu_ticks PID: user + system time of PID in clock ticks.
cpu_ticks() {
        awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# piped_console SECS INPUT: nsbootctl console on a pipe that sends INPUT and stays open SECS s;
# the guest's output on stdout.
piped_console() {
        { printf '%s\n' "$2"; sleep "$1"; } | ctl console -q "$name"
}

busybox_tree tree "nsbt$$k"
name=$(basename "$tree")
console_log=$WORKDIR/console.log
# A shell as the guest's PID 1: it reads the console, which nobody else writes to.
nsboot_start -M "$name" -D "$tree" --console=read-only --console-log="$console_log" /bin/sh -i
SUPERVISOR=$NSBOOT_PID
SUPERVISOR_OUT=$NSBOOT_OUT
LEADER=$(leader_pid "$SUPERVISOR")
retry 10 test -S "/run/nsboot/control/$name.sock" || fail "no control socket of $name"
fds_before=$(ls "/proc/$SUPERVISOR/fd" | wc -l)

# A script drives the console through a pipe: no raw mode, its input reaches the guest's shell.
out=$(piped_console 2 'echo PIPED-$((6 * 7)) >/tmp/marker; echo PIPED-OUT-$((6 * 7))')
assert_contains "$out" "PIPED-OUT-42" "the guest's answer reaches the client"
assert_eq "PIPED-42" "$(cat "/proc/$LEADER/root/tmp/marker")" "the command ran inside the guest"
wait_output "PIPED-OUT-42" 10 "$SUPERVISOR_OUT"
wait_output "PIPED-OUT-42" 10 "$console_log"

# A terminal: greeting, window size, a second client refused, resize, detach.
tmux_start "$CTL" console "$name"
CLIENT=$NSBOOT_PID
tmux_wait "Connected to the console of machine '$name'; press Ctrl-\] q to detach" 10
tmux_send 'stty size; echo TMUX-$((2 * 3))' Enter
tmux_wait '^TMUX-6' 10
tmux_wait '^50 160' 5
rc=0
ctl console "$name" </dev/null >/dev/null 2>"$WORKDIR/err" || rc=$?
assert_eq 1 "$rc" "a second client"
assert_file_contains "$WORKDIR/err" "The console of machine '$name' is attached already (nsbootctl PID $CLIENT)"
_tmux resize-window -t nsboot -x 100 -y 30
sleep 0.5
tmux_send 'stty size' Enter
tmux_wait '^30 100' 10
tmux_send 'C-]' q
tmux_wait_exit 10
assert_rc 0 "exit status after Ctrl-] q"
tmux_screen | grep -q "Detached from the console of machine '$name'" || fail "no message on detach"
kill -0 "$SUPERVISOR" || fail "nsboot exited after the client detached"
kill -0 "$LEADER" || fail "the guest exited after the client detached"
in_guest "$LEADER" sh -c 'echo AFTER-DETACH >/dev/console'
wait_output "AFTER-DETACH" 10 "$SUPERVISOR_OUT"
wait_output "AFTER-DETACH" 10 "$console_log"

# A client killed with SIGKILL: the supervisor notices, does not spin, and takes the next one.
# Its input is a FIFO this script holds open (no timeout in between: $! is nsbootctl).
mkfifo "$WORKDIR/input"
exec {input}<>"$WORKDIR/input"
"$CTL" console -q "$name" <"$WORKDIR/input" >"$WORKDIR/killed.out" &
killed=$!
at_exit "_kill_if_alive $killed"
retry 10 sh -c "'$CTL' console '$name' </dev/null 2>&1 | grep -q 'nsbootctl PID $killed'" ||
        fail "the client in the background never attached"
kill -KILL "$killed"
wait "$killed" 2>/dev/null || true
exec {input}>&-
out=$(retry 10 piped_console 2 'echo AGAIN-$((3 * 3))') || fail "no attach after a SIGKILLed client"
assert_contains "$out" "AGAIN-9" "attached again after a SIGKILLed client"
ticks=$(cpu_ticks "$SUPERVISOR")
sleep 2
ticks=$(($(cpu_ticks "$SUPERVISOR") - ticks))
((ticks < 20)) || fail "nsboot used $ticks clock ticks in 2 s with no client: a busy loop?"
assert_eq "$fds_before" "$(ls "/proc/$SUPERVISOR/fd" | wc -l)" "nsboot's open fds after the clients left"
in_guest "$LEADER" sh -c 'echo AFTER-KILL >/dev/console'
wait_output "AFTER-KILL" 10 "$SUPERVISOR_OUT"

# The machine ends while a client is attached: the client is told and exits.
exec {input}<>"$WORKDIR/input"
"$CTL" console "$name" <"$WORKDIR/input" >/dev/null 2>"$WORKDIR/closed.err" &
closed=$!
at_exit "_kill_if_alive $closed"
retry 10 grep -q "Connected to the console" "$WORKDIR/closed.err" || fail "the last client never attached"
kill -TERM "$SUPERVISOR"
wait_pid_exit "$SUPERVISOR" 30 || fail "nsboot did not exit after SIGTERM"
wait_pid_exit "$closed" 10 || fail "the client stayed after the machine ended"
rc=0
wait "$closed" || rc=$?
assert_eq 0 "$rc" "exit status of a client whose machine ended"
assert_file_contains "$WORKDIR/closed.err" "The console of machine '$name' was closed: it stopped or reboots"
exec {input}>&-

# --console=interactive: nsboot's own terminal stays attached beside the client; both type.
_tmux kill-server
rm -f "$WORKDIR/tmux.rc"
tmux_start "$NSBOOT" -M "$name" -D "$tree" --console=interactive /bin/sh -i
retry 10 test -S "/run/nsboot/control/$name.sock" || fail "no control socket of $name"
out=$(piped_console 2 'echo BOTH-$((5 * 5))')
assert_contains "$out" "BOTH-25" "the client of an interactive console"
tmux_wait '^BOTH-25' 10
tmux_send 'echo OWN-$((4 * 4))' Enter
tmux_wait '^OWN-16' 10
tmux_send exit Enter
tmux_wait_exit 20
assert_rc 0 "exit status of nsboot after exit in the shell"

# --console=pipe has no pty to attach to.
busybox_tree tree2 "nsbt$$p"
name2=$(basename "$tree2")
nsboot_start -M "$name2" -D "$tree2" --console=pipe /bin/sleep 60
retry 10 test -S "/run/nsboot/control/$name2.sock" || fail "no control socket of $name2"
rc=0
ctl console "$name2" </dev/null 2>"$WORKDIR/err" || rc=$?
assert_eq 1 "$rc" "console of a --console=pipe machine"
assert_file_contains "$WORKDIR/err" "Machine '$name2' has no console to attach to: it runs with --console=pipe"
kill -TERM "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 30 || fail "nsboot did not exit after SIGTERM"

# A guest that never reads its console: the client's input fills the connection, and it still
# ends at once on SIGTERM (it never blocks in a send).
busybox_tree tree3 "nsbt$$r"
name3=$(basename "$tree3")
nsboot_start -M "$name3" -D "$tree3" --console=read-only /bin/sleep 120
retry 10 test -S "/run/nsboot/control/$name3.sock" || fail "no control socket of $name3"
yes 'input nobody reads' | "$CTL" console -q "$name3" >/dev/null 2>&1 &
client=$!
at_exit "_kill_if_alive $client"
sleep 3
kill -0 "$client" 2>/dev/null || fail "the client of a guest that does not read ended by itself"
kill -TERM "$client"
wait_pid_exit "$client" 5 || fail "the client of a guest that does not read did not end on SIGTERM"
kill -TERM "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 30 || fail "nsboot did not exit after SIGTERM"

rc=0
ctl console "nosuch$$" </dev/null 2>"$WORKDIR/err" || rc=$?
assert_eq 1 "$rc" "console of an unknown machine"
assert_file_contains "$WORKDIR/err" "Machine 'nosuch$$' is not running"
exit 0
