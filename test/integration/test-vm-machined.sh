#!/bin/bash
# System tier: nsboot on a real systemd host (the VM of test/vm) registers with systemd-machined
# and every machinectl verb works against its machine, checked by its effect; sd_notify readiness;
# nsboot@.service becomes active only after the guest's READY=1 and restarts on a guest reboot;
# journalctl -M shows what the guest logged. One VM boot with several guest boots inside.
# nsboot-test-timeout: 1600
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

vm_prepare
dir=$VM_DIR
mkdir -p "$dir/machines"
cp "$(dirname "$NSBOOT")/nsboot-generator" "$dir/nsboot-generator"
sed "s|@bindir@/nsboot|/mnt/test/nsboot|" "$SRCDIR/units/nsboot@.service.in" >"$dir/nsboot@.service"
debian_tree tree
# Two copies with their own machine IDs: one run by hand, one as a service.
for m in vmdeb vmsvc; do
        cp -a "$tree" "$dir/machines/$m"
        set_machine_id "$dir/machines/$m" fresh
done

cat >"$dir/run.sh" <<'EOF'
. ./check-lib.sh
NSBOOT=/mnt/test/nsboot
guest() { timeout 60 systemd-run -M "$1" --wait -q -P "${@:2}"; }
wait_registered() {
        for _ in $(seq 120); do
                [[ $(machinectl show "$1" -p State --value 2>/dev/null) == running ]] && return 0
                sleep 0.5
        done
        return 1
}
wait_guest_up() {
        local state
        wait_registered "$1" || return 1
        for _ in $(seq 60); do
                state=$(guest "$1" systemctl is-system-running --wait 2>/dev/null) && [[ $state =~ running|degraded ]] &&
                        return 0
                sleep 1
        done
        return 1
}
nsboot_pid=""
starts=0
# Each start logs to a file of its own (vmdeb-N.log), so that a check of one run's console never
# matches what an earlier run printed.
start_vmdeb() {
        starts=$((starts + 1))
        vmdeb_log=/mnt/test/vmdeb-$starts.log
        # --private-users=no: systemd 252's machinectl bind refuses a machine in a user namespace
        # ("Can't bind mount on container with user namespacing applied"), as for nspawn -U; the
        # service (nsboot@vmsvc below) runs in the default mode.
        $NSBOOT -D /mnt/test/machines/vmdeb -M vmdeb -b --console=read-only --private-users=no \
                </dev/null >"$vmdeb_log" 2>&1 &
        nsboot_pid=$!
        wait_guest_up vmdeb
}
# Sets rc to nsboot's exit status (in this shell: wait only works on our own children).
end_status() {
        rc=0
        timeout 60 tail --pid="$nsboot_pid" -f /dev/null || { rc=99; return; }
        wait "$nsboot_pid" || rc=$?
        echo "nsboot exit status: $rc"
}
# unit_props UNIT PROP...: "PROP=VALUE" lines of a unit, also shown in the log (on stderr by echo:
# "tee /dev/stderr" would reopen the output file and write over its start).
unit_props() {
        local unit=$1 p args=() out
        shift
        for p in "$@"; do args+=(-p "$p"); done
        out=$(systemctl show "$unit" "${args[@]}")
        echo "$out" >&2
        echo "$out"
}

systemctl start systemd-machined.service
check "start and register" start_vmdeb
leader=$(pgrep -P "$nsboot_pid")
check "list" sh -c 'machinectl list --no-legend | grep -q "^vmdeb .*container .*nsboot"'
check "show: leader is the guest's init" test "$(machinectl show vmdeb -p Leader --value)" = "$leader"
check "show: unit is the scope" test "$(machinectl show vmdeb -p Unit --value)" = "machine-vmdeb.scope"
check "status: OS and leader" sh -c "machinectl status vmdeb --no-pager | grep -q 'OS: Debian' &&
        machinectl status vmdeb --no-pager | grep -q 'Leader: $leader'"
check "processes live in the machine's cgroup" sh -c \
        "grep -q '^0::/machine.slice/machine-vmdeb.scope/' /proc/$leader/cgroup"
