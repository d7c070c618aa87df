#!/bin/bash
# The Debian tree's console login works on nsboot's interactive console: root logs in without a
# password, gets a shell, and "poweroff" there ends nsboot with 0. (This is what ./demo does.)
# With lxc.tty.max = 2 the guest has /dev/tty1 and /dev/tty2 (its ptys named in container_ttys),
# and systemd runs a getty on each.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

debian_tree tree
name=$(basename "$tree")
mounts_snapshot

echo "lxc.tty.max = 2" >"$WORKDIR/ttys.conf"
tmux_start "$NSBOOT" -D "$tree" --config="$WORKDIR/ttys.conf" -b
tmux_wait "$name login: *\$" 120
tmux_send root Enter
tmux_wait "root@$name:~# *\$" 30
tmux_send 'echo "RESULT=$((6 * 7)) TTY=$(tty)"' Enter
tmux_wait 'RESULT=42 TTY=/dev/' 10

LEADER=$(leader_pid "$NSBOOT_PID")
ttys=$(tr '\0' '\n' <"/proc/$LEADER/environ" | sed -n 's/^container_ttys=//p')
assert_match "$ttys" '^pts/[0-9]+ pts/[0-9]+$' "container_ttys of PID 1"
i=0
for t in $ttys; do
        i=$((i + 1))
        n=${t#pts/}
        assert_eq "$(in_guest "$LEADER" stat -c %t:%T "/dev/pts/$n")" "$(in_guest "$LEADER" stat -c %t:%T "/dev/tty$i")" \
                "/dev/tty$i is pts/$n"
        # Started after the boot finished: give it a moment.
        retry 30 sh -c "[ \"\$(timeout 10 nsenter -t $LEADER -a systemctl is-active container-getty@$n.service)\" = active ]" ||
                fail "no active container-getty@$n.service"
        # container-getty@.service runs "agetty ... -" with the tty as its standard input; it is
        # Type=idle, so agetty may start a few seconds after the unit counts as active.
        retry 30 sh -c "timeout 10 nsenter -t $LEADER -a sh -c 'for p in \$(pgrep -x agetty); do readlink /proc/\$p/fd/0; done' |
                grep -qx /dev/pts/$n" || fail "no agetty on /dev/pts/$n"
done
in_guest "$LEADER" test ! -e /dev/tty3 || fail "/dev/tty3 exists with lxc.tty.max = 2"
tmux_send poweroff Enter
# Usually a few seconds. Seen once in CI: the guest's systemd waited its 90 s stop timeout for the
# login session's scope (the shell had printed its prompt after the poweroff began, and outlived
# SIGTERM and SIGHUP), then killed it and powered off as usual: the guest's own timeout, so it is
# waited for, and said, rather than failed.
started=$SECONDS
tmux_wait_exit 150
((SECONDS - started <= 60)) || log "poweroff took $((SECONDS - started)) s: the guest's session stop timeout"
assert_rc 0 "exit status after poweroff at the root shell"
mounts_check "after poweroff"
