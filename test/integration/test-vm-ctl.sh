#!/bin/bash
# System tier: nsbootctl on a systemd host with systemd-machined and pure cgroup v2 (the VM of
# test/vm). list agrees with machinectl (name, leader), stat reads the memory controller's
# memory.current there, enter lands in the machine's cgroup, stop ends the machine and its
# registration. One VM boot.
# nsboot-test-timeout: 600
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

vm_prepare
dir=$VM_DIR
cp "$(dirname "$NSBOOT")/nsbootctl" "$dir/nsbootctl"

cat >"$dir/run.sh" <<'EOF'
# Runs as root in the VM, in /mnt/test.
. ./check-lib.sh

nsboot_pid=""
start_machine() {
        systemctl start systemd-machined.service || return 1
        ./nsboot -D tree -M vmbb -b sleep </dev/null >vmbb.log 2>&1 &
        nsboot_pid=$!
        for _ in $(seq 100); do
                grep -q 'NSBOOT-TEST: ready=1' vmbb.log && [[ -f /run/nsboot/machines/vmbb.state ]] &&
                        [[ $(machinectl show vmbb -p State --value 2>/dev/null) == running ]] && return 0
                sleep 0.2
        done
        cat vmbb.log
        return 1
}

list_agrees() {
        local ours theirs leader
        ./nsbootctl list
        machinectl list --no-pager
        ours=$(./nsbootctl list | awk 'NR > 1 && NF { print $1 }' | sort | tr '\n' ' ')
        theirs=$(machinectl list --no-legend --no-pager | awk '{ print $1 }' | sort | tr '\n' ' ')
        leader=$(machinectl show vmbb -p Leader --value)
        echo "nsbootctl: $ours; machinectl: $theirs; leader $leader"
        [[ $ours == "$theirs" && $ours == "vmbb " ]] &&
                ./nsbootctl list | awk -v l="$leader" '$1 == "vmbb" && $4 == l { ok = 1 } END { exit !ok }'
}

stat_memory() {
        local cg current ours
        cg=$(sed -n 's/^CGROUP=//p' /run/nsboot/machines/vmbb.state)
        current=$(cat "$cg/memory.current") || return 1
        ours=$(./nsbootctl stat --json | sed -n 's/.*"memory_bytes": \([0-9]*\).*/\1/p')
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
check ctl-list-machinectl list_agrees
check ctl-stat-memory stat_memory
check ctl-enter-cgroup enter_cgroup
check ctl-stop stop_machine
checks_done
EOF

rc=0
"$SRCDIR/test/vm/run.sh" --image "$VM_IMAGE" --timeout 300 --console "$WORKDIR/console.log" "$dir" \
        >"$WORKDIR/vm.out" || rc=$?
cat "$WORKDIR/vm.out"
out=$(<"$WORKDIR/vm.out")
for check in ctl-start ctl-list-machinectl ctl-stat-memory ctl-enter-cgroup ctl-stop; do
        assert_contains "$out" "CHECK $check: ok"
done
assert_not_contains "$out" "FAILED"
assert_eq 0 "$rc" "exit status of the test in the VM"