check "shell (systemd-run -M)" test "$(guest vmdeb cat /proc/sys/kernel/hostname)" = vmdeb
check "login: a getty answers" sh -c 'timeout 20 script -qc "machinectl login vmdeb" /dev/null </dev/null | grep -q "login:"'
echo copied-in >/tmp/copy-src
check "copy-to" sh -c 'machinectl copy-to vmdeb /tmp/copy-src /root/copied && grep -q copied-in /mnt/test/machines/vmdeb/root/copied'
check "copy-from" sh -c 'machinectl copy-from vmdeb /etc/os-release /tmp/copied-os && grep -q Debian /tmp/copied-os'
mkdir -p /tmp/bind-src && echo bound >/tmp/bind-src/file
check "bind" sh -c 'machinectl bind --mkdir vmdeb /tmp/bind-src /mnt/bound && test "$(systemd-run -M vmdeb --wait -q -P cat /mnt/bound/file)" = bound'
guest vmdeb sh -c 'echo nsboot-vm-journal-test | systemd-cat -t nsbt; journalctl --flush' >/dev/null
check "journalctl -M" sh -c 'journalctl -M vmdeb -t nsbt -o cat --no-pager | grep -q nsboot-vm-journal-test'
guest vmdeb systemd-run --unit=sleeper sleep 1000
# The answer must be the state itself: a systemd-run -M that fails prints nothing. SIGUSR2 to
# every process also ends the guest's dbus-daemon (socket-activated again by the next call), so
# on a slow VM an empty answer is asked again, a bounded number of times.
sleeper_state() {
        local s="" i
        for i in 1 2 3 4 5; do
                s=$(guest vmdeb systemctl is-active sleeper.service) || true
                [ -n "$s" ] && break
                sleep 2
        done
        echo "$s"
}
check "the sleeper runs before the kill" test "$(sleeper_state)" = active
check "kill --kill-whom=all" sh -c 'machinectl kill vmdeb --kill-whom=all --signal=SIGUSR2 && sleep 2'
state=$(sleeper_state)
echo "sleeper after the kill: '$state'"
check "the kill reached the sleeper" test "$state" = failed
check "the guest's init survives SIGUSR2 (systemd dumps its state)" kill -0 "$leader"
check "reboot restarts the guest in the same nsboot" sh -c "machinectl reboot vmdeb; sleep 3;
        for i in \$(seq 60); do l=\$(pgrep -P $nsboot_pid); [ -n \"\$l\" ] && [ \"\$l\" != $leader ] && break; sleep 1; done;
        [ -n \"\$l\" ] && [ \"\$l\" != $leader ] && kill -0 $nsboot_pid"
check "re-registered after the reboot" wait_guest_up vmdeb
check "poweroff" sh -c 'machinectl poweroff vmdeb'
end_status
check "exit status after poweroff is 0" test "$rc" = 0
check "unregistered" sh -c '! machinectl show vmdeb >/dev/null 2>&1'
check "start again" start_vmdeb
machinectl terminate vmdeb
end_status
check "terminate: clean stop through RequestStop" test "$rc" = 0
# RequestStop sends the kill signal, SIGRTMIN+3 (halt): systemd reaches shutdown.target and halts.
check "terminate: the guest shut down cleanly" grep -q "Reached target.*shutdown\.target" "$vmdeb_log"

# -S and --property: machined creates the scope in that slice, with those limits (seen by systemd
# on the host, and as the cgroup's files from inside the guest).
slice_and_properties() {
        local pid unit props inside ok=0
        $NSBOOT -q -D /mnt/test/tree -M slc -S nsbttest.slice --property=MemoryMax=64M --property=TasksMax=77 \
                --register=yes /bin/sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; exec sleep 60' \
                </dev/null >/tmp/slc.out 2>&1 &
        pid=$!
        wait_registered slc || { kill "$pid"; wait "$pid"; cat /tmp/slc.out; return 1; }
        sleep 1
        unit=$(machinectl show slc -p Unit --value)
        props=$(unit_props "$unit" Slice MemoryMax TasksMax)
        [[ $props == *"Slice=nsbttest.slice"* && $props == *"MemoryMax=67108864"* && $props == *"TasksMax=77"* ]] || ok=1
        ls -d "/sys/fs/cgroup/nsbttest.slice/$unit" || ok=1
        kill "$pid"
        wait "$pid"
        inside=$(tr -d '\r' </tmp/slc.out | head -n 2 | tr '\n' ' ')
        echo "unit $unit; inside the guest: $inside"
        [[ $inside == "67108864 77 " ]] || ok=1
        return $ok
}
check "-S and --property shape the machine's scope" slice_and_properties
check "nothing left of the sliced machine" sh -c '! machinectl show slc >/dev/null 2>&1'

# nsboot@.service
cp /mnt/test/nsboot@.service /etc/systemd/system/
mkdir -p /var/lib/machines && ln -s /mnt/test/machines/vmsvc /var/lib/machines/vmsvc
systemctl daemon-reload
check "systemctl start nsboot@vmsvc" timeout 180 systemctl start nsboot@vmsvc.service
# Right when "systemctl start" returns, the guest has sent READY=1: systemd in it is up.
svc_state=$(timeout 60 systemd-run -M vmsvc --wait -q -P systemctl is-system-running)
echo "unit: $(systemctl show nsboot@vmsvc -p ActiveState --value), guest: '$svc_state'"
check "the unit is active" sh -c '[ "$(systemctl show nsboot@vmsvc -p ActiveState --value)" = active ]'
check "active only after the guest's READY=1" sh -c "[ '$svc_state' = running ] || [ '$svc_state' = degraded ]"
check "machine of the service" test "$(machinectl show vmsvc -p Unit --value)" = nsboot@vmsvc.service
check "payload cgroup of the service" sh -c "grep -q '^0::/machine.slice/nsboot@vmsvc.service/payload' /proc/\$(machinectl show vmsvc -p Leader --value)/cgroup"
main1=$(systemctl show nsboot@vmsvc -p MainPID --value)
guest vmsvc systemctl reboot --no-block >/dev/null 2>&1
for _ in $(seq 120); do
        main2=$(systemctl show nsboot@vmsvc -p MainPID --value)
        [[ $main2 != "$main1" && $main2 != 0 && $(systemctl show nsboot@vmsvc -p ActiveState --value) == active ]] && break
        sleep 1
done
echo "MainPID $main1 -> $main2"
check "a reboot inside restarts the unit" sh -c "[ '$main2' != '$main1' ] && [ '$main2' != 0 ]"
check "systemctl stop" timeout 120 systemctl stop nsboot@vmsvc.service
# systemctl stop succeeds also when systemd SIGKILLs the unit at its stop timeout: a clean stop is
# Result=success (not timeout or signal) with nsboot's exit status 0.
svc_end=$(unit_props nsboot@vmsvc.service Result ExecMainCode ExecMainStatus)
check "systemctl stop: nsboot ended by itself with 0" sh -c "echo '$svc_end' | grep -qx Result=success &&
        echo '$svc_end' | grep -qx ExecMainStatus=0"
check "stopped unit left no machine" sh -c '! machinectl show vmsvc >/dev/null 2>&1'
# lxc.cgroup2.* (and a converted cgroup v1 key) land in the machine's cgroup, seen from inside.
# (systemd enables only memory and pids for machine.slice unless a unit asks for more)
printf 'lxc.cgroup2.pids.max = 321\nlxc.cgroup.memory.limit_in_bytes = 134217728\n' >/tmp/cg.conf
check "cgroup settings inside the guest" sh -c 'out=$(timeout 60 /mnt/test/nsboot -q -D /mnt/test/machines/vmdeb -M cgtest \
        --config=/tmp/cg.conf /bin/sh -c "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max" </dev/null);
        echo "$out"; [ "$(echo $out)" = "134217728 321" ]'

# Autostart: nsboot-generator makes machines.target start nsboot@vmsvc (lxc.start.auto).
mkdir -p /etc/systemd/system-generators /etc/nsboot
cp /mnt/test/nsboot-generator /etc/systemd/system-generators/
printf 'lxc.start.auto = 1\nlxc.start.order = 10\nlxc.start.delay = 1\n' >/etc/nsboot/vmsvc.conf
systemctl daemon-reload
check "generator: nsboot@vmsvc wanted by machines.target" sh -c \
        'systemctl show machines.target -p Wants --value | grep -q nsboot@vmsvc.service'
check "generator: the delay is an ExecStartPost" sh -c \
        'systemctl cat nsboot@vmsvc.service | grep -q "ExecStartPost=/bin/sleep 1"'
check "systemctl start machines.target boots it" sh -c 'timeout 180 systemctl start machines.target &&
        [ "$(systemctl show nsboot@vmsvc -p ActiveState --value)" = active ]'
timeout 120 systemctl stop nsboot@vmsvc.service
echo "--- nsboot logs (vmdeb), last lines"
grep -hE "nsboot:|Reached target|Starting systemd-(halt|reboot|poweroff)" /mnt/test/vmdeb-*.log | tail -n 40
checks_done
EOF

rc=0
out=$("$SRCDIR/test/vm/run.sh" --timeout 1500 "$dir" 2>&1) || rc=$?
echo "$out"
vm_assert_checks "$out" "$dir/run.sh"
[[ $rc == 0 ]] || fail "the system-tier machined test failed in the VM (exit status $rc)"
exit 0
