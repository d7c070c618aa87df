#!/bin/bash
# nsbootctl list, stat, top, enter and stop against two running machines, a Debian tree booting
# systemd and a busybox tree with testinit, without systemd-machined: every column is checked
# against /proc and the machines' cgroup files, the JSON output is parsed, and the state files
# disappear when the machines end (also after nsboot was SIGKILLed, at the next start).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init
require_cmd python3 tmux

# json_flat JSON: a JSON list of machines as "NAME KEY VALUE" lines (python3 is slow to start on
# a loaded machine: parse each output once). Fails on invalid JSON or a machine listed twice.
json_flat() {
        python3 -c 'import json, sys
l = json.loads(sys.argv[1])
names = [x["name"] for x in l]
assert len(names) == len(set(names)), "a machine listed twice"
for m in l:
    for k, v in m.items():
        print(m["name"], k, " ".join(v) if isinstance(v, list) else ("null" if v is None else v))' "$1" ||
                fail "not a JSON list of machines: $1"
}

# json_get FLAT NAME KEY: KEY of machine NAME in json_flat's output.
json_get() {
        awk -v n="$2" -v k="$3" '$1 == n && $2 == k { sub(/^[^ ]+ [^ ]+ ?/, ""); print; found = 1 }
                END { exit !found }' <<<"$1" || fail "no $3 of $2 in the JSON output"
}

# cgroup_procs CGROUP: every PID in CGROUP and below, one per line.
cgroup_procs() {
        find "$1" -name cgroup.procs -exec cat {} + | sort -n
}

# rss_sum PID...: the sum of the processes' RSS in bytes, from /proc/PID/stat (pages).
rss_sum() {
        local pid sum=0 page
        page=$(getconf PAGESIZE)
        for pid in "$@"; do
                sum=$((sum + $(awk '{ sub(/.*\) /, ""); print $22 }' "/proc/$pid/stat") * page))
        done
        echo "$sum"
}

debian_tree deb
busybox_tree bb
deb_name=$(basename "$deb")
bb_name=$(basename "$bb")

# The Debian guest without a user namespace, the busybox one in the default mode: enter and the
# state file serve both.
nsboot_start -q -D "$deb" -b --private-network --private-users=no
guest_save deb_guest
deb_leader=$(leader_pid "$NSBOOT_PID")
boot_sleeping "$bb"
guest_save bb_guest
bb_leader=$LEADER

# The state files are there as soon as the guests run.
retry 10 test -f "/run/nsboot/machines/$deb_name.state" || fail "no state file for $deb_name"
assert_file_contains "/run/nsboot/machines/$bb_name.state" "LEADER=$bb_leader"
assert_file_contains "/run/nsboot/machines/$deb_name.state" "INIT=systemd"
[[ $(stat -c %a "/run/nsboot/control/$bb_name.sock") == 600 ]] || fail "control socket is not 0600"
# UID_BASE: the host uid of the guest's root (0 without a user namespace).
uid_base=$(sed -n 's/^UID_BASE=//p' "/run/nsboot/machines/$bb_name.state")
assert_eq "$(awk '$1 == "Uid:" { print $2 }' "/proc/$bb_leader/status")" "$uid_base" "UID_BASE"
log "the guest's root is host uid $uid_base"
assert_file_contains "/run/nsboot/machines/$deb_name.state" "UID_BASE=0"

# enter: systemd in the Debian guest finishes booting.
# Until systemd listens on its private socket, systemctl says "offline" at once.
for ((i = 0; i < 120; i++)); do
        state=$(ctl enter "$deb_name" systemctl is-system-running --wait 2>/dev/null) || true
        [[ $state == running || $state == degraded ]] && break
        sleep 0.5
done
log "Debian guest: $state"
[[ $state == running || $state == degraded ]] || fail "systemd in $deb_name: '$state'"

