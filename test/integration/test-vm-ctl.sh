#!/bin/bash
# System tier: nsbootctl on a systemd host with systemd-machined and pure cgroup v2 (the VM of
# test/vm). With two machines running, list agrees with machinectl (names, and each one's leader),
# also in --json; stat reads the memory controller's memory.current there, enter lands in the
# machine's cgroup, freeze and thaw work on the scope machined made, kill signals every process of
# it (SIGSTOP: state T), stop ends a machine and its registration, and list and machinectl agree
# again. One VM boot.
# nsboot-test-timeout: 720
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

vm_prepare
dir=$VM_DIR
cp "$(dirname "$NSBOOT")/nsbootctl" "$dir/nsbootctl"

cat >"$dir/run.sh" <<'EOF'
# Runs as root in the VM, in /mnt/test.
. ./check-lib.sh

nsboot_pid=""
nsboot2_pid=""
# run_machine NAME TREE: boot TREE as NAME in the background until machined has it running; its
# nsboot's PID goes into last_pid.
last_pid=""
run_machine() {
        ./nsboot -D "$2" -M "$1" -b sleep </dev/null >"$1.log" 2>&1 &
        last_pid=$!
        for _ in $(seq 150); do
                grep -q 'NSBOOT-TEST: ready=1' "$1.log" && [[ -f /run/nsboot/machines/$1.state ]] &&
                        [[ $(machinectl show "$1" -p State --value 2>/dev/null) == running ]] && return 0
                sleep 0.2
        done
        cat "$1.log"
        return 1
}

start_machine() {
        systemctl start systemd-machined.service || return 1
        run_machine vmbb tree || return 1
        nsboot_pid=$last_pid
        cp -a tree tree2
        run_machine vmbb2 tree2 || return 1
        nsboot2_pid=$last_pid
}

# list_agrees NAMES: nsbootctl list, its --json and machinectl list name the same machines, NAMES
# ("a b "), with the same leader for each.
list_agrees() {
        local ours json theirs name leader
        ./nsbootctl list
        machinectl list --no-pager
        ours=$(./nsbootctl list | awk 'NR > 1 && NF { print $1 }' | sort | tr '\n' ' ')
        json=$(./nsbootctl list --json | grep -o '{"name": "[^"]*"' | cut -d'"' -f4 | sort | tr '\n' ' ')
        theirs=$(machinectl list --no-legend --no-pager | awk '{ print $1 }' | sort | tr '\n' ' ')
        echo "nsbootctl: $ours; --json: $json; machinectl: $theirs"
        [[ $ours == "$theirs" && $json == "$theirs" && $ours == "$1" ]] || return 1
        for name in $1; do
                leader=$(machinectl show "$name" -p Leader --value)
                echo "$name: leader $leader"
                ./nsbootctl list | awk -v n="$name" -v l="$leader" '$1 == n && $4 == l { ok = 1 } END { exit !ok }' || return 1
        done
}

list_agrees_two() {
        list_agrees "vmbb vmbb2 "
}

list_agrees_one() {
        list_agrees "vmbb "
}

# kill -s STOP reaches every process of the scope machined made for vmbb2: its init and a
# background process started through enter. SIGCONT to all then ends testinit (status 18).
kill_all() {
        local cg pids pid
        ./nsbootctl enter vmbb2 sh -c 'sleep 1000 </dev/null >/dev/null 2>&1 &' || return 1
        cg=/sys/fs/cgroup$(systemctl show -p ControlGroup --value machine-vmbb2.scope)
        pids=$(find "$cg" -name cgroup.procs -exec cat {} +)
        echo "processes of $cg: $pids"
        [[ $(wc -w <<<"$pids") -ge 2 ]] || return 1
        ./nsbootctl kill -s STOP vmbb2 || return 1
        sleep 1
        for pid in $pids; do
                grep -H '^State:' "/proc/$pid/status"
                [[ $(awk '$1 == "State:" { print $2 }' "/proc/$pid/status") == T ]] || return 1
        done
        ./nsbootctl kill --kill-whom=all -s CONT vmbb2 || return 1
        timeout 30 tail --pid="$nsboot2_pid" -f /dev/null
        grep 'NSBOOT-TEST: signal=SIGCONT' vmbb2.log
}

# freeze and thaw vmbb2 in the scope machined made: its cgroup.events says frozen 1 (systemd leaves
# it so), list says frozen; thawed, frozen 0 and running.
freeze_thaw() {
        local cg
        cg=/sys/fs/cgroup$(systemctl show -p ControlGroup --value machine-vmbb2.scope)
        ./nsbootctl freeze vmbb2 || return 1
        sleep 1
        grep -H frozen "$cg/cgroup.events" "$cg/payload/cgroup.events"
        ./nsbootctl list
        grep -qx 'frozen 1' "$cg/cgroup.events" || return 1
        ./nsbootctl list | awk '$1 == "vmbb2" && $2 == "frozen" { ok = 1 } END { exit !ok }' || return 1
        ./nsbootctl thaw vmbb2 || return 1
        grep -H frozen "$cg/cgroup.events"
        grep -qx 'frozen 0' "$cg/cgroup.events" || return 1
        ./nsbootctl list | awk '$1 == "vmbb2" && $2 == "running" { ok = 1 } END { exit !ok }'
}

stat_memory() {
        local cg current ours
        cg=$(sed -n 's/^CGROUP=//p' /run/nsboot/machines/vmbb.state)
        current=$(cat "$cg/memory.current") || return 1
        ours=$(./nsbootctl stat --json | grep '"name": "vmbb"' | sed -n 's/.*"memory_bytes": \([0-9]*\).*/\1/p')
        echo "cgroup $cg: memory.current $current, nsbootctl stat: $ours"
        ./nsbootctl stat
        [[ -n $ours ]] && ((ours > current * 9 / 10 && ours < current * 11 / 10 + 65536))
}

enter_cgroup() {
        local out
        out=$(timeout 30 ./nsbootctl enter vmbb cat /proc/self/cgroup)
        echo "cgroup seen inside: $out"
        [[ $out == "0::/" ]]
}

stop_machine() {
        local rc=0
        ./nsbootctl stop --timeout=30 vmbb || return 1
        wait "$nsboot_pid" || rc=$?
        echo "nsboot exit status: $rc"
        [[ $rc == 0 && -z $(machinectl list --no-legend --no-pager) && ! -e /run/nsboot/machines/vmbb.state ]]
}

check ctl-start start_machine
check ctl-list-machinectl list_agrees_two
check ctl-stat-memory stat_memory
check ctl-enter-cgroup enter_cgroup
check ctl-freeze-thaw freeze_thaw
check ctl-kill-all kill_all
check ctl-list-after-kill list_agrees_one
check ctl-stop stop_machine
checks_done
EOF

rc=0
"$SRCDIR/test/vm/run.sh" --image "$VM_IMAGE" --timeout 420 --console "$WORKDIR/console.log" "$dir" \
        >"$WORKDIR/vm.out" || rc=$?
cat "$WORKDIR/vm.out"
out=$(<"$WORKDIR/vm.out")
vm_assert_checks "$out" "$dir/run.sh"
assert_eq 0 "$rc" "exit status of the test in the VM"
