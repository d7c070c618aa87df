#!/bin/bash
# --console-path (lxc.console.path): the guest's console on a host terminal device, here the slave
# of a pty whose master the test holds (as a serial line would be). Seen from the device: the
# guest's shell answers what is typed there, its console is /dev/console, TERM is vt220, and its
# exit status is nsboot's; nothing reaches nsboot's own standard output; the device's terminal
# settings are the same afterwards. The same from an LXC config's lxc.console.path (and the pre-3.0
# lxc.console); read-only: output reaches the device, input does not reach the guest. Refused,
# naming the option, with nothing left behind: a relative path, a file, /dev/null, a FIFO (without
# hanging), --console=pipe or passive with a device.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd python3

busybox_tree tree

# A pty held by a Python process for the whole test: it prints the slave's path, then serves
# requests on a FIFO ("send TEXT", "expect TEXT SECS", "termios") and answers on another.
pty_req=$WORKDIR/pty.req pty_ans=$WORKDIR/pty.ans
mkfifo "$pty_req" "$pty_ans"
python3 - "$pty_req" "$pty_ans" >"$WORKDIR/pty.path" <<'PY' &
import os, select, sys, termios, time
m, s = os.openpty()
print(os.ttyname(s), flush=True)
saved = termios.tcgetattr(s)
seen = b""
def pump(secs):
    global seen
    end = time.time() + secs
    while time.time() < end:
        r, _, _ = select.select([m], [], [], 0.1)
        if r:
            try:
                seen += os.read(m, 4096)
            except OSError:
                return
while True:
    with open(sys.argv[1]) as req:
        line = req.readline().rstrip("\n")
    if not line:
        continue
    cmd, _, arg = line.partition(" ")
    if cmd == "quit":
        break
    if cmd == "send":
        os.write(m, arg.encode().decode("unicode_escape").encode())
        answer = "ok"
    elif cmd == "expect":
        text, secs = arg.rsplit(" ", 1)
        end = time.time() + float(secs)
        while text.encode() not in seen and time.time() < end:
            pump(0.2)
        answer = "found" if text.encode() in seen else "missing: " + repr(seen[-300:])
        if text.encode() in seen:
            seen = seen[seen.index(text.encode()) + len(text):]
    elif cmd == "drain":
        pump(float(arg))
        answer = repr(seen)
        seen = b""
    elif cmd == "termios":
        answer = "same" if termios.tcgetattr(s) == saved else "changed"
    with open(sys.argv[2], "w") as ans:
        ans.write(answer + "\n")
PY
pty_pid=$!
at_exit "echo quit >'$pty_req' & sleep 0.5; kill $pty_pid 2>/dev/null"
for _ in $(seq 50); do [[ -s $WORKDIR/pty.path ]] && break; sleep 0.1; done
dev=$(cat "$WORKDIR/pty.path")
[[ -c $dev ]] || fail "no pty slave ($dev)"
log "the device: $dev"

pty() {
        timeout 30 bash -c 'echo "$1" >"$2" && cat "$3"' _ "$*" "$pty_req" "$pty_ans" || fail "the pty helper did not answer '$*'"
}

log "an interactive shell on the device"
nsboot_start -q -D "$tree" --console-path="$dev" /bin/sh
sleep 1
assert_eq ok "$(pty send 'echo mark$((6*7))\n')" "typing on the device"
assert_eq found "$(pty expect mark42 15)" "the guest's answer on the device"
assert_eq ok "$(pty send 'tty; echo term=$TERM; exit 3\n')" "typing on the device"
assert_eq found "$(pty expect /dev/console 15)" "the guest's tty"
assert_eq found "$(pty expect term=vt220 15)" "the guest's TERM"
nsboot_wait 30
assert_rc 3 "the guest shell's exit status"
assert_not_contains "$(cat "$NSBOOT_OUT")" mark42 "nsboot's own standard output"
assert_eq same "$(pty termios)" "the device's terminal settings after the machine"

log "lxc.console.path and the pre-3.0 lxc.console in an LXC config"
for key in lxc.console.path lxc.console; do
        printf '%s = %s\n' "$key" "$dev" >"$WORKDIR/lxc.conf"
        pty drain 0.3 >/dev/null
        nsboot_start -q -D "$tree" --config="$WORKDIR/lxc.conf" /bin/sh -c 'echo from-$0-ok; exit 0' "$key"
        assert_eq found "$(pty expect "from-$key-ok" 15)" "$key: output on the device"
        nsboot_wait 30
        assert_rc 0 "$key"
done

log "read-only: output on the device, no input to the guest"
pty drain 0.3 >/dev/null
nsboot_start -q -D "$tree" --console=read-only --console-path="$dev" \
        /bin/sh -c 'echo ro-ready; if read -t 3 x; then echo got-$x; else echo no-input; fi'
assert_eq found "$(pty expect ro-ready 15)" "read-only: output"
pty send 'typed\n' >/dev/null
assert_eq found "$(pty expect no-input 15)" "read-only: the guest read nothing"
nsboot_wait 30
assert_rc 0 "read-only"
assert_eq same "$(pty termios)" "the device's terminal settings after the read-only machine"

log "refused, naming the option, leaving nothing behind"
mkfifo "$WORKDIR/fifo"
: >"$WORKDIR/file"
refused() {
        local why=$1
        shift
        nsboot_run -q -M "$name" -D "$tree" "$@" /bin/true
        assert_rc_ne 0 "$why"
        assert_contains "$(cat "$NSBOOT_ERR")" "console-path" "$why: the error names the option"
        assert_file_not_exists "/run/nsboot/machines/$name.state" "$why: the machine's state"
        assert_file_not_exists "/run/nsboot/locks/machine-$name" "$why: the machine's lock"
}
new_name name
refused "a relative path" --console-path=dev/ttyS0
refused "a regular file" --console-path="$WORKDIR/file"
refused "/dev/null" --console-path=/dev/null
refused "a FIFO (no hang)" --console-path="$WORKDIR/fifo"
refused "--console=pipe with a device" --console-path="$dev" --console=pipe
refused "--console=passive with a device" --console-path="$dev" --console=passive
printf 'lxc.console.path = %s\n' "$WORKDIR/file" >"$WORKDIR/bad.conf"
refused "a file in lxc.console.path" --config="$WORKDIR/bad.conf"
assert_contains "$(cat "$NSBOOT_ERR")" "not a terminal device" "the error of a file as the console"