# list: both machines, PID = the guest's PID 1 on the host, INIT, STATE; uptime parses.
out=$(ctl list)
echo "$out"
line=$(awk -v n="$bb_name" '$1 == n' <<<"$out")
assert_match "$line" "^$bb_name +running +other +$bb_leader +- +[0-9]+(s|min)" "list line of $bb_name"
line=$(awk -v n="$deb_name" '$1 == n' <<<"$out")
assert_match "$line" "^$deb_name +running +systemd +$deb_leader +- +[0-9]" "list line of $deb_name"
json=$(ctl list --json)
python3 -m json.tool <<<"$json" >/dev/null || fail "list --json is no JSON: $json"
json=$(json_flat "$json")
assert_eq "$deb_leader" "$(json_get "$json" "$deb_name" leader)" "list --json leader"
assert_eq "${deb_guest[0]}" "$(json_get "$json" "$deb_name" supervisor)" "list --json supervisor"
assert_eq "$deb" "$(json_get "$json" "$deb_name" tree)" "list --json tree"
assert_eq "$(machine_cgroup "$bb_name")" "$(json_get "$json" "$bb_name" cgroup)" "list --json cgroup"

# stat: the busybox guest is idle, so its figures hold still: they must equal /proc's and the
# cgroup's exactly. The Debian guest's processes come and go: compare a few times.
json=$(ctl stat --json)
python3 -m json.tool <<<"$json" >/dev/null || fail "stat --json is no JSON: $json"
json=$(json_flat "$json")
cg=$(machine_cgroup "$bb_name")
mapfile -t pids < <(cgroup_procs "$cg")
assert_eq "${#pids[@]}" "$(json_get "$json" "$bb_name" procs)" "stat procs of $bb_name"
assert_eq "$(rss_sum "${pids[@]}")" "$(json_get "$json" "$bb_name" rss_bytes)" "stat rss of $bb_name"
assert_eq "$(awk '{ sub(/.*\) /, ""); print $21 }' "/proc/$bb_leader/stat")" \
        "$(json_get "$json" "$bb_name" vsz_bytes)" "stat vsz of $bb_name"
assert_eq "$(awk '$1 == "user_usec" { print $2 }' "$cg/cpu.stat")" \
        "$(json_get "$json" "$bb_name" cpu_user_usec)" "stat cpu user of $bb_name"
if [[ -f $cg/memory.current ]]; then
        log "memory controller present: memory.current is $(cat "$cg/memory.current")"
else
        assert_eq "$(json_get "$json" "$bb_name" rss_bytes)" "$(json_get "$json" "$bb_name" memory_bytes)" \
                "memory without a memory controller is the RSS"
fi
ok=0
for _ in 1 2 3 4 5; do
        n=$(cgroup_procs "$(machine_cgroup "$deb_name")" | wc -l)
        json=$(json_flat "$(ctl stat --json)")
        [[ $n == "$(json_get "$json" "$deb_name" procs)" && $n -gt 3 ]] && { ok=1; break; }
        sleep 0.5
done
((ok)) || fail "stat procs of $deb_name never matched the cgroup's $n processes"
out=$(ctl stat)
echo "$out"
assert_match "$(head -n1 <<<"$out")" '^ *PROCS +VSZ +RSS +USER +SYS +MEMORY +LIMIT +UPTIME +NAME$' "stat header"
assert_match "$(awk -v n="$bb_name" '$NF == n' <<<"$out")" "^ +1 +[0-9.]+[KMG] +[0-9.]+[KMG] +[0-9]+\.[0-9]{2}s " \
        "stat line of $bb_name"

# top without a terminal: one table per refresh, the second with a CPU share.
out=$(ctl top --iterations=2 --interval=0.3)
assert_eq 2 "$(grep -c '^nsbootctl top' <<<"$out")" "top tables"
assert_match "$(awk -v n="$bb_name" '$1 == n' <<<"$out" | tail -n1)" "^$bb_name +1 +[0-9]+\.[0-9] " "top line of $bb_name"
# top on a terminal: redraws, sorts by memory on m, quits on q.
tmux_start "$CTL" top --interval=0.2
tmux_wait "$bb_name"
tmux_wait "$deb_name"
tmux_send m
tmux_wait "sorted by memory"
tmux_send q
tmux_wait_exit 10
assert_rc 0 "top after q"

# enter: a process in every namespace of the guest, in its cgroup, with PID 1's bounding set,
# its environment; the exit status comes back.
# The Debian guest, without a user namespace: the same namespaces and capabilities as its PID 1.
for ns in pid mnt net; do
        assert_eq "$(readlink "/proc/$deb_leader/ns/$ns")" "$(ctl enter "$deb_name" readlink "/proc/self/ns/$ns")" \
                "$ns namespace of a command entered into $deb_name"
