#!/bin/bash
# Interactive console keys, through a real terminal (tmux): Ctrl-] Ctrl-] r reboots the guest
# cleanly (its shutdown runs, it boots again in the same nsboot), Ctrl-] Ctrl-] p powers it off
# cleanly (nsboot exits 0); for a systemd guest (the Debian tree) and a sysvinit guest. A stalled
# terminal does not hold up nsboot: with its output in a pipe nobody reads and a guest writing
# megabytes, nsboot still ends the guest at once on SIGTERM. As test-console-hotkeys-privileged.sh
# the guests run with --private-users=no.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_cmd tmux
userns=pick
[[ $TEST_NAME != *-privileged ]] || userns=no

log "systemd: Ctrl-] Ctrl-] r, then Ctrl-] Ctrl-] p"
debian_tree dt
tmux_start "$NSBOOT" --private-users="$userns" -D "$dt" -b
tmux_wait 'Ctrl-] Ctrl-] p to power it off' 5
leader=$(leader_pid "$NSBOOT_PID")
wait_booted "$leader"
tmux_send C-] C-] r
tmux_wait 'Sending SIGINT to the guest.s systemd to reboot it' 10
# A new PID 1 that boots: the screen may have been cleared by then.
new_leader() { local l; l=$(leader_pid "$NSBOOT_PID" 2 2>/dev/null) && [[ $l != "$leader" ]] && echo "$l"; }
leader2=$(retry 60 new_leader) || fail "no new guest PID 1 after the reboot key"
kill -0 "$NSBOOT_PID" || fail "nsboot exited on the reboot key"
wait_booted "$leader2"
tmux_send C-] C-] p
tmux_wait_exit 60
assert_rc 0 "exit status after Ctrl-] Ctrl-] p"
tmux_wait 'Sending SIGRTMIN\+3 to the guest.s systemd to power it off' 1
tmux_wait 'has been shut down' 1
timeout 10 tmux -S "$WORKDIR/tmux.sock" kill-server 2>/dev/null || true
rm -f "$WORKDIR/tmux.rc"

log "sysvinit: Ctrl-] Ctrl-] r, then Ctrl-] Ctrl-] p"
init_tree sv sysvinit
marker=$sv/var/log/nsboot-marker
# --private-network: see test-init-stop-sysvinit.sh (the guest's boot remounts /sys).
tmux_start "$NSBOOT" --private-users="$userns" --private-network -D "$sv" -b
tmux_wait 'NSBOOT-INIT: boot' 90
tmux_send C-] C-] r
tmux_wait 'Asking the guest.s sysvinit to reboot' 10
has_boots() { (($(grep -c '^boot$' "$marker" || true) >= $1)); }
retry 180 has_boots 2 || fail "no second boot after the reboot key"
assert_eq 1 "$(grep -c '^shutdown$' "$marker")" "the shutdown sequence ran before the reboot"
tmux_send C-] C-] p
tmux_wait_exit 60
assert_rc 0 "exit status after Ctrl-] Ctrl-] p"
assert_eq 2 "$(grep -c '^shutdown$' "$marker")" "the shutdown sequence ran on Ctrl-] Ctrl-] p"
timeout 10 tmux -S "$WORKDIR/tmux.sock" kill-server 2>/dev/null || true

log "a stalled terminal: output into a full pipe"
busybox_tree bb
mkfifo "$WORKDIR/stall"
# The reader opens the pipe and never reads: the pipe fills, nsboot's writes would block.
sleep 60 <"$WORKDIR/stall" &
reader=$!
at_exit "kill $reader 2>/dev/null"
"$NSBOOT" --private-users="$userns" --console=read-only -D "$bb" /bin/busybox sh -c 'yes flood | head -c 3000000; sleep 60' \
        </dev/null >"$WORKDIR/stall" 2>"$WORKDIR/stall.err" &
pid=$!
at_exit "_kill_if_alive $pid"
sleep 3
kill -0 "$pid" || fail "nsboot ended early: $(cat "$WORKDIR/stall.err")"
kill -TERM "$pid"
wait_pid_exit "$pid" 5 || fail "nsboot did not end within 5 s of SIGTERM while its output was stalled"
exit 0
