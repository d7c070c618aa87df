#!/bin/bash
# nsbootctl set-limit NAME FILE=VALUE...: limits of a running machine changed at once (lxc-cgroup,
# vzctl set), seen in its cgroup files on the host (the v1 controllers of a hybrid host, or
# cgroup2) and inside the guest (/proc/meminfo of the /proc view); the machine's other limits stay
# as they were; a bad value, a controller this host lacks and a machine that does not run are
# refused naming them, and change nothing; a reboot gets the config's limits again.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init

busybox_tree tree
name=$(basename "$tree")
cp "$(fixture_binary fork-probe)" "$tree/fork-probe"
boot_sleeping "$tree" --property=MemoryMax=100M
retry 10 test -f "/run/nsboot/machines/$name.state" || fail "no state file"

# The files of the limits: cgroup2 where it has the controllers, else the v1 hierarchies.
if [[ -f $(machine_cgroup "$name")/memory.max ]]; then
        memfile=$(machine_cgroup "$name")/memory.max
        pidsfile=$(machine_cgroup "$name")/pids.max
else
        memfile=$(grep '/memory/' "/run/nsboot/machines/$name.cgroup")/memory.limit_in_bytes
        pidsfile=$(grep '/pids/' "/run/nsboot/machines/$name.cgroup")/pids.max
fi
mem64=67108864
[[ -f $memfile && -f $pidsfile ]] || skip "this host has no memory or pids controller for the machine"
assert_eq 104857600 "$(cat "$memfile")" "memory limit from --property"
assert_eq "$(default_tasks_max)" "$(cat "$pidsfile")" "pids limit before (nsboot's default)"
meminfo() { in_guest "$LEADER" awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo; }
assert_eq 102400 "$(meminfo)" "the guest's MemTotal before"

ctl set-limit "$name" memory.max=64M pids.max=77 || fail "set-limit failed"
assert_eq "$mem64" "$(cat "$memfile")" "memory limit after set-limit"
assert_eq 77 "$(cat "$pidsfile")" "pids limit after set-limit"
assert_eq 65536 "$(meminfo)" "the guest's MemTotal after set-limit"
# A limit set later keeps the earlier ones.
ctl set-limit "$name" pids.max=78 || fail "set-limit failed"
assert_eq "$mem64" "$(cat "$memfile")" "memory limit after another set-limit"
assert_eq 78 "$(cat "$pidsfile")" "pids limit after another set-limit"
# The guest cannot raise them: its own cgroup is below the machine's.
in_guest "$LEADER" sh -c 'echo max >/sys/fs/cgroup/pids.max' 2>/dev/null || true
assert_eq 78 "$(cat "$pidsfile")" "pids limit after the guest's attempt"
# What nsbootctl enter runs is the machine's too, in every hierarchy with a limit (on a hybrid host
# the v1 ones): its forks meet pids.max.
forked=$(ctl enter "$name" /fork-probe 1000) || fail "the fork probe through enter failed"
assert_match "$forked" "^forked [0-9]+ errno EAGAIN" "a fork bomb through enter met a limit"
n=$(sed -n 's/^forked \([0-9]*\) .*/\1/p' <<<"$forked")
((n < 78)) || fail "a command of nsbootctl enter forked $n processes, pids.max is 78"

refused() {
        local what=$1 msg=$2 out
        shift 2
        out=$(ctl set-limit "$@" 2>&1) && fail "$what: set-limit passed"
        assert_contains "$out" "$msg" "$what: the message"
        assert_eq "$mem64" "$(cat "$memfile")" "$what: the memory limit"
        assert_eq 78 "$(cat "$pidsfile")" "$what: the pids limit"
}
refused "a bad value" "'memory.max=lots' is not FILE=VALUE of a cgroup2 controller" "$name" memory.max=lots
refused "no assignment" "'memory.max' is not FILE=VALUE" "$name" memory.max
refused "a controller nobody has" "this host has no 'frob' controller" "$name" frob.max=1
refused "a machine that does not run" "Machine 'nsbtnone' is not running" nsbtnone memory.max=1G
refused "a newline in a value" "is not FILE=VALUE" "$name" "pids.max=1"$'\n'"2"
# A request longer than the control socket's 256 bytes is refused whole, not cut to a shorter one.
answer=$(python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b"limit pids.max=" + b"0" * 300 + b"5")
print(s.recv(64).decode())' "/run/nsboot/control/$name.sock") || fail "no answer to a long request"
assert_eq "error 90" "$answer" "the answer to a request longer than 256 bytes (EMSGSIZE)"
assert_eq 78 "$(cat "$pidsfile")" "the pids limit after a long request"
assert_file_contains "$NSBOOT_ERR" "Limit pids.max=78 set by nsbootctl" "the supervisor's log"

# A reboot makes new cgroups with the settings' limits.
ctl reboot "$name" || fail "reboot failed"
wait_output '^NSBOOT-TEST: boot=2' 30
retry 10 test -f "$memfile" || fail "no memory cgroup after the reboot"
retry 10 sh -c "[ \"\$(cat '$memfile')\" = 104857600 ]" || fail "the reboot kept set-limit's memory limit: $(cat "$memfile")"
assert_eq "$(default_tasks_max)" "$(cat "$pidsfile")" "the pids limit only set-limit set, after the reboot (the default again)"
poweroff_guest
exit 0