done
assert_eq "$(awk '/^CapBnd/ { print $2 }' "/proc/$deb_leader/status")" \
        "$(ctl enter "$deb_name" awk '/^CapEff/ { print $2 }' /proc/self/status)" "capabilities in $deb_name"
# PID 1 has one filter more when the /proc view answers sysinfo() for it (its listener is nsboot's
# own, which an entered command cannot share).
filters=$(awk '/^Seccomp_filters/ { print $2 }' "/proc/$deb_leader/status")
awk '$5 == "/proc/meminfo" { f = 1 } END { exit !f }' "/proc/$deb_leader/mountinfo" && filters=$((filters - 1))
assert_eq "$filters" \
        "$(ctl enter "$deb_name" awk '/^Seccomp_filters/ { print $2 }' /proc/self/status)" "system call filters in $deb_name"
ctl enter "$bb_name" sh -c 'exit 7' && rc=0 || rc=$?
assert_eq 7 "$rc" "exit status through enter"
assert_eq nsboot "$(ctl enter "$bb_name" sh -c 'echo $container')" "the guest's environment"
"$CTL" enter "$bb_name" sleep 30 &
enter_pid=$!
at_exit "_kill_if_alive $enter_pid"
sleeper=$(retry 10 pgrep -n -P "$enter_pid" -x sleep) || fail "no sleep under nsbootctl enter"
for ns in user mnt pid net uts ipc cgroup; do
        assert_eq "$(readlink "/proc/$bb_leader/ns/$ns")" "$(readlink "/proc/$sleeper/ns/$ns")" "$ns namespace of the entered process"
done
assert_eq "$(sed -n 's/^0:://p' "/proc/$bb_leader/cgroup")" "$(sed -n 's/^0:://p' "/proc/$sleeper/cgroup")" \
        "cgroup of the entered process"
assert_eq "$(awk '/^CapBnd/ { print $2 }' "/proc/$bb_leader/status")" "$(awk '/^CapBnd/ { print $2 }' "/proc/$sleeper/status")" \
        "bounding set of the entered process"
assert_eq "$(awk '/^CapBnd/ { print $2 }' "/proc/$bb_leader/status")" "$(awk '/^CapEff/ { print $2 }' "/proc/$sleeper/status")" \
        "effective capabilities of the entered process"
assert_eq "$(stat -L -c %d:%i "/proc/$bb_leader/root")" "$(stat -L -c %d:%i "/proc/$sleeper/root")" "root of the entered process"
assert_eq "$(awk '$1 == "Uid:" { print $2 }' "/proc/$bb_leader/status")" "$(awk '$1 == "Uid:" { print $2 }' "/proc/$sleeper/status")" \
        "host uid of the entered process (the guest's root)"
# The same system call filter as the guest's PID 1: mode 2, as many filters, but the sysinfo() one
# of the /proc view (its listener is nsboot's own, which an entered process cannot share).
assert_eq "$(awk '$1 == "Seccomp:" { print $2 }' "/proc/$bb_leader/status")" \
        "$(awk '$1 == "Seccomp:" { print $2 }' "/proc/$sleeper/status")" "Seccomp of the entered process"
filters=$(awk '$1 == "Seccomp_filters:" { print $2 }' "/proc/$bb_leader/status")
awk '$5 == "/proc/meminfo" { f = 1 } END { exit !f }' "/proc/$bb_leader/mountinfo" && filters=$((filters - 1))
assert_eq "$filters" "$(awk '$1 == "Seccomp_filters:" { print $2 }' "/proc/$sleeper/status")" \
        "Seccomp_filters of the entered process"
[[ $(awk '$1 == "Seccomp:" { print $2 }' "/proc/$sleeper/status") == 2 ]] || fail "no system call filter in the entered process"
nspid=$(awk '$1 == "NSpid:" { print $NF }' "/proc/$sleeper/status")
[[ $nspid -gt 1 ]] || fail "the entered process has PID $nspid in the guest"
kill "$sleeper"
wait "$enter_pid" && rc=0 || rc=$?
assert_eq 143 "$rc" "exit status of a command killed by SIGTERM"

