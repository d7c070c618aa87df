# shellcheck shell=bash
# For the run.sh that a system-tier test puts on the VM's test disk: copy this file next to it
# and source it there (". ./check-lib.sh"). Each check prints "CHECK NAME: ok" or
# "CHECK NAME: FAILED" after the output of its command; checks_done exits non-zero if any failed.
# On the host, look for the "CHECK NAME: ok" lines in test/vm/run.sh's output: a check that never
# ran (the VM died, a typo) must fail the test too, not only one that failed.

set -u
CHECKS_FAILED=0

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
