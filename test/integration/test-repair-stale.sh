#!/bin/bash
# After nsboot is killed with SIGKILL, what it left (cgroup, also one under --slice or --keep-unit,
# v1 cgroups of a hybrid host, mount tunnel directory, cgroup record, its stale lock files) is repaired by the next start of the
# same machine or by nsboot --cleanup, and by nothing else: another machine's start leaves it alone
# (it may be starting right now), and no repair takes another machine's stale lock. --cleanup with
# nothing to clean says so and exits 0; --cleanup of a running machine exits 1 and changes nothing.
# (An nsboot older than 0.2 still repairs every machine whose lock is free: one started elsewhere on
# this host between the kill and the checks below makes them fail.)
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree a
busybox_tree b
name=$(basename "$a")
cg=$(machine_cgroup "$name")
tunnel=/run/systemd/nspawn/propagate/$name

log "the cgroup record is written before the first cgroup directory is made"
# A kill between the two would leave cgroups that neither --cleanup nor the next start knows of.
b_name=$(basename "$b")
b_cg=$(machine_cgroup "$b_name")
strace -f -qq -o "$WORKDIR/order" -e trace=mkdir,openat "$NSBOOT" -q -D "$b" /bin/true ||
        fail "nsboot under strace failed"
record_at=$(grep -n "/run/nsboot/machines/$b_name.cgroup\".*O_CREAT" "$WORKDIR/order" | head -n 1 | cut -d: -f1)
mkdir_at=$(grep -n "mkdir(\"$b_cg\"" "$WORKDIR/order" | head -n 1 | cut -d: -f1)
[[ -n $record_at && -n $mkdir_at ]] || fail "no write of the record or no mkdir of $b_cg seen: $(grep -e cgroup "$WORKDIR/order" | head)"
((record_at < mkdir_at)) || fail "$b_cg was made (line $mkdir_at) before the record was written (line $record_at)"

log "--cleanup with nothing to clean"
nsboot_run --cleanup -M "$name"
assert_rc 0
assert_file_contains "$NSBOOT_ERR" "Nothing to clean up for machine '$name'"
nsboot_run --cleanup
assert_rc 1 "--cleanup without a machine"
assert_file_contains "$NSBOOT_ERR" "--cleanup needs a machine"

log "leftovers of a killed nsboot"
# A stale machine lock with a longer holder line than the next one's: replaced whole, not overwritten
# at its start only (the holder is what "already running" names).
printf '4194304 %s /a/directory/much/longer/than/the/next/holders/one/of/this/machine\n' "$name" \
        >"/run/nsboot/locks/machine-$name"
nsboot_start -q -D "$a" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
running_pid=$NSBOOT_PID
assert_eq "$NSBOOT_PID $name $a" "$(cat "/run/nsboot/locks/machine-$name")" "the machine lock's holder line"
nsboot_run --cleanup -M "$name"
assert_rc 1 "--cleanup of a running machine"
assert_file_contains "$NSBOOT_ERR" "already running"
[[ -d $cg ]] || fail "--cleanup of a running machine removed its cgroup"
NSBOOT_PID=$running_pid
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
retry 10 test ! -s "$cg/cgroup.procs" || fail "processes left in $cg"
# The tunnel directory is made only where machined may register the machine (systemd and a system
# bus); elsewhere this is what an nsboot left that ran on such a host.
if [[ -d /run/systemd/system && -S /run/dbus/system_bus_socket ]]; then
        [[ -d $tunnel ]] || fail "no tunnel directory $tunnel on a host with machined"
else
        [[ -d $tunnel ]] && fail "a tunnel directory $tunnel without machined"
        mkdir -p "$tunnel"
fi
# On a hybrid host, the machine's directory in each v1 hierarchy too.
v1_dirs=$(grep -v '^0::' /proc/self/cgroup | while IFS=: read -r _ ctrls path; do
        [[ $ctrls == name=systemd ]] && ctrls=systemd
        d=/sys/fs/cgroup/${ctrls%%,*}${path%/}/machine.slice/machine-$name.scope
        [[ -d $d ]] && echo "$d"
done || true)
[[ $(cgroup2_root) == /sys/fs/cgroup/unified && -z $v1_dirs ]] && fail "no v1 cgroup of $name left to repair"
[[ -d $cg && -d $tunnel && -e /run/nsboot/machines/$name.cgroup ]] ||
        fail "nothing left to repair: cgroup $cg, $tunnel, /run/nsboot/machines/$name.cgroup"

# The killed nsboot's lock files of its tree and id range stay, naming it, held by nobody.
a_locks=$(grep -l " $name " /run/nsboot/locks/uid-* 2>/dev/null || true)
[[ -n $a_locks ]] || fail "no stale id range lock of $name to repair"
# A stale lock of another machine, held by nobody: no repair of this machine may take it.
other_lock=/run/nsboot/locks/uid-nsbt$$other
echo "1 nsbt$$other /nonexistent" >"$other_lock"
at_exit "rm -f '$other_lock'"

