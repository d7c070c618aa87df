# shellcheck shell=bash
# For the run.sh that a system-tier test puts on the VM's test disk: copy this file next to it
# and source it there (". ./check-lib.sh"). Each check prints "CHECK NAME: ok" or
# "CHECK NAME: FAILED" after the output of its command; checks_done exits non-zero if any failed.
# On the host, look for the "CHECK NAME: ok" lines in test/vm/run.sh's output: a check that never
# ran (the VM died, a typo) must fail the test too, not only one that failed.

set -u
CHECKS_FAILED=0

# The VM starts the test once its boot reached multi-user.target, while udev may still load the
# drivers of the emulated hardware: let that end first (bounded), so that a test's first steps
# never race the boot's module loads.
udevadm settle --timeout=120 || echo "check-lib: udev did not settle within 120 s" >&2

# _vm_watchdog SECS: after SECS, show what every process waits on and have the kernel log its
# blocked tasks and every CPU's stack (sysrq w and l) on the console, which test/vm/run.sh shows
# when the VM runs out of time: a hang then says where it is.
_vm_watchdog() {
        cd / && sleep "$1"
        echo "=== check-lib watchdog: run.sh still runs after $1 s; processes and what they wait on:"
        ps -eo pid,ppid,stat,wchan:32,etime,args --sort=pid
        for s in /proc/[0-9]*/stat; do
                read -r _ _ state _ <"$s" 2>/dev/null || continue
                [[ $state == D ]] || continue
                echo "--- ${s%/stat} ($(cat "${s%/stat}/comm" 2>/dev/null)), kernel stack:"
                cat "${s%/stat}/stack" 2>/dev/null
        done
        echo w >/proc/sysrq-trigger
        echo l >/proc/sysrq-trigger
}
# 60 s before the VM's bound for run.sh (nsboot.vmtest.timeout=, see test/vm/guest/run-test).
_vm_bound=$(sed -n 's/.*nsboot\.vmtest\.timeout=\([0-9]*\).*/\1/p' /proc/cmdline)
if [[ ${_vm_bound:-0} -gt 90 ]]; then
        _vm_watchdog $((_vm_bound - 60)) &
        _vm_watchdog_pid=$!
        trap 'pkill -P "$_vm_watchdog_pid"; kill "$_vm_watchdog_pid" 2>/dev/null' EXIT
fi

# check NAME CMD...: run CMD (a command or function) and report its success as NAME.
check() {
        local name=$1
        shift
        if "$@"; then
                echo "CHECK $name: ok"
        else
                echo "CHECK $name: FAILED"
                CHECKS_FAILED=1
        fi
}

checks_done() {
        exit "$CHECKS_FAILED"
}

# vm_host_test NAME: run the host-tier script test/integration/NAME.sh that the host test put on
# the disk (vm_add_host_tests), against the nsboot there; a skip (77) counts as a failure: in the
# VM the kernel has what the host lacks. Use as "check NAME vm_host_test NAME".
vm_host_test() {
        local rc=0
        NSBOOT=$TESTDIR/nsboot TESTINIT=$TESTDIR/testinit NSBOOT_TEST_FULL_KERNEL=1 \
                timeout -k 10 "${VM_HOST_TEST_TIMEOUT:-300}" bash "$TESTDIR/src/test/integration/$1.sh" </dev/null || rc=$?
        echo "$1: exit status $rc"
        [[ $rc == 0 ]]
}
