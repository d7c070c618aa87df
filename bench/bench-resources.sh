#!/bin/bash
# bench/bench-resources.sh: what the machine's limits and its /proc view do and cost.
#  1. CPU weights: two guests pinned to the same CPU, cpu.weight 200 and 100, each running a busy
#     loop for SECS seconds; the CPU time each got, from its cgroup on the host, and the ratio.
#  2. Fairness between machines, the default: two guests pinned to the same CPU with the default
#     weight, one running four busy loops and the other one; the CPU time each machine got. With a
#     cgroup per machine (what nsboot makes) each gets half, not a share per process.
#  3. The /proc view's cost: reading /proc/meminfo 10,000 times inside a guest (open, read a line,
#     close, in the shell, no fork), with nsboot's view and without it.
# Needs root, busybox-static and a built nsboot (build/nsboot). Usage: bench/bench-resources.sh [SECS]
set -euo pipefail

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
NSBOOT=${NSBOOT:-$SRCDIR/build/nsboot}
SECS=${1:-10}
WORK=$(mktemp -d /var/tmp/nsboot-bench-res.XXXXXX)
TESTINIT=$(dirname "$NSBOOT")/test/fixtures/testinit
pids=()

cleanup() {
        for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
        wait 2>/dev/null || true
        rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

[[ $(id -u) == 0 ]] || { echo "needs root" >&2; exit 1; }
for t in tree w200 w100 p4 p1; do
        "$SRCDIR/test/fixtures/mktree-busybox.sh" "$WORK/$t" "$TESTINIT" >/dev/null
done

# The CPU time (ns) of machine NAME so far: cpuacct on a hybrid host, cpu.stat on cgroup v2.
cpu_ns() {
        local name=$1 own
        if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
                awk '$1 == "usage_usec" { print $2 * 1000 }' "/sys/fs/cgroup/machine.slice/machine-$name.scope/cpu.stat"
        else
                own=$(awk -F: '$2 ~ /(^|,)cpuacct(,|$)/ { print $3 }' /proc/self/cgroup)
                [[ $own == / ]] && own=
                cat "/sys/fs/cgroup/cpuacct$own/machine.slice/machine-$name.scope/cpuacct.usage"
        fi
}

# start_guest NAME CONFIG-LINES CMD: a busybox guest on CPU 0 running CMD, in the background
start_guest() {
        printf 'lxc.rootfs.path = dir:%s\nnsboot.cpuset.cpus = 0\n%s' "$WORK/$1" "$2" >"$WORK/$1.conf"
        "$NSBOOT" -q --config="$WORK/$1.conf" -M "bench$1" --proc-virtualize=no /bin/sh -c "$3" </dev/null &
        pids+=($!)
}

# cpu_pair A B LABEL-A LABEL-B EXPECTED: the CPU time machines benchA and benchB get in SECS s,
# then both stopped
cpu_pair() {
        local a0 b0 a1 b1 p
        sleep 1
        a0=$(cpu_ns "bench$1"); b0=$(cpu_ns "bench$2")
        sleep "$SECS"
        a1=$(cpu_ns "bench$1"); b1=$(cpu_ns "bench$2")
        for p in "${pids[@]}"; do kill -TERM "$p"; kill -TERM "$p"; done
        wait 2>/dev/null || true
        pids=()
        awk -v a=$((a1 - a0)) -v b=$((b1 - b0)) -v s="$SECS" -v la="$3" -v lb="$4" -v e="$5" 'BEGIN {
                printf "%s: %.2f s of CPU, %s: %.2f s of CPU in %d s; ratio %.2f (%s)\n",
                        la, a / 1e9, lb, b / 1e9, s, b ? a / b : 0, e }'
}

busy='while :; do :; done'

echo "== CPU weights 200:100 on one CPU, $SECS s"
for w in 200 100; do start_guest "w$w" "nsboot.cpu.weight = $w"$'\n' "$busy"; done
cpu_pair w200 w100 "weight 200" "weight 100" "expected 2.00"

echo "== default weights on one CPU, four busy processes against one, $SECS s"
for n in 4 1; do
        start_guest "p$n" "" "i=1; while [ \$i -lt $n ]; do ($busy) & i=\$((i + 1)); done; $busy"
done
cpu_pair p4 p1 "4 processes" "1 process" "1.00: a share per machine; 4.00: per process"

echo "== reading /proc/meminfo 10,000 times inside"
loop='t0=$(cut -d" " -f1 /proc/uptime); i=0; while [ $i -lt 10000 ]; do read -r l </proc/meminfo; i=$((i+1)); done
t1=$(cut -d" " -f1 /proc/uptime); echo "$t0 $t1"'
for view in yes no; do
        out=$("$NSBOOT" -q -D "$WORK/tree" -M benchproc --proc-virtualize=$view /bin/sh -c "$loop" </dev/null)
        awk -v v=$view '{ printf "view %-3s: %.2f s, %.1f us per open+read+close\n", v, $2 - $1, ($2 - $1) * 100 }' <<<"$out"
done
