#!/bin/bash
# A stock Debian 12 tree with sysvinit-core as its init, booted without a private network, from a
# tmpfs of its own: its boot scripts remount what they find (mountkernfs.sh, checkroot.sh,
# mountall.sh), and none of it may reach the host. The superblock options of the host's /, /sys,
# /proc and of the tmpfs, and the host-global sysctls, must be the same during the boot (checked
# every second for 15 s) as before it. If the host's /sys turned read-only it is made read-write
# again at once (and the test fails).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/escape-common.sh
. "$SRCDIR/test/lib/escape-common.sh"

require_cmd debootstrap
src=$("$SRCDIR/test/lib/mktree-sysvinit.sh") || fail "cannot build the sysvinit tree (test/lib/mktree-sysvinit.sh)"
escape_tree_copy "$src"
set_machine_id "$ESCAPE_TREE" fresh
opts=()
nsboot_has_option --private-users && [[ ${ESCAPE_PRIVILEGED:-0} == 1 ]] && opts=(--private-users=no)

escape_state_snapshot
nsboot_start -M "$ESCAPE_NAME" "${opts[@]}" -D "$ESCAPE_TREE" -b
LEADER=$(leader_pid "$NSBOOT_PID")
# Each change is recorded, undone at once (so the host is read-only for at most a second) and the
# watch goes on: a later boot script may change it again.
for ((i = 1; i <= 15; i++)); do
        sleep 1
        kill -0 "$NSBOOT_PID" 2>/dev/null || { show_output; fail "the sysvinit guest stopped while booting"; }
        escape_state_check "sysvinit boot, after $i s"
done

# Shut it down from the inside (telinit writes to /run/initctl); SIGKILL if that does not work.
# Its halt scripts remount / read-only: that must not reach the host either.
in_guest "$LEADER" telinit 0 || log "telinit 0 failed"
for ((i = 1; i <= 60; i++)); do
        wait_pid_exit "$NSBOOT_PID" 1 && break
        escape_state_check "sysvinit shutdown, after $i s"
done
if kill -0 "$NSBOOT_PID" 2>/dev/null; then
        log "the guest did not shut down within 60 s, killing nsboot"
        kill -KILL "$NSBOOT_PID"
fi
escape_state_check "sysvinit shutdown"
nsboot_wait 30
escape_finish
