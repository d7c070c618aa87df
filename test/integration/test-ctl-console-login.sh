#!/bin/bash
# nsbootctl console NAME on the Debian tree booted in the background with a passive console: the
# client (a terminal in tmux) gets systemd's console-getty, root logs in without a password, a
# command runs inside (its file seen from the host), stty size follows the client's window; Ctrl-] q
# detaches with the machine running and nsboot's console log still written; a second client is
# refused while one is attached; the next client finds the shell still logged in.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init
require_root
require_cmd tmux

debian_tree tree
name=$(basename "$tree")
console_log=$WORKDIR/console.log
nsboot_start -M "$name" -D "$tree" -b --console=passive --console-log="$console_log"
SUPERVISOR=$NSBOOT_PID
LEADER=$(leader_pid "$SUPERVISOR" 60)
at_exit "ctl stop --timeout=30 '$name' >/dev/null 2>&1"
wait_booted "$LEADER"
wait_output "$name login:" 30 "$console_log"

tmux_start "$CTL" console "$name"
CLIENT=$NSBOOT_PID
tmux_wait "Connected to the console of machine '$name'" 10
# agetty prints its prompt again on an empty line.
tmux_send Enter
tmux_wait "$name login: *\$" 30
tmux_send root Enter
tmux_wait "root@$name:~# *\$" 30
tmux_send 'echo "CONSOLE-$((6 * 7)) $(tty)" >/root/console-marker; stty size' Enter
tmux_wait '^50 160' 10
assert_match "$(cat "/proc/$LEADER/root/root/console-marker")" '^CONSOLE-42 /dev/console$' \
        "the command ran in the guest, on its console"

rc=0
ctl console "$name" </dev/null >/dev/null 2>"$WORKDIR/err" || rc=$?
assert_eq 1 "$rc" "a second client"
assert_file_contains "$WORKDIR/err" "is attached already (nsbootctl PID $CLIENT)"

_tmux resize-window -t nsboot -x 120 -y 40
sleep 0.5
tmux_send clear Enter
tmux_send 'stty size' Enter
tmux_wait '^40 120' 10
tmux_send 'C-]' q
tmux_wait_exit 10
assert_rc 0 "exit status after Ctrl-] q"
kill -0 "$SUPERVISOR" || fail "nsboot exited after the client detached"
assert_eq active "$(in_guest "$LEADER" systemctl is-active console-getty.service)" "console-getty after the detach"
wait_output "^50 160" 10 "$console_log"
in_guest "$LEADER" sh -c 'echo AFTER-DETACH >/dev/console'
wait_output "AFTER-DETACH" 10 "$console_log"

# The next client finds the shell logged in (a script on a pipe this time).
out=$({ echo 'echo AGAIN-$((3 * 3)) $(id -un)'; sleep 3; } | ctl console -q "$name")
assert_contains "$out" "AGAIN-9 root" "the shell is still logged in for the next client"
exit 0