# Another machine's start leaves them alone.
nsboot_run -q -D "$b" /bin/true
assert_rc 0
[[ -d $cg && -d $tunnel ]] || fail "another machine's start touched the killed machine's leftovers"
for l in $a_locks; do
        [[ -e $l ]] || fail "another machine's start removed the killed machine's stale lock $l"
done

nsboot_run --cleanup -D "$a"
assert_rc 0 "--cleanup"
assert_file_contains "$NSBOOT_ERR" "Removed the stale lock files of machine '$name'"
for l in $a_locks; do
        assert_file_not_exists "$l"
done
assert_file_exists "$other_lock"
assert_eq "1 nsbt$$other /nonexistent" "$(cat "$other_lock")" "another machine's stale lock after --cleanup"
assert_file_contains "$NSBOOT_ERR" "Removed cgroup $cg"
assert_file_contains "$NSBOOT_ERR" "Cleaned up after an earlier nsboot of machine '$name'"
[[ -d $cg ]] && fail "the killed machine's cgroup $cg is left"
for d in $v1_dirs; do
        assert_file_contains "$NSBOOT_ERR" "Removed cgroup $d"
        [[ -d $d ]] && fail "the killed machine's v1 cgroup $d is left"
done
[[ -d $tunnel ]] && fail "the killed machine's tunnel directory is left"
assert_file_not_exists "/run/nsboot/machines/$name.cgroup"
nsboot_run --cleanup -M "$name"
assert_file_contains "$NSBOOT_ERR" "Nothing to clean up for machine '$name'"

log "the next start of the machine repairs too"
nsboot_start -q -D "$a" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
nsboot_run -D "$a" -b poweroff
assert_rc 0
assert_file_contains "$NSBOOT_ERR" "Removed cgroup $cg"

log "a leftover under --slice is found from its record, whatever the next start's settings"
nsboot_start -q -D "$a" -S "nsbt$$.slice" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
slice_cg=$(cgroup2_root)/nsbt$$.slice/machine-$name.scope
[[ -d $slice_cg ]] || fail "no cgroup $slice_cg with --slice"
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
nsboot_run -D "$a" -b poweroff
assert_rc 0
assert_file_contains "$NSBOOT_ERR" "Removed cgroup $slice_cg"
[[ ! -d $slice_cg ]] || fail "the leftover $slice_cg under --slice is still there"
# The slice it made goes with its last machine, in every hierarchy (machine.slice, the default,
# stays, as with systemd); also after a clean exit.
slice_dirs() { find /sys/fs/cgroup -maxdepth 3 -type d -name "nsbt$$.slice" 2>/dev/null; }
assert_eq "" "$(slice_dirs)" "slice directories left after the repair"
nsboot_run -D "$a" -S "nsbt$$.slice" -b poweroff
assert_rc 0
assert_eq "" "$(slice_dirs)" "slice directories left after a clean exit"

log "a leftover under --keep-unit: the payload cgroup in nsboot's own unit"
# nsboot started in the unit's cgroup, as a service's ExecStart is.
keep_unit_wrapper "nsbt$$ku.scope"
unit=$UNIT
real_nsboot=$NSBOOT
NSBOOT=$UNIT_NSBOOT
nsboot_start -q -D "$a" --keep-unit -b sleep
wait_output '^NSBOOT-TEST: ready=1'
[[ -d $unit/payload ]] || fail "no payload cgroup $unit/payload with --keep-unit"
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
retry 10 test ! -s "$unit/payload/cgroup.procs" || fail "processes left in $unit/payload"
NSBOOT=$real_nsboot
nsboot_run -D "$a" -b poweroff
assert_rc 0
assert_file_contains "$NSBOOT_ERR" "Removed cgroup $unit/payload"
[[ ! -d $unit/payload ]] || fail "the leftover $unit/payload under --keep-unit is still there"

log "--keep-unit and a reboot: exit 133 for the unit to restart nsboot, nothing left"
# A unit of its own (nsboot enabled the host's cgroup2 controllers in the first one's subtree, so
# no process may join that one itself any more).
keep_unit_wrapper "nsbt$$ku2.scope"
unit=$UNIT
NSBOOT=$UNIT_NSBOOT
nsboot_run -q -D "$b" --keep-unit -b reboot
NSBOOT=$real_nsboot
assert_rc 133 "--keep-unit with a reboot (RestartForceExitStatus=133 of nsboot@.service)"
assert_eq "1" "$(output | sed -n 's/^NSBOOT-TEST: boot=//p' | paste -s -d ' ')" "boots with --keep-unit"
[[ -d $unit/supervisor ]] || fail "nsboot did not run in $unit/supervisor"
nested=$(find "$unit" -mindepth 1 -type d ! -path "$unit/supervisor" | head -n 3)
[[ -z $nested ]] || fail "cgroups left in $unit after the reboot: $nested"
assert_file_not_exists "/run/nsboot/machines/$(basename "$b").cgroup" "the cgroup record after the reboot"
exit 0

