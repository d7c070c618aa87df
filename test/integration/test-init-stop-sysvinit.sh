#!/bin/bash
# Each init nsboot knows stops and reboots cleanly: a real Debian tree whose init is sysvinit,
# OpenRC on sysvinit, runit or busybox (test/lib/mktree-init.sh; this script runs as
# test-init-stop-KIND.sh, KIND from its name; as test-init-stop-KIND-privileged.sh with
# --private-users=no). SIGTERM to nsboot runs the guest's own shutdown
# sequence (its marker) and nsboot exits 0 within 20 s (60 s on a busy host); "reboot" inside
# boots it a second time in the same nsboot; "poweroff" inside ends nsboot with 0. The host's /sys
# and mounts stay as they were.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

kind=${TEST_NAME#test-init-stop-}
# test-init-stop-KIND-privileged.sh: the same without a user namespace.
userns=pick
if [[ $kind == *-privileged ]]; then
        kind=${kind%-privileged}
        userns=no
fi
case $kind in
busybox) reboot_cmd=(busybox reboot) poweroff_cmd=(busybox poweroff) ;;
*) reboot_cmd=(reboot) poweroff_cmd=(poweroff) ;;
esac

# --private-network: without a user namespace, the guest's boot scripts remount its /sys
# ("mount -o remount,nodev,noexec,nosuid /sys" in Debian's mountkernfs.sh keeps the read-only flag
# of nsboot's mount), and in the host's network namespace that is the host's sysfs superblock.
opts=(--private-network --private-users="$userns")
init_tree tree "$kind"
sys_before=$(grep ' /sys ' /proc/self/mountinfo)
marker=$tree/var/log/nsboot-marker
count() { local n; n=$(grep -c "^$1\$" "$marker" 2>/dev/null) || true; echo "${n:-0}"; }
has_at_least() { (($(count "$1") >= $2)); }

# wait_marker WORD N SECS: until the marker has N lines WORD.
wait_marker() {
        retry "$3" has_at_least "$1" "$2" ||
                { show_output; fail "the guest's marker has $(count "$1") '$1' lines, not $2, after $3 s"; }
}

# booted N M: the guest's Nth boot (of this test), the Mth of this nsboot, is over; sysvinit also
# says so once the scripts of its runlevel are done.
runlevel_done() { (($(output | grep -c 'no more processes left in this runlevel' || true) >= $1)); }
booted() {
        wait_marker boot "$1" 180
        [[ $kind != sysvinit && $kind != openrc ]] || retry 180 runlevel_done "$2" ||
                fail "runlevel 2 of boot $1 did not finish"
}

log "1. SIGTERM to nsboot: the guest's own shutdown runs, nsboot exits 0"
nsboot_start "${opts[@]}" -D "$tree" -b
booted 1 1
# 20 s on a quiet host; a host busy with twice as many runnable tasks as CPUs gets 60 s.
bound=20
if awk -v n="$(nproc)" '{ exit !($1 > 2 * n) }' /proc/loadavg; then
        bound=60
        log "load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs: allowing $bound s for the stop"
fi
kill -TERM "$NSBOOT_PID"
start=$SECONDS
nsboot_wait "$bound"
assert_rc 0 "exit status after SIGTERM"
assert_eq 1 "$(count shutdown)" "shutdown lines in the marker"
assert_contains "$(output)" "NSBOOT-INIT: shutdown" "the shutdown sequence on the console"
assert_file_contains "$NSBOOT_ERR" "to power" "nsboot's message"
log "stopped in $((SECONDS - start)) s"

log "2. reboot inside: a second boot in the same nsboot, then poweroff inside: exit 0"
nsboot_start "${opts[@]}" -D "$tree" -b
booted 2 1
leader=$(leader_pid "$NSBOOT_PID")
in_guest_cgroup "$leader" "${reboot_cmd[@]}" || true
booted 3 2
kill -0 "$NSBOOT_PID" 2>/dev/null || fail "nsboot exited instead of rebooting the guest"
assert_eq 2 "$(count shutdown)" "shutdown lines after the reboot"
leader2=$(leader_pid "$NSBOOT_PID")
assert_ne "$leader" "$leader2" "the guest's PID 1 after the reboot"
in_guest_cgroup "$leader2" "${poweroff_cmd[@]}" || true
nsboot_wait 30
assert_rc 0 "exit status after poweroff inside"
assert_eq 3 "$(count shutdown)" "shutdown lines after poweroff"
assert_contains "$(grep -c 'Container .* is being rebooted' "$NSBOOT_ERR")" 1 "reboot announced once"
assert_eq "$sys_before" "$(grep ' /sys ' /proc/self/mountinfo)" "the host's /sys after the guest's shutdowns"
