#!/bin/bash
# System tier: nsboot on a real systemd host (the VM of test/vm) registers with systemd-machined
# and every machinectl verb works against its machine in the default mode (a user namespace),
# checked by its effect; bind, which systemd 252 refuses for any machine in a user namespace (as
# for systemd-nspawn -U, tried here too; nsbootctl bind does it there), works with --private-users=no, where the guest's root
# also cannot lift the machine's limits (the payload cgroup); sd_notify readiness; nsboot@.service
# runs its guest in a user namespace, becomes active only after the guest's READY=1 and restarts on
# a guest reboot; journalctl -M shows what the guest logged. One VM boot, several guest boots.
# nsboot-test-timeout: 1000
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

vm_prepare
dir=$VM_DIR
mkdir -p "$dir/machines"
cp "$(dirname "$NSBOOT")/nsboot-generator" "$dir/nsboot-generator"
cp "$(dirname "$NSBOOT")/nsbootctl" "$dir/nsbootctl"
sed "s|@bindir@/nsboot|/mnt/test/nsboot|" "$SRCDIR/units/nsboot@.service.in" >"$dir/nsboot@.service"
debian_tree tree
# Two copies with their own machine IDs: one run by hand, one as a service.
for m in vmdeb vmsvc vmnsp; do
        cp -a "$tree" "$dir/machines/$m"
        set_machine_id "$dir/machines/$m" fresh
done

