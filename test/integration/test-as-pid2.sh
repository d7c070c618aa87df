#!/bin/bash
# -a/--as-pid2: the command runs as PID 2 under a stub init, and its exit status is nsboot's. The
# stub passes a stop request on: SIGTERM to nsboot ends the command with SIGTERM (its own exit
# status is nsboot's); a reboot request (nsbootctl reboot) ends it the same way, then the stub
# reboots and the command runs again in the same nsboot. In both user namespace modes.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
name=$(basename "$tree")
cat >"$tree/loop" <<'SH'
#!/bin/sh
trap 'echo got-term; exit 5' TERM
echo "loop-ready pid=$$"
while :; do sleep 0.1; done
SH
chmod 0755 "$tree/loop"
ready_count() { output | grep -c '^loop-ready pid=2$' || true; }
has_ready() { (($(ready_count) >= $1)); }

for userns in pick no; do
        log "--private-users=$userns"
        nsboot_run --private-users="$userns" -a -D "$tree" /sbin/init exit 4
        assert_rc 4
        assert_eq 2 "$(fact pid)" "PID of the command"
        assert_eq 1 "$(fact ppid)" "parent of the command (the stub init)"
        assert_eq 2 "$(fact proc_self)" "/proc/self in the guest"

        nsboot_start --private-users="$userns" -a -D "$tree" /loop
        wait_output '^loop-ready pid=2'
        kill -TERM "$NSBOOT_PID"
        nsboot_wait 15
        assert_rc 5 "exit status of the command after SIGTERM to nsboot"
        assert_contains "$(output)" got-term "the command got SIGTERM from the stub"
        assert_file_contains "$NSBOOT_ERR" "Sending SIGRTMIN+3 to the guest's stub init to power it off"

        nsboot_start --private-users="$userns" -a -D "$tree" /loop
        wait_output '^loop-ready pid=2'
        timeout -k 5 30 "$CTL" reboot "$name" || fail "nsbootctl reboot $name failed"
        retry 30 has_ready 2 || { show_output; fail "the command did not run again after the reboot request"; }
        kill -0 "$NSBOOT_PID" 2>/dev/null || fail "nsboot ended on the reboot request"
        assert_contains "$(output)" got-term "the command got SIGTERM before the reboot"
        kill -TERM "$NSBOOT_PID"
        nsboot_wait 15
        assert_rc 5 "exit status after SIGTERM, after the reboot"
        assert_eq 2 "$(ready_count)" "runs of the command"
done
exit 0
