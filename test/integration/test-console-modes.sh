#!/bin/bash
# The console modes besides pipe: interactive follows the terminal's window size, also when it
# changes; read-only shows the guest's console but types nothing into it; passive gives the guest a
# pty console, shows nothing of it, and never blocks a guest that writes a lot to it.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree

# Interactive: the window size of nsboot's terminal (the tmux pane), then a changed one.
tmux_start "$NSBOOT" -q -D "$tree" /bin/sh
pane_size() { _tmux display-message -p -t nsboot '#{pane_height} #{pane_width}'; }
size=$(pane_size)
tmux_send 'echo "SIZE=$(stty size)"' Enter
tmux_wait "SIZE=$size\$"
_tmux resize-window -t nsboot -x 100 -y 30
retry 5 sh -c "[ \"\$(timeout 5 tmux -S '$_TMUX_SOCKET' display-message -p -t nsboot '#{pane_width}')\" = 100 ]" ||
        fail "tmux did not resize the window"
size2=$(pane_size)
assert_ne "$size" "$size2" "the pane size after the resize"
tmux_send 'echo "SIZE=$(stty size)"' Enter
tmux_wait "SIZE=$size2\$"
tmux_send 'exit 0' Enter
tmux_wait_exit 20
assert_rc 0
timeout 10 tmux -S "$_TMUX_SOCKET" kill-server 2>/dev/null || true

# Read-only: on a terminal, the guest's output shows, but what is typed does not reach it.
tmux_start "$NSBOOT" -q --console=read-only -D "$tree" -b shell
tmux_wait 'NSBOOT-TEST: ready=1'
tmux_send 'echo "TYPED=$((6 * 7))"' Enter
sleep 2
tmux_screen | grep -q 'TYPED=42' && fail "--console=read-only: typed input reached the guest's shell"
kill -TERM "$NSBOOT_PID"
tmux_wait_exit 20
assert_rc 0 "--console=read-only after SIGTERM"
assert_contains "$(tmux_screen)" "NSBOOT-TEST: tty=/dev/console" "--console=read-only: a pty console"
timeout 10 tmux -S "$_TMUX_SOCKET" kill-server 2>/dev/null || true

# Passive: nothing of the console on nsboot's output; the guest's console is a pty that takes
# whatever is written (nsboot reads and discards it).
nsboot_start -q --console=passive -D "$tree" -b sleep
LEADER=$(leader_pid "$NSBOOT_PID")
assert_eq /dev/console "$(in_guest "$LEADER" readlink /proc/1/fd/1)" "--console=passive: PID 1's output"
in_guest "$LEADER" test -c /dev/console || fail "--console=passive: no /dev/console"
in_guest "$LEADER" sh -c 'echo NSBT-PASSIVE-LINE >/dev/console; head -c 4000000 /dev/zero | tr "\0" x >/dev/console' ||
        fail "--console=passive: writing 4 MB to the console failed or blocked"
kill -TERM "$NSBOOT_PID"
nsboot_wait 30
assert_rc 0 "--console=passive after SIGTERM"
assert_file_not_contains "$NSBOOT_OUT" "NSBOOT-TEST:" "--console=passive: the guest's output reached nsboot's"
assert_file_not_contains "$NSBOOT_OUT" "NSBT-PASSIVE-LINE" "--console=passive: console output on nsboot's stdout"
exit 0
