#!/bin/bash
# The stop request and its bounds. An init that takes the request only after it has started up
# (here a shell that installs its SIGPWR handler after 2 s) still gets it: nsboot sends it again
# once PID 1 has a handler, and the guest stops cleanly. An init that ignores it is killed after
# --stop-timeout seconds, with a message that names the init and what still ran.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# As TEST-privileged.sh: the same with --private-users=no.
userns=pick
[[ $TEST_NAME != *-privileged ]] || userns=no

busybox_tree tree

log "a stop request before the init can take it is sent again"
cat >"$WORKDIR/late.conf" <<'CONF'
nsboot.init = /bin/busybox sh -c 'echo started; sleep 2; trap "echo got-pwr; exit 7" PWR; echo trapped; while :; do sleep 0.2; done'
CONF
nsboot_start --private-users="$userns" -D "$tree" --config="$WORKDIR/late.conf" -b
wait_output '^started' 10
kill -TERM "$NSBOOT_PID"
nsboot_wait 15
assert_rc 7 "the init's own exit status once it got SIGPWR"
assert_contains "$(output)" "got-pwr" "the init handled the request"
assert_file_contains "$NSBOOT_ERR" "Sending SIGPWR to the guest's init to power it off"
assert_file_not_contains "$NSBOOT_ERR" "killing it"

log "an init that ignores it is killed after --stop-timeout"
cat >"$WORKDIR/deaf.conf" <<'CONF'
nsboot.init = /bin/busybox sh -c 'trap "echo ignored" PWR; echo deaf; while :; do sleep 0.2; done'
CONF
nsboot_start --private-users="$userns" -D "$tree" --config="$WORKDIR/deaf.conf" --stop-timeout=2 -b
wait_output '^deaf' 10
kill -TERM "$NSBOOT_PID"
start=$SECONDS
nsboot_wait 15
assert_rc 137 "killed with SIGKILL"
((SECONDS - start <= 5)) || fail "stopped only after $((SECONDS - start)) s, with --stop-timeout=2"
assert_file_contains "$NSBOOT_ERR" "The guest's init did not power off within 2 s; killing it. Still running: busybox (1)"
assert_contains "$(output)" "ignored" "the init got the request"

log "--stop-timeout is checked"
nsboot_run --private-users="$userns" -D "$tree" --stop-timeout=forever -b
assert_rc 1
assert_file_contains "$NSBOOT_ERR" "--stop-timeout: invalid value 'forever'"