cat >"$dir/run.sh" <<'EOF'
. ./check-lib.sh
NSBOOT=/mnt/test/nsboot
guest() { timeout 60 systemd-run -M "$1" --wait -q -P "${@:2}"; }
wait_registered() {
        for _ in $(seq 120); do
                [[ $(timeout 10 machinectl show "$1" -p State --value 2>/dev/null) == running ]] && return 0
                sleep 0.5
        done
        return 1
}
wait_guest_up() {
        local state end=$((SECONDS + 180))
        wait_registered "$1" || return 1
        while ((SECONDS < end)); do
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
# start_vmdeb [NSBOOT OPTIONS...]
start_vmdeb() {
        starts=$((starts + 1))
        vmdeb_log=/mnt/test/vmdeb-$starts.log
        $NSBOOT -D /mnt/test/machines/vmdeb -M vmdeb -b --console=read-only "$@" \
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
# The default mode: one "0 BASE 65536" line for uids and gids, as machined wants it ("UID Shift").
read -r inside base count <"/proc/$leader/uid_map"
echo "uid_map: $inside $base $count; gid_map: $(cat /proc/$leader/gid_map)"
check "the guest is in a user namespace" test "$inside $count" = "0 65536" -a "$base" -gt 0
check "status: the UID shift" sh -c "machinectl status vmdeb --no-pager | grep -q 'UID Shift: $base'"
check "processes live in the machine's payload cgroup" sh -c \
        "grep -q '^0::/machine.slice/machine-vmdeb.scope/payload/' /proc/$leader/cgroup"
check "shell (systemd-run -M)" test "$(guest vmdeb cat /proc/sys/kernel/hostname)" = vmdeb
tree=/mnt/test/machines/vmdeb
# by_effect FILE TEXT: FILE in the tree holds TEXT and belongs to root on disk (uid and gid 0).
by_effect() {
        echo "$2 $1: '$(cat "$tree$1" 2>&1)' owner $(stat -c %u:%g "$tree$1" 2>&1)"
        grep -qx "$2" "$tree$1" && test "$(stat -c %u:%g "$tree$1")" = 0:0
}
# machinectl shell and login talk to a pty: script(1) gives them one, and types for login.
shell_run() { timeout 60 script -qc "machinectl shell $1 /bin/sh -c '$2'" /dev/null </dev/null; }
shell_as_root() {
        local out
        # The pty echoes the end of script's empty input as the two characters "^@".
        out=$(shell_run vmdeb 'id -u; echo shell-ok >/root/shell-mark' | tr -d '\r')
        echo "$out"
        grep -Eqx '(\^@)*0' <<<"$out"
}
check "shell: a command runs as the guest's root" shell_as_root
check "shell: its effect in the tree" by_effect /root/shell-mark shell-ok
# login_wait FD TEXT: read the session's output until TEXT (a prompt without a newline) comes.
login_wait() {
        local ch end=$((SECONDS + 90)) rc
        while ((SECONDS < end)); do
                IFS= read -r -t 5 -n 1 ch <&"$1" && rc=0 || rc=$?
                ((rc == 0 || rc > 128)) || return 1
                login_buf+=$ch
                [[ $login_buf == *"$2"* ]] && return 0
        done
        return 1
}
# login_session MACHINE: types root's name at the getty's prompt (a getty flushes what comes
# earlier), a command at the shell's prompt, and waits for the next login prompt.
login_session() {
        local ok=1
        login_buf=""
        coproc LOGIN { timeout 150 script -qc "machinectl login $1" /dev/null; }
        if login_wait "${LOGIN[0]}" "login: "; then
                printf 'root\r' >&"${LOGIN[1]}"
                if login_wait "${LOGIN[0]}" "~# "; then
                        printf 'echo login-ok >/root/login-mark; exit\r' >&"${LOGIN[1]}"
                        login_wait "${LOGIN[0]}" "login: " && ok=0
                fi
        fi
        tr -d '\r' <<<"$login_buf" | tail -n 12
        kill "$LOGIN_PID" 2>/dev/null
        wait "$LOGIN_PID" 2>/dev/null
        return $ok
}
check "login: a getty answers and root logs in" login_session vmdeb
check "login: the session's effect in the tree" by_effect /root/login-mark login-ok
echo copied-in >/tmp/copy-src
# copy-to writes as the host's root: the tree's idmapped mount maps it (to the guest's root on disk
# after machined's chown), as systemd-nspawn -U's does.
check "copy-to" sh -c 'machinectl copy-to vmdeb /tmp/copy-src /root/copied'
check "copy-to: the file in the tree, root's on disk" by_effect /root/copied copied-in
check "copy-to: the guest sees it as its root's" test "$(guest vmdeb stat -c %u:%g /root/copied)" = 0:0
check "copy-from" sh -c 'machinectl copy-from vmdeb /etc/os-release /tmp/copied-os && grep -q Debian /tmp/copied-os'
mkdir -p /tmp/bind-src && echo bound >/tmp/bind-src/file
# systemd 252 refuses bind for every machine in a user namespace (machine_get_uid_shift() != 0),
# systemd-nspawn -U's too (below); it works with --private-users=no (second start).
check "bind: refused in a user namespace, as by systemd 252" sh -c \
        '! machinectl bind --mkdir vmdeb /tmp/bind-src /mnt/bound 2>/tmp/bind.err; cat /tmp/bind.err; grep -q "user namespacing" /tmp/bind.err'
# nsbootctl bind does it without the tunnel, beside machined, on this systemd host (shared /run):
# read-only and locked; machinectl bind still works with --private-users=no (below).
check "nsbootctl bind in a user namespace" sh -c './nsbootctl bind --read-only --mkdir vmdeb /tmp/bind-src /mnt/nsbound &&
        test "$(systemd-run -M vmdeb --wait -q -P cat /mnt/nsbound/file)" = bound'
check "nsbootctl bind: the guest cannot remount it rw" sh -c \
        '! systemd-run -M vmdeb --wait -q -P mount -o remount,bind,rw /mnt/nsbound'
check "nsbootctl bind: nothing mounted on the host" sh -c '! grep -q " /mnt/nsbound \| /run/nsboot-live-mount " /proc/self/mountinfo'
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
# --private-users=no: bind works, and the guest's root, root on the host too, cannot lift the
# machine's limits: what it writes at its cgroup root is the payload's, below the scope's.
check "start again, privileged" start_vmdeb --private-users=no --property=MemoryMax=512M
check "bind (privileged)" sh -c 'machinectl bind --mkdir vmdeb /tmp/bind-src /mnt/bound && test "$(systemd-run -M vmdeb --wait -q -P cat /mnt/bound/file)" = bound'
scope=/sys/fs/cgroup/machine.slice/machine-vmdeb.scope
leader=$(machinectl show vmdeb -p Leader --value)
check "privileged: the leader is in the payload" sh -c "grep -qx '0::/machine.slice/machine-vmdeb.scope/payload/init.scope' /proc/$leader/cgroup"
check "privileged: the payload has the controllers" sh -c "cat $scope/payload/cgroup.controllers; grep -qw memory $scope/payload/cgroup.controllers"
# systemd mounts cgroup2 with nsdelegate: the kernel refuses writes to the limit files of a cgroup
# namespace's root from inside (EPERM) whatever the cgroup; where there is no nsdelegate (cgroup
# v1 hierarchies, other hosts) the payload is what keeps them: test-cgroup on the host tier.
attack=$(guest vmdeb sh -c 'echo 1073741824 >/sys/fs/cgroup/memory.max && echo written; cat /sys/fs/cgroup/memory.max' 2>&1)
echo "the guest's root wrote 1 GiB to its cgroup root's memory.max: '$attack'; scope: $(cat $scope/memory.max), payload: $(cat $scope/payload/memory.max)"
check "privileged: the machine's memory.max on the host is unchanged" test "$(cat $scope/memory.max)" = 536870912
check "privileged: the guest's write changed at most its payload" sh -c "[ '$(cat $scope/payload/memory.max)' = max ] || [ '$(cat $scope/payload/memory.max)' = 1073741824 ]"
machinectl terminate vmdeb
end_status
check "terminate: clean stop through RequestStop" test "$rc" = 0
# RequestStop sends the kill signal, SIGRTMIN+3 (halt): systemd reaches shutdown.target and halts.
check "terminate: the guest shut down cleanly" grep -q "Reached target.*shutdown\.target" "$vmdeb_log"

# The same refusal of bind for systemd-nspawn -U: a limit of systemd 252, not of nsboot.
nspawn_bind() {
        local pid ok=1
        systemd-nspawn -q -U -D /mnt/test/machines/vmnsp -M vmnsp -b --console=read-only </dev/null >/tmp/vmnsp.log 2>&1 &
        pid=$!
        if wait_registered vmnsp; then
                machinectl bind --mkdir vmnsp /tmp/bind-src /mnt/bound 2>/tmp/nspbind.err
                ok=$?
                cat /tmp/nspbind.err
        fi
        machinectl terminate vmnsp
        timeout 60 tail --pid="$pid" -f /dev/null
        ((ok != 0)) && grep -q "user namespacing" /tmp/nspbind.err
}
check "bind: systemd-nspawn -U is refused the same way" nspawn_bind

# -S and --property: machined creates the scope in that slice, with those limits (seen by systemd
# on the host, as the scope's files, and from inside the guest in its /proc/meminfo: its own
# cgroup root is the payload below the scope).
slice_and_properties() {
        local pid unit props files inside ok=0
        $NSBOOT -q -D /mnt/test/tree -M slc -S nsbttest.slice --property=MemoryMax=64M --property=TasksMax=77 \
                --register=yes /bin/sh -c 'grep MemTotal: /proc/meminfo; exec sleep 60' \
                </dev/null >/tmp/slc.out 2>&1 &
        pid=$!
        wait_registered slc || { kill "$pid"; wait "$pid"; cat /tmp/slc.out; return 1; }
        sleep 1
        unit=$(machinectl show slc -p Unit --value)
        props=$(unit_props "$unit" Slice MemoryMax TasksMax)
        [[ $props == *"Slice=nsbttest.slice"* && $props == *"MemoryMax=67108864"* && $props == *"TasksMax=77"* ]] || ok=1
        files="$(cat "/sys/fs/cgroup/nsbttest.slice/$unit/memory.max" "/sys/fs/cgroup/nsbttest.slice/$unit/pids.max" | tr '\n' ' ')"
        kill "$pid"
        wait "$pid"
        inside=$(tr -d '\r' </tmp/slc.out | head -n 1)
        echo "unit $unit; its files: $files; inside the guest: $inside"
        [[ $files == "67108864 77 " && $inside =~ ^MemTotal:\ +65536\ kB$ ]] || ok=1
        return $ok
}
check "-S and --property shape the machine's scope" slice_and_properties
check "nothing left of the sliced machine" sh -c '! machinectl show slc >/dev/null 2>&1'

# nsbootctl start on a systemd host without nsboot@.service (nsboot not installed): a transient
# service of systemd-run with the unit's settings, registered, stopped by nsbootctl stop.
mkdir -p /var/lib/machines && ln -s /mnt/test/machines/vmsvc /var/lib/machines/vmsvc
check "nsbootctl start vmsvc without the unit (systemd-run)" timeout 180 ./nsbootctl start vmsvc
check "the transient service is active" sh -c '[ "$(systemctl show nsboot-vmsvc.service -p ActiveState --value)" = active ]'
check "machine of the transient service" test "$(machinectl show vmsvc -p Unit --value)" = nsboot-vmsvc.service
transient_prop() { [ "$(systemctl show nsboot-vmsvc.service -p "$1" --value)" = "$2" ]; }
check "the transient service's Delegate=yes" transient_prop Delegate yes
check "the transient service's KillMode=mixed" transient_prop KillMode mixed
check "the transient service's TasksMax=16384" transient_prop TasksMax 16384
check "the transient service's Slice=machine.slice" transient_prop Slice machine.slice
check "nsbootctl stop of the transient machine" timeout 120 ./nsbootctl stop vmsvc
retry_gone() { for _ in $(seq 60); do systemctl is-active -q nsboot-vmsvc.service || return 0; sleep 0.5; done; return 1; }
check "the transient service is gone" retry_gone

# nsboot@.service
cp /mnt/test/nsboot@.service /etc/systemd/system/
systemctl daemon-reload
# nsbootctl start on a systemd host starts the unit (and returns once systemctl start does).
check "nsbootctl start vmsvc (nsboot@vmsvc.service)" timeout 180 ./nsbootctl start vmsvc
check "nsbootctl start of a running machine is refused" sh -c '! ./nsbootctl start vmsvc'
# Right when "systemctl start" returns, the guest has sent READY=1: systemd in it is up.
svc_state=$(timeout 60 systemd-run -M vmsvc --wait -q -P systemctl is-system-running)
echo "unit: $(systemctl show nsboot@vmsvc -p ActiveState --value), guest: '$svc_state'"
check "the unit is active" sh -c '[ "$(systemctl show nsboot@vmsvc -p ActiveState --value)" = active ]'
check "active only after the guest's READY=1" sh -c "[ '$svc_state' = running ] || [ '$svc_state' = degraded ]"
check "machine of the service" test "$(machinectl show vmsvc -p Unit --value)" = nsboot@vmsvc.service
svc_leader=$(machinectl show vmsvc -p Leader --value)
echo "service's guest uid_map: $(cat /proc/$svc_leader/uid_map)"
read -r inside base count <"/proc/$svc_leader/uid_map"
check "the service's guest is in a user namespace" test "$inside $count" = "0 65536" -a "$base" -gt 0
tree=/mnt/test/machines/vmsvc
svc_shell() { shell_run vmsvc 'echo svc-shell-ok >/root/shell-mark'; by_effect /root/shell-mark svc-shell-ok; }
svc_login() { login_session vmsvc >/dev/null; by_effect /root/login-mark login-ok; }
check "shell into the service's guest: its effect" svc_shell
check "login into the service's guest: its effect" svc_login
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
# lxc.cgroup2.* (and a converted cgroup v1 key) land in the machine's cgroup (its scope), seen from
# the host and, for memory, from inside in /proc/meminfo.
# (systemd enables only memory and pids for machine.slice unless a unit asks for more)
printf 'lxc.cgroup2.pids.max = 321\nlxc.cgroup.memory.limit_in_bytes = 134217728\n' >/tmp/cg.conf
cgroup_settings() {
        local pid cg=/sys/fs/cgroup/machine.slice/machine-cgtest.scope files ok=1
        $NSBOOT -q -D /mnt/test/machines/vmdeb -M cgtest --config=/tmp/cg.conf \
                /bin/sh -c 'grep MemTotal: /proc/meminfo; exec sleep 60' </dev/null >/tmp/cg.out 2>&1 &
        pid=$!
        for _ in $(seq 200); do grep -q MemTotal /tmp/cg.out && break; sleep 0.3; done
        files="$(cat $cg/memory.max $cg/pids.max | tr '\n' ' ')"
        echo "the scope's files: $files; inside: $(tr -d '\r' </tmp/cg.out)"
        [[ $files == "134217728 321 " ]] && grep -Eq "^MemTotal: +131072 kB" /tmp/cg.out && ok=0
        kill "$pid"
        wait "$pid"
        return $ok
}
check "cgroup settings of the machine" cgroup_settings

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
# nsbootctl disable and enable change lxc.start.auto and run the generator again (daemon-reload).
check "nsbootctl disable: machines.target no longer wants nsboot@vmsvc" sh -c './nsbootctl disable vmsvc &&
        ! systemctl show machines.target -p Wants --value | grep -q nsboot@vmsvc.service'
check "nsbootctl enable: machines.target wants nsboot@vmsvc again" sh -c './nsbootctl enable vmsvc &&
        systemctl show machines.target -p Wants --value | grep -q nsboot@vmsvc.service &&
        grep -qx "lxc.start.order = 10" /etc/nsboot/vmsvc.conf'
echo "--- nsboot logs (vmdeb), last lines"
grep -hE "nsboot:|Reached target|Starting systemd-(halt|reboot|poweroff)" /mnt/test/vmdeb-*.log | tail -n 40
checks_done
EOF

rc=0
out=$("$SRCDIR/test/vm/run.sh" --timeout 900 "$dir" 2>&1) || rc=$?
echo "$out"
vm_assert_checks "$out" "$dir/run.sh"
[[ $rc == 0 ]] || fail "the system-tier machined test failed in the VM (exit status $rc)"
exit 0
