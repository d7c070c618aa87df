#!/bin/bash
# System tier smoke test: the VM of test/vm boots with what the system tier relies on (systemd as
# PID 1, systemd-machined on the system bus, pure cgroup v2 with controllers, the 8021q, dummy
# and ipvlan modules), and the nsboot under test runs there: the guest's exit status comes back
# through -b, and a command sees its own cgroup namespace (0::/) on the pure v2 host.
# One VM boot (~25 s under TCG); the image is built on first use (~1 min, then cached).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

# Everything the VM needs goes onto its test disk (mounted at /mnt/test there).
vm_prepare
dir=$VM_DIR

cat >"$dir/run.sh" <<'EOF'
# Runs as root in the VM, in /mnt/test.
. ./check-lib.sh

pid1_is_systemd() {
        echo "PID 1: $(cat /proc/1/comm) ($(readlink /proc/1/exe))"
        [[ $(cat /proc/1/comm) == systemd ]]
}

boot_finished() {
        local state
        state=$(timeout 60 systemctl is-system-running --wait)
        echo "system state: $state"
        [[ $state == degraded ]] && systemctl --failed --no-pager
        [[ $state == running ]]
}

machined_on_bus() {
        systemctl start systemd-machined.service || return 1
        busctl status org.freedesktop.machine1 | grep -E '^(PID|Comm|Unit)=' || return 1
        machinectl list --no-pager
}

cgroup2_with_controllers() {
        local fs controllers c
        fs=$(stat -f -c %T /sys/fs/cgroup)
        controllers=$(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null)
        echo "/sys/fs/cgroup: $fs, controllers: $controllers"
        echo "/sys/fs/cgroup/machine.slice: $(cat /sys/fs/cgroup/machine.slice/cgroup.subtree_control 2>/dev/null)"
        [[ $fs == cgroup2fs ]] || return 1
        for c in cpu io memory pids; do
                [[ " $controllers " == *" $c "* ]] || return 1
        done
}

vlan_on_dummy() {
        local ok=0
        modprobe -a 8021q dummy ipvlan || return 1
        lsmod | grep -E '^(8021q|dummy|ipvlan) '
        ip link add nsbtd0 type dummy &&
                ip link add link nsbtd0 name nsbtd0.5 type vlan id 5 &&
                ip -d link show nsbtd0.5 &&
                ip -d link show nsbtd0.5 | grep -q 'vlan protocol 802.1Q id 5 ' &&
                ok=1
        ip link del nsbtd0 2>/dev/null
        ((ok))
}

nsboot_exit_status() {
        local rc=0
        timeout 60 ./nsboot -D tree -b exit 7 </dev/null || rc=$?
        echo "nsboot -b exit 7: exit status $rc"
        [[ $rc == 7 ]]
}

nsboot_cgroup_namespace() {
        local out rc=0
        out=$(timeout 60 ./nsboot -D tree /bin/sh -c 'cat /proc/self/cgroup' </dev/null) || rc=$?
        echo "nsboot /bin/sh -c 'cat /proc/self/cgroup': exit status $rc, output:"
        echo "$out"
        [[ $rc == 0 && $(tr -d '\r' <<<"$out") == "0::/" ]]
}

echo "kernel: $(uname -r), nsboot: $(./nsboot --version 2>&1 | head -n1)"
check pid1-systemd pid1_is_systemd
check boot-finished boot_finished
check machined machined_on_bus
check cgroup2 cgroup2_with_controllers
check vlan vlan_on_dummy
check nsboot-exit-status nsboot_exit_status
check nsboot-cgroupns nsboot_cgroup_namespace
# Nothing of the containers may remain.
leftover=$(machinectl list --no-legend --no-pager 2>/dev/null)
[[ -z $leftover ]] || { echo "machines left registered: $leftover"; CHECKS_FAILED=1; }
checks_done
EOF

rc=0
"$SRCDIR/test/vm/run.sh" --image "$VM_IMAGE" --timeout 240 --console "$WORKDIR/console.log" "$dir" \
        >"$WORKDIR/vm.out" || rc=$?
cat "$WORKDIR/vm.out"
out=$(<"$WORKDIR/vm.out")

for check in pid1-systemd boot-finished machined cgroup2 vlan nsboot-exit-status nsboot-cgroupns; do
        assert_contains "$out" "CHECK $check: ok"
done
assert_not_contains "$out" "FAILED"
assert_eq 0 "$rc" "exit status of the test in the VM"
