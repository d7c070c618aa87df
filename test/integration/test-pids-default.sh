#!/bin/bash
# A machine whose settings set no pids.max gets one (15 % of the lower of kernel.pid_max and
# kernel.threads-max, at most 16384: what systemd gives systemd-nspawn's guests), on cgroup2 or a
# hybrid host's v1 pids hierarchy, in the default and the privileged mode, and a fork bomb in the
# guest meets it (EAGAIN) long before the host's last PID; an explicit limit (nsboot.pids.max,
# --property=TasksMax=, lxc.cgroup2.pids.max) replaces it, infinity lifts it.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

expected=$(default_tasks_max)
log "pid_max $(cat /proc/sys/kernel/pid_max), threads-max $(cat /proc/sys/kernel/threads-max): the default limit is $expected"

busybox_tree tree
name=$(basename "$tree")
cp "$(fixture_binary fork-probe)" "$tree/fork-probe"

# pids_max_of NAME: the machine's pids.max, from cgroup2 where it has the controller, else from
# the v1 pids hierarchy of its record.
pids_max_of() {
        local dir
        dir=$(machine_cgroup "$1")
        if [[ -f $dir/pids.max ]]; then
                cat "$dir/pids.max"
        elif dir=$(grep '/pids/' "/run/nsboot/machines/$1.cgroup" 2>/dev/null) && [[ -f $dir/pids.max ]]; then
                cat "$dir/pids.max"
        else
                echo none
        fi
}

# limit_seen WHAT EXPECTED NSBOOT OPTIONS...: a guest started with the options has pids.max EXPECTED.
limit_seen() {
        local what=$1 want=$2
        shift 2
        boot_sleeping "$tree" "$@"
        retry 10 test -f "/run/nsboot/machines/$name.state" || fail "no state file"
        got=$(pids_max_of "$name")
        [[ $got != none ]] || skip "this host has no pids controller for the machine"
        assert_eq "$want" "$got" "pids.max, $what"
        poweroff_guest
}

for mode in pick no; do
        limit_seen "default ($mode)" "$expected" --private-users="$mode"
        # The limit is there: the bomb may go off. Its children are the guest's, in every
        # hierarchy of the machine, and end with it.
        nsboot_run --private-users="$mode" -D "$tree" /fork-probe 40000
        assert_rc 0 "the fork probe ($mode)"
        assert_match "$(output)" "^forked [0-9]+ errno EAGAIN" "the fork bomb met a limit ($mode)"
        forked=$(output | sed -n 's/^forked \([0-9]*\) .*/\1/p')
        ((forked < expected)) || fail "the guest forked $forked processes, the limit is $expected ($mode)"
        # Well above what the guest's own processes are, well below the host's pid_max.
        ((forked > expected - 20)) || fail "the guest forked only $forked processes, the limit is $expected ($mode)"
        log "$mode: the guest forked $forked of at most $expected processes"
done

limit_seen "TasksMax=300" 300 --property=TasksMax=300
limit_seen "TasksMax=infinity" max --property=TasksMax=infinity
conf=$WORKDIR/limits.conf
echo "lxc.cgroup2.pids.max = 400" >"$conf"
limit_seen "lxc.cgroup2.pids.max" 400 --config="$conf"
echo "nsboot.pids.max = 500" >"$conf"
limit_seen "nsboot.pids.max" 500 --config="$conf"
exit 0
