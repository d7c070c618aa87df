#!/bin/bash
# Stopping by signal: a busybox init (/sbin/init -> busybox) gets SIGUSR2, its poweroff, on the first
# SIGTERM to nsboot, runs its inittab's shutdown actions and powers off (exit 0); lxc.signal.stop
# is what a second SIGTERM sends (default SIGKILL): a PID 1 that survives the first signal
# (--kill-signal=SIGTERM) ends by the one configured, not by SIGKILL; and for a command without
# --kill-signal it is what the first SIGTERM sends.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# As TEST-privileged.sh: the same with --private-users=no.
userns=pick
[[ $TEST_NAME != *-privileged ]] || userns=no

# A busybox init tree: inittab with a sysinit marker, a shell that waits, and a shutdown action.
busybox_tree tree
ln -sf /bin/busybox "$tree/sbin/init"
cat >"$tree/etc/inittab" <<'INITTAB'
::sysinit:/bin/echo NSBT-SYSINIT
::respawn:/bin/sleep 1000
::shutdown:/bin/echo NSBT-SHUTDOWN-RAN
INITTAB
nsboot_start --private-users="$userns" -D "$tree" -b
wait_output '^NSBT-SYSINIT'
sleep 0.5
kill -TERM "$NSBOOT_PID"
nsboot_wait 30
assert_rc 0 "busybox init after SIGTERM to nsboot"
assert_file_contains "$NSBOOT_ERR" "Sending SIGUSR2 to the guest's" "the signal for busybox init"
assert_file_contains "$NSBOOT_OUT" "NSBT-SHUTDOWN-RAN" "busybox init ran its shutdown actions"

# A PID 1 that shrugs off the first signal (SIGTERM for a command) and exits 7 on SIGUSR1.
t2=""
busybox_tree t2
cat >"$t2/stubborn" <<'SH'
#!/bin/sh
trap 'echo got-term' TERM
trap 'echo got-usr1; exit 7' USR1
echo stubborn-ready
while :; do sleep 0.1; done
SH
chmod 0755 "$t2/stubborn"
# stubborn_stop [NSBOOT OPTIONS...]: start it, SIGTERM nsboot twice; sets NSBOOT_RC.
stubborn_stop() {
        nsboot_start -q --private-users="$userns" -D "$t2" "$@" /stubborn
        wait_output '^stubborn-ready'
        kill -TERM "$NSBOOT_PID"
        wait_output '^got-term' 10
        kill -TERM "$NSBOOT_PID"
        nsboot_wait 30
}
echo "lxc.signal.stop = SIGUSR1" >"$WORKDIR/stop.conf"
stubborn_stop --config="$WORKDIR/stop.conf" --kill-signal=SIGTERM
assert_rc 7 "exit status after the second SIGTERM with lxc.signal.stop = SIGUSR1"
assert_file_contains "$NSBOOT_OUT" got-usr1 "the guest got SIGUSR1"
stubborn_stop --kill-signal=SIGTERM
assert_rc 137 "exit status after the second SIGTERM by default (SIGKILL)"
assert_file_not_contains "$NSBOOT_OUT" got-usr1 "without lxc.signal.stop"
# A command without --kill-signal: the first SIGTERM sends the stop signal at once.
nsboot_start -q --private-users="$userns" -D "$t2" --config="$WORKDIR/stop.conf" /stubborn
wait_output '^stubborn-ready'
kill -TERM "$NSBOOT_PID"
nsboot_wait 30
assert_rc 7 "a command with lxc.signal.stop = SIGUSR1 after one SIGTERM"
assert_file_not_contains "$NSBOOT_OUT" got-term "the first signal to a command without --kill-signal"
exit 0
