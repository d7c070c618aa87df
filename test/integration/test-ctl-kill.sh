#!/bin/bash
# nsbootctl kill and --kill-whom: a busybox guest (testinit as PID 1) with background processes
# started through enter. SIGSTOP, seen as state T in /proc/PID/status on the host, reaches every
# process of the machine's cgroup by default and with --kill-whom=all, and only PID 1 with
# --kill-whom=leader; SIGCONT wakes them all again. Then SIGUSR1 to all ends the background
# processes (by that signal, as their waiting shell reports) and, once testinit is continued,
# powers it off. A host process outside the machine is never signalled; bad --kill-whom values
# are refused. Run in the default user namespace mode and with --private-users=no. terminate kills
# every process at once and the machine goes; shell, poweroff and login are enter, stop and console.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init 30

# state PID: the one-letter state of a host process (R, S, T, ...), or "gone".
state() {
        awk '$1 == "State:" { print $2; f = 1 } END { if (!f) print "gone" }' "/proc/$1/status" 2>/dev/null || echo gone
}

# states PID...: their states, space-separated.
states() {
        local pid out=()
        for pid in "$@"; do
                out+=("$(state "$pid")")
        done
        echo "${out[*]}"
}

# all_in STATE PID...: whether every PID is in STATE.
all_in() {
        local want=$1 pid
        shift
        for pid in "$@"; do
                [[ $(state "$pid") == "$want" ]] || return 1
        done
}

# A host process that must never be signalled.
sleep 600 &
bystander=$!
at_exit "_kill_if_alive $bystander"

# start_guest MODE: boot a busybox guest ($name) and start background processes in it ($others):
# two sleeps, and a shell waiting for one of them that writes how it ended to /var/log/waited
# (it survives SIGUSR1 itself: a trap).
start_guest() {
        local pid
        busybox_tree bb
        name=$(basename "$bb")
        # shellcheck disable=SC2046 # nothing or one word
        boot_sleeping "$bb" $([[ $1 == default ]] || echo --private-users=no)
        ctl enter "$name" sh -c 'sleep 1000 </dev/null >/dev/null 2>&1 &
                (trap : USR1; sleep 1001; echo "status=$?" >/var/log/waited) </dev/null >/dev/null 2>&1 &' ||
                fail "enter failed"
        cg=$(machine_cgroup "$name")
        retry 10 test "$(grep -rhx '[0-9]*' "$cg" --include=cgroup.procs | wc -l)" -ge 4 ||
                fail "no background processes in $cg"
        others=()
        for pid in $(grep -rhx '[0-9]*' "$cg" --include=cgroup.procs | sort -n); do
                [[ $pid == "$LEADER" ]] || others+=("$pid")
        done
        log "leader $LEADER, others: ${others[*]}"
        ((${#others[@]} >= 3)) || fail "expected 3 background processes: ${others[*]}"
}

for mode in default no; do
        log "mode: $mode"
        start_guest "$mode"
        # Only PID 1.
        ctl kill --kill-whom=leader -s STOP "$name"
        retry 5 all_in T "$LEADER" || fail "PID 1 not stopped: $(state "$LEADER")"
        sleep 0.5
        for pid in "${others[@]}"; do
                [[ $(state "$pid") != T ]] || fail "--kill-whom=leader stopped $pid: $(states "${others[@]}")"
        done
        # Every process, by default.
        ctl kill -s STOP "$name"
        retry 5 all_in T "$LEADER" "${others[@]}" || fail "kill -s STOP: $(states "$LEADER" "${others[@]}")"
        [[ $(state "$bystander") == S ]] || fail "the host's process was signalled: $(state "$bystander")"
        # --kill-whom=all: SIGCONT wakes them; testinit takes it as a reason to exit with status 18.
        ctl kill --kill-whom=all -s CONT "$name"
        nsboot_wait 10
        assert_file_contains "$NSBOOT_OUT" "NSBOOT-TEST: signal=SIGCONT"
        assert_file_contains "$NSBOOT_OUT" "NSBOOT-TEST: signal_sender=0" # from outside its PID namespace

        # SIGUSR1 to all: the sleeps die of it. testinit, stopped first so that its poweroff cannot
        # end the guest before the trapping shell wrote how its sleep ended, takes it once continued
        # (the lower-numbered of its two pending signals) and powers off.
        start_guest "$mode"
        ctl kill --kill-whom=leader -s STOP "$name"
        retry 5 all_in T "$LEADER" || fail "PID 1 not stopped: $(state "$LEADER")"
        ctl kill --kill-whom=all -s USR1 "$name"
        # 128 + 10: the waited-for sleep was killed by SIGUSR1.
        retry 10 grep -qx "status=138" "$bb/var/log/waited" ||
                fail "how the waited-for sleep ended: '$(cat "$bb/var/log/waited" 2>/dev/null)'"
        ctl kill --kill-whom=leader -s CONT "$name"
        nsboot_wait 10
        assert_rc 0 "nsboot after SIGUSR1 to all (testinit powers off)"
        assert_file_contains "$NSBOOT_OUT" "NSBOOT-TEST: signal=SIGUSR1"
        [[ $(state "$bystander") == S ]] || fail "the host's process was signalled: $(state "$bystander")"
done

# terminate (machinectl terminate, lxc-stop -k): every process SIGKILLed at once, the machine torn
# down as after a crash of its init (nsboot exits, its cgroup goes); shell is enter (with
# machinectl's USER@NAME), poweroff is stop.
for mode in default no; do
        start_guest "$mode"
        assert_eq "shell-ok" "$(ctl shell "$name" echo shell-ok)" "shell is enter ($mode)"
        # machinectl shell's [USER@]NAME: the user before the '@' (no machine name has one).
        assert_eq "0" "$(ctl shell "root@$name" id -u)" "shell root@NAME ($mode)"
        assert_eq "0" "$(ctl shell "@$name" id -u)" "shell @NAME is root ($mode)"
        ctl terminate "$name" || fail "terminate ($mode)"
        nsboot_wait 10
        assert_rc 137 "nsboot after terminate ($mode): 128 + SIGKILL"
        for pid in "$LEADER" "${others[@]}"; do
                [[ $(state "$pid") == gone ]] || fail "process $pid after terminate ($mode): $(state "$pid")"
        done
        [[ ! -d $cg ]] || fail "the machine's cgroup after terminate ($mode)"
        [[ $(state "$bystander") == S ]] || fail "the host's process was signalled: $(state "$bystander")"
done
start_guest default
ctl poweroff "$name" || fail "poweroff"
nsboot_wait 10
assert_rc 0 "nsboot after poweroff (stop)"
out=$(ctl terminate "$name" 2>&1) && fail "terminate of a stopped machine succeeded"
assert_contains "$out" "is not running"
out=$(ctl login "$name" 2>&1) && fail "login (console) of a stopped machine succeeded"
assert_contains "$out" "is not running"

out=$(ctl kill --kill-whom=some "$name" 2>&1) && fail "--kill-whom=some succeeded"
assert_contains "$out" "--kill-whom=some: expected leader or all"
out=$(ctl kill "$name" 2>&1) && fail "kill of a stopped machine succeeded"
assert_contains "$out" "is not running"
exit 0