# Bad input.
out=$(ctl stop nsbtnosuch$$ 2>&1) && fail "stop of a machine that does not run succeeded"
assert_contains "$out" "Machine 'nsbtnosuch$$' is not running"
out=$(ctl enter ../etc 2>&1) && fail "enter with a bad name succeeded"
assert_contains "$out" "not a valid machine name"

# reboot: the init is asked (testinit: SIGINT means reboot), nsboot boots it again, and the state
# follows the new PID 1.
ctl reboot "$bb_name"
guest_use bb_guest
wait_output '^NSBOOT-TEST: boot=2'
wait_output '^NSBOOT-TEST: ready=1.*' 30
new_leader=$(leader_pid "$NSBOOT_PID")
assert_ne "$bb_leader" "$new_leader" "PID 1 after reboot"
assert_file_contains "$NSBOOT_OUT" "NSBOOT-TEST: signal=SIGINT"
retry 10 grep -qx "LEADER=$new_leader" "/run/nsboot/machines/$bb_name.state" || fail "the state does not follow the reboot"
assert_match "$(ctl list | awk -v n="$bb_name" '$1 == n')" "^$bb_name +running +other +$new_leader " "list after reboot"

# stop: each guest's init is asked its own way (systemd: SIGRTMIN+3), nsboot exits 0, state gone.
ctl stop "$bb_name"
guest_use bb_guest
nsboot_wait 10
assert_rc 0 "nsboot after nsbootctl stop (busybox)"
assert_file_contains "$NSBOOT_OUT" "NSBOOT-TEST: signal=SIGPWR" # testinit counts as "other"
assert_file_not_exists "/run/nsboot/machines/$bb_name.state"
assert_file_not_exists "/run/nsboot/control/$bb_name.sock"
ctl stop --no-wait "$deb_name"
# Until its nsboot is gone, the machine shows as stopping.
state=$(sed -n 's/^STATE=//p' "/run/nsboot/machines/$deb_name.state" 2>/dev/null) || true
[[ -z $state || $state == stopping ]] || fail "state after stop: '$state'"
guest_use deb_guest
nsboot_wait 60
assert_rc 0 "nsboot after nsbootctl stop (systemd)"
assert_file_not_exists "/run/nsboot/machines/$deb_name.state"
out=$(ctl list)
assert_not_contains "$out" "$deb_name"
assert_not_contains "$out" "$bb_name"

# A SIGKILLed nsboot leaves its state file and socket; list ignores them, the next start removes
# them, and any socket nobody serves; a live machine's socket stays.
boot_sleeping "$bb"
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
assert_file_exists "/run/nsboot/machines/$bb_name.state"
assert_file_exists "/run/nsboot/control/$bb_name.sock"
assert_not_contains "$(ctl list)" "$bb_name"
stale=/run/nsboot/control/nsbt$$stale.sock
at_exit "rm -f '$stale'"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET).bind(sys.argv[1])' "$stale"
busybox_tree other
busybox_tree third
boot_sleeping "$other"
other_name=$(basename "$other")
assert_file_not_exists "/run/nsboot/machines/$bb_name.state" "state file of the SIGKILLed nsboot"
assert_file_not_exists "/run/nsboot/control/$bb_name.sock" "control socket of the SIGKILLed nsboot"
assert_file_not_exists "$stale" "a control socket nobody serves"
"$NSBOOT" -q -D "$third" /bin/true </dev/null || fail "a third machine did not run"
assert_file_exists "/run/nsboot/control/$other_name.sock" "the control socket of a running machine"
ctl stop "$other_name"
nsboot_wait 10
assert_rc 0 "nsboot after stop"
# What the SIGKILLed nsboot left of its own machine (the cgroup and its record) goes with
# --cleanup, the repair its next start would make.
"$NSBOOT" --cleanup -M "$bb_name" </dev/null || fail "nsboot --cleanup -M $bb_name"
cg=$(machine_cgroup "$bb_name") && [[ -d $cg ]] && fail "cgroup $cg left after --cleanup"
assert_file_not_exists "/run/nsboot/machines/$bb_name.cgroup" "the cgroup record after --cleanup"
exit 0
