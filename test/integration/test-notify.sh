#!/bin/bash
# sd_notify relay: nsboot tells its own service manager (here a listener on $NOTIFY_SOCKET) the
# leader PID at once; with --notify-ready=no READY=1 in that same first message, with
# --notify-ready=yes only after the guest's systemd sent READY=1 through /run/host/notify, and the
# guest init's STATUS= relayed as "Container running: ..." (another guest process is not heard);
# STOPPING=1 at the end.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd python3

# listen SOCK LOG: a datagram listener writing one line per message into LOG until STOPPING=1.
listen() {
        local sock=$1 log_file=$2
        python3 - "$sock" "$log_file" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(120)
with open(sys.argv[2], "a", buffering=1) as out:
    try:
        while True:
            msg = s.recv(4096).decode()
            out.write("%.3f %s\n" % (time.monotonic(), msg.replace("\n", "|")))
            if "STOPPING=1" in msg:
                break
    except socket.timeout:
        pass
PY
        listener=$!
        at_exit "_kill_if_alive $listener"
        retry 10 test -S "$sock" || fail "the listener did not start"
}

# --notify-ready=no (a busybox guest has nothing to notify): READY=1 at once, with the leader PID.
bb=""
busybox_tree bb
listen "$WORKDIR/notify-no.sock" "$WORKDIR/notify-no.log"
NOTIFY_SOCKET=$WORKDIR/notify-no.sock boot_sleeping "$bb" --notify-ready=no
retry 20 grep -q "X_NSBOOT_LEADER_PID=$LEADER" "$WORKDIR/notify-no.log" ||
        fail "--notify-ready=no: no X_NSBOOT_LEADER_PID=$LEADER on the notify socket"
first=$(grep -m1 "X_NSBOOT_LEADER_PID" "$WORKDIR/notify-no.log")
assert_contains "$first" "|READY=1" "--notify-ready=no: READY=1 in nsboot's start message"
poweroff_guest
wait_pid_exit "$listener" 10 || fail "--notify-ready=no: no STOPPING=1 after the guest powered off"

debian_tree tree
sock=$WORKDIR/notify.sock
log_file=$WORKDIR/notify.log
listen "$sock" "$log_file"
NOTIFY_SOCKET=$sock nsboot_start -D "$tree" -b --notify-ready=yes
LEADER=$(leader_pid "$NSBOOT_PID")
retry 20 grep -q "X_NSBOOT_LEADER_PID=$LEADER" "$log_file" || fail "no X_NSBOOT_LEADER_PID=$LEADER on the notify socket"
# With --notify-ready=yes nsboot's own start message carries no READY=1; only the guest's does.
first=$(grep -m1 "X_NSBOOT_LEADER_PID" "$log_file")
assert_not_contains "$first" "READY=1" "nsboot's start message with --notify-ready=yes"
wait_booted "$LEADER"
retry 30 grep -q 'READY=1' "$log_file" || fail "READY=1 never relayed:"$'\n'"$(cat "$log_file")"
# systemd (PID 1) sends a STATUS= with its READY=1 (systemd 252: "STATUS=Ready."): relayed with
# nsboot's prefix. (nsboot's own messages say "STATUS=Container running." with a period, never a
# colon.)
grep -qE '(^| |\|)STATUS=Container running: [^|]+' "$log_file" ||
        fail "the guest's STATUS= was not relayed:"$'\n'"$(cat "$log_file")"
# Any other process of the guest is not the guest's voice.
in_guest "$LEADER" env NOTIFY_SOCKET=/run/host/notify systemd-notify "STATUS=nsbt-not-pid1-$$" ||
        fail "systemd-notify in the guest failed"
sleep 1
assert_file_not_contains "$log_file" "nsbt-not-pid1-$$" "a STATUS= from a process other than the guest's PID 1"
in_guest "$LEADER" systemctl poweroff
nsboot_wait 60
assert_rc 0
wait_pid_exit "$listener" 10 || fail "no STOPPING=1 after the guest powered off"
assert_file_contains "$log_file" "STOPPING=1" "STOPPING=1 at the end"
exit 0
