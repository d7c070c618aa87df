#!/bin/bash
# The guest sees only its own processes.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

# ls as PID 1 is the only process there is.
nsboot_run -D "$tree" /bin/ls -1 /proc
assert_rc 0
pids=$(output | grep -E '^[0-9]+$' | paste -s -d ' ')
assert_eq 1 "$pids" "PIDs in the guest's /proc"

boot_sleeping "$tree"
ps=$(in_guest "$LEADER" ps -o pid,comm)
log "ps in the guest:"$'\n'"$ps"
assert_match "$(sed -n 2p <<<"$ps")" '^ *1 +init$' "PID 1 in ps"
(($(wc -l <<<"$ps") <= 3)) || fail "ps in the guest shows more than init and ps"
assert_not_contains "$ps" nsboot "ps in the guest"
poweroff_guest
