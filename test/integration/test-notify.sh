#!/bin/bash
# sd_notify relay: nsboot tells its own service manager (here a listener on $NOTIFY_SOCKET) the
# leader PID at once, and with --notify-ready=yes READY=1 only after the guest's systemd sent it
# through /run/host/notify; STOPPING=1 at the end.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd python3
debian_tree tree
sock=$WORKDIR/notify.sock
log_file=$WORKDIR/notify.log
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

NOTIFY_SOCKET=$sock nsboot_start -D "$tree" -b --notify-ready=yes
LEADER=$(leader_pid "$NSBOOT_PID")
retry 20 grep -q "X_NSBOOT_LEADER_PID=$LEADER" "$log_file" || fail "no X_NSBOOT_LEADER_PID=$LEADER on the notify socket"
# With --notify-ready=yes nsboot's own start message carries no READY=1; only the guest's does.
first=$(grep -m1 "X_NSBOOT_LEADER_PID" "$log_file")
assert_not_contains "$first" "READY=1" "nsboot's start message with --notify-ready=yes"
wait_booted "$LEADER"
retry 30 grep -q 'READY=1' "$log_file" || fail "READY=1 never relayed:"$'\n'"$(cat "$log_file")"
assert_file_contains "$log_file" "STATUS=Container running" "a STATUS= line"
in_guest "$LEADER" systemctl poweroff
nsboot_wait 60
assert_rc 0
wait_pid_exit "$listener" 10 || fail "no STOPPING=1 after the guest powered off"
assert_file_contains "$log_file" "STOPPING=1" "STOPPING=1 at the end"
exit 0
