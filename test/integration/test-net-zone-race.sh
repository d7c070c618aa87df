#!/bin/bash
# --network-zone under churn: several machines of one zone start and stop over and over, all at
# once, in a test netns. A machine leaving deletes the zone's bridge when it has no ports left; an
# arriving one creates it (or finds it) and then attaches its veth: the zone lock must cover both
# steps, or the bridge is deleted in between and the start fails ("Failed to attach"). Every start
# must succeed, every running machine's veth must be a port of the bridge, and the bridge must be
# gone once no machine runs. ZONE_MACHINES (default 4) and ZONE_ROUNDS (default 8) set the load.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_cmd ip
MACHINES=${ZONE_MACHINES:-4}
ROUNDS=${ZONE_ROUNDS:-8}

netns_create ns
nsboot_in_netns "$ns"
zone=r$$
bridge=vz-$zone
trees=()
for ((i = 1; i <= MACHINES; i++)); do
        # Short names: the host end "vb-NAME" keeps them whole.
        busybox_tree t "z$$m$i"
        trees+=("$t")
done
problems=$WORKDIR/problems
pids=$WORKDIR/pids
: >"$problems"
: >"$pids"
at_exit 'for p in $(cat "$pids" 2>/dev/null); do _kill_if_alive "$p"; done'

up_or_gone() {
        grep -q '^NSBOOT-TEST: ready=1' "$2" 2>/dev/null || ! kill -0 "$1" 2>/dev/null
}

# member TREE: ROUNDS times, boot the machine in the zone, check its veth and the bridge once it
# is up, stop it; each problem is a line in $problems.
member() {
        local tree=$1 name veth out err pid rc link
        name=$(basename "$tree")
        veth=vb-$name
        for ((r = 1; r <= ROUNDS; r++)); do
                out=$WORKDIR/$name.$r.out err=$WORKDIR/$name.$r.err
                "$NSBOOT" -q -D "$tree" --network-zone="$zone" -b sleep </dev/null >"$out" 2>"$err" &
                pid=$!
                echo "$pid" >>"$pids"
                retry 90 up_or_gone "$pid" "$out" || true
                if grep -q '^NSBOOT-TEST: ready=1' "$out"; then
                        link=$(ip -n "$ns" -o link show "$veth" 2>&1 || true)
                        [[ $link == *" master $bridge "* ]] ||
                                echo "$name round $r: its veth is not a port of $bridge: $link" >>"$problems"
                        kill -TERM "$pid"
                fi
                if ! wait_pid_exit "$pid" 60; then
                        echo "$name round $r: nsboot did not exit" >>"$problems"
                        kill -KILL "$pid"
                fi
                rc=0
                wait "$pid" || rc=$?
                ((rc == 0)) || echo "$name round $r: nsboot exited $rc: $(tr '\n' ' ' <"$err")" >>"$problems"
        done
}

start=$SECONDS
members=()
for tree in "${trees[@]}"; do
        member "$tree" &
        members+=($!)
done
for m in "${members[@]}"; do
        wait "$m" || fail "a member loop failed"
done
log "$MACHINES machines x $ROUNDS rounds in zone '$zone' in $((SECONDS - start)) s"
[[ ! -s $problems ]] || fail "$(wc -l <"$problems") problems:"$'\n'"$(cat "$problems")"
ip -n "$ns" link show "$bridge" >/dev/null 2>&1 && fail "the zone bridge $bridge is left after the last machine"
assert_eq "" "$(find /run/nsboot -name "*$bridge*")" "files of the zone left under /run/nsboot after the last machine"
left=$(ip -n "$ns" -o link show type veth)
assert_eq "" "$left" "veths left in the test host"
exit 0
