#!/bin/bash
# A machine that ran in a network namespace of its own (here a test netns) and was killed with
# SIGKILL: while that namespace exists, --cleanup and a start from another namespace refuse and
# change nothing (its interfaces can only go back from there). Once it is deleted, nothing can go
# back: --cleanup (first round) or the next start (second round) releases the pinned network
# namespace, the state and firewall files, the stale locks and the cgroup, says so, and succeeds;
# nothing of the machine is left under /run/nsboot or in the mount table.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_cmd ip

busybox_tree tree
name=$(basename "$tree")
cg=$(machine_cgroup "$name")

# Everything of the machine that a killed nsboot may leave on the host, one per line. Not its
# "machine-NAME" lock file: nsboots older than 0.2, which other users of this host may run, take
# every machine's stale one to repair that machine (see test-crash-torture); crash() removes it. Nor
# NAME.state, nsbootctl's view of it, which any nsboot's start removes once the machine is dead.
# Those older nsboots remove stale tree locks too: stable_leftovers() is without them.
leftovers() {
        ls -d /run/nsboot/netns/"$name" /run/nsboot/machines/"$name".{net,cgroup} /run/nsboot/firewall/*"$name"* \
                "/run/systemd/nspawn/propagate/$name" "$cg" 2>/dev/null || true
        grep -F " /run/nsboot/netns/$name " /proc/self/mountinfo | awk '{ print "mount", $5 }' || true
        grep -l " $name " /run/nsboot/locks/* 2>/dev/null | grep -v "/machine-$name\$" | sed 's/^/lock /' || true
}

stable_leftovers() {
        leftovers | grep -v "^lock /run/nsboot/locks/tree-" || true
}

# crash VAR: a machine with a phys veth end, a veth and NAT, booted in a fresh test netns and
# killed with SIGKILL; the netns's name goes into VAR.
crash() {
        local -n _cr_ret=$1
        local ns phys=nsbt$$p wire=nsbt$$w
        netns_create ns
        ip -n "$ns" link add "$phys" type veth peer name "$wire"
        ip -n "$ns" link set "$wire" up
        cat >"$WORKDIR/m.conf" <<CONF
lxc.net.0.type = phys
lxc.net.0.link = $phys
lxc.net.0.name = wan
lxc.net.1.type = veth
lxc.net.1.ipv4.address = 10.99.9.2/24
nsboot.masquerade = yes
CONF
        nsboot_in_netns "$ns"
        nsboot_start -q -D "$tree" --config="$WORKDIR/m.conf" -b sleep
        wait_output '^NSBOOT-TEST: ready=1' 90
        kill -KILL "$NSBOOT_PID"
        rm -f "/run/nsboot/locks/machine-$name"
        wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
        wait "$NSBOOT_PID" 2>/dev/null || true
        retry 10 test ! -s "$cg/cgroup.procs" || fail "processes left in $cg"
        nsboot_in_netns
        _cr_ret=$ns
}

# check_left WHAT: the leftovers of a crash are all there.
check_left() {
        local left
        left=$(leftovers)
        assert_contains "$left" "mount /run/nsboot/netns/$name" "$1: the pinned network namespace"
        assert_contains "$left" "/run/nsboot/machines/$name.net" "$1: the network state file"
        assert_contains "$left" "/run/nsboot/firewall/" "$1: the firewall state file"
        assert_contains "$left" "lock /run/nsboot/locks/uid-" "$1: the stale lock of its user id range"
        assert_contains "$left" "$cg" "$1: the cgroup"
}

# check_released WHAT: what --cleanup or the start said, and that nothing is left.
check_released() {
        assert_file_contains "$NSBOOT_ERR" "ran in a network namespace that no longer exists"
        assert_file_contains "$NSBOOT_ERR" "Released the firewall state of machine '$name'"
        assert_file_contains "$NSBOOT_ERR" "Removed cgroup $cg"
        assert_file_contains "$NSBOOT_ERR" "Removed the stale lock files of machine '$name'"
        assert_file_contains "$NSBOOT_ERR" "Cleaned up after an earlier nsboot of machine '$name'"
        assert_eq "" "$(leftovers)" "$1: left behind"
}

log "round 1: --cleanup"
testns=""
crash testns
check_left "after the kill"
before=$(stable_leftovers)
# Not nsboot_run: it fails on a cgroup left after the run, which is what a refusal must leave.
refused() {
        local rc=0
        log "nsboot $* (refused)"
        timeout -k 5 60 "$NSBOOT" "$@" </dev/null >/dev/null 2>"$WORKDIR/refused.err" || rc=$?
        cat "$WORKDIR/refused.err"
        assert_eq 1 "$rc" "nsboot $*: exit status"
        assert_file_contains "$WORKDIR/refused.err" "ran in another network namespace"
        assert_eq "$before" "$(stable_leftovers)" "nsboot $* changed something"
}
refused --cleanup -M "$name"
refused -q -D "$tree" -b poweroff

ip netns del "$testns"
nsboot_run --cleanup -M "$name"
assert_rc 0 "--cleanup after the namespace is gone"
check_released "--cleanup"
nsboot_run --cleanup -M "$name"
assert_rc 0
assert_file_contains "$NSBOOT_ERR" "Nothing to clean up for machine '$name'"

log "round 2: the next start"
crash testns
check_left "after the second kill"
ip netns del "$testns"
nsboot_run -D "$tree" -b poweroff
assert_rc 0 "the next start after the namespace is gone"
check_released "the next start"
exit 0
