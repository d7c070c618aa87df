#!/bin/bash
# System tier: on a pure cgroup v2 host with systemd, the machine's limits land in its cgroup2 files
# (without machined: written by nsboot; with machined: as properties of the scope systemd creates,
# so systemd keeps them), and from inside the guest's /proc/meminfo, sysinfo() and an OOM-killed
# hog show the limit; and the host tier's test-process-attrs.sh as root with CAP_SYS_RESOURCE
# (which the development hosts' root lacks): a negative --oom-score-adjust, and the floor the
# guest's root cannot go below. One VM boot.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

vm_prepare
dir=$VM_DIR
vm_add_host_tests test-process-attrs
cat >"$dir/limits.conf" <<'EOF'
nsboot.memory.max = 64M
nsboot.memory.swap.max = 0
nsboot.pids.max = 40
nsboot.cpu.weight = 200
nsboot.cpu.max = 50%
EOF

cat >"$dir/run.sh" <<'EOF'
# Runs as root in the VM, in /mnt/test.
. ./check-lib.sh
cg=/sys/fs/cgroup/machine.slice/machine-vmlim.scope

# Starts the guest in the background with the limits; waits for its cgroup (TCG is slow).
start() {
        ./nsboot --config=limits.conf -D tree -M vmlim "$@" -b sleep </dev/null >nsboot.out 2>&1 &
        NSPID=$!
        for i in $(seq 300); do
                grep -q 'ready=1' nsboot.out && return 0
                kill -0 "$NSPID" 2>/dev/null || break
                sleep 0.2
        done
        cat nsboot.out
        stop
        return 1
}

stop() {
        kill -TERM "$NSPID" 2>/dev/null
        timeout 30 tail --pid="$NSPID" -f /dev/null || kill -KILL "$NSPID"
        tail -n 3 nsboot.out
}

files_hold() {
        echo "memory.max=$(cat $cg/memory.max) swap=$(cat $cg/memory.swap.max) pids=$(cat $cg/pids.max)" \
             "weight=$(cat $cg/cpu.weight) cpu.max=$(cat $cg/cpu.max)"
        [[ $(cat $cg/memory.max) == 67108864 && $(cat $cg/memory.swap.max) == 0 && $(cat $cg/pids.max) == 40 &&
           $(cat $cg/cpu.weight) == 200 && $(cat $cg/cpu.max) == "50000 100000" ]]
}

direct() {
        start --register=no || return 1
        files_hold
        local r=$?
        stop
        return $r
}

scope_properties() {
        start --register=yes || return 1
        systemctl show machine-vmlim.scope -p MemoryMax -p TasksMax -p CPUWeight -p CPUQuotaPerSecUSec
        files_hold && [[ $(systemctl show machine-vmlim.scope -p MemoryMax --value) == 67108864 &&
                         $(systemctl show machine-vmlim.scope -p TasksMax --value) == 40 ]]
        local r=$?
        stop
        return $r
}

inside() {
        local out
        out=$(timeout 120 ./nsboot -q --config=limits.conf -D tree -M vmlim --register=no /bin/sh -c '
                echo "meminfo=$(awk "/^MemTotal:/ { print \$2 }" /proc/meminfo) sysinfo=$(free | awk "/^Mem:/ { print \$2 }")"
                dd if=/dev/zero of=/dev/null bs=200M count=1 2>/dev/null; echo "hog=$?"' </dev/null 2>&1)
        echo "$out"
        [[ $out == *"meminfo=65536 sysinfo=65536"* && $out == *"hog=137"* && $out == *"hit its memory limit"* ]]
}

check limits-direct direct
check limits-scope scope_properties
check limits-inside inside
check test-process-attrs vm_host_test test-process-attrs
checks_done
EOF

rc=0
"$SRCDIR/test/vm/run.sh" --image "$VM_IMAGE" --timeout 600 --console "$WORKDIR/console.log" "$dir" \
        >"$WORKDIR/vm.out" || rc=$?
cat "$WORKDIR/vm.out"
out=$(<"$WORKDIR/vm.out")
for check in limits-direct limits-scope limits-inside test-process-attrs; do
        assert_contains "$out" "CHECK $check: ok"
done
assert_eq 0 "$rc" "exit status of the test in the VM"
