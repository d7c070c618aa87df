#!/bin/bash
# lxc.console.logfile / --console-log: the supervisor copies everything the guest writes to its
# console into a host file, in every console mode and in both user namespace modes; the size
# limit holds, with rotation to FILE.1 or by emptying; a stalled terminal stalls the guest, not
# the log or the supervisor; the path is never a symlink, FIFO or directory, and untrusted files
# cannot set it.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd mkfifo
busybox_tree tree
name=$(basename "$tree")
logdir=$WORKDIR/logs
mkdir -p "$logdir"
log=$logdir/console.log

# Boot: the log is exactly what the console showed, created 0600, in both modes.
for mode in pick no; do
        rm -f "$log"
        nsboot_run -D "$tree" -b --private-users=$mode --console-log="$log"
        assert_rc 0 "boot ($mode)"
        assert_file_contains "$log" "NSBOOT-TEST: pid=1" "testinit's output in the log ($mode)"
        cmp -s "$NSBOOT_OUT" "$log" || fail "the log differs from the console output ($mode)"
        assert_eq "600 root" "$(stat -c '%a %U' "$log")" "log created 0600, owned by root ($mode)"
done

# Appends: a second boot adds to the file.
before=$(stat -c %s "$log")
nsboot_run -D "$tree" -b --console-log="$log"
assert_eq $((before * 2)) "$(stat -c %s "$log")" "a second boot appends"

# Every console mode, 4 KiB limit. With rotation: FILE.1 is a full 4 KiB and FILE.1 + FILE is
# the end of the output; without: no FILE.1, the file holds the end of the output.
cmd='i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i + 1)); done; echo END'
for mode in interactive read-only passive pipe; do
        for rotate in yes no; do
                rm -f "$log" "$log.1"
                nsboot_run -D "$tree" --console=$mode --console-log="$log" --console-log-size=4K \
                        --console-log-rotate=$rotate /bin/sh -c "$cmd"
                assert_rc 0 "$mode, rotate=$rotate"
                size=$(stat -c %s "$log")
                ((size > 0 && size <= 4096)) || fail "$mode, rotate=$rotate: log of $size bytes, limit 4096"
                assert_match "$(tail -n 1 "$log" | tr -d '\r')" '^END$' "$mode, rotate=$rotate: the end is in the log"
                if [[ $rotate == yes ]]; then
                        assert_eq 4096 "$(stat -c %s "$log.1")" "$mode: FILE.1 is full"
                        assert_file_contains "$log.1" line2 "$mode: FILE.1 is console output"
                        if [[ $mode != passive ]]; then
                                cat "$log.1" "$log" >"$WORKDIR/joined"
                                tail -c "$(stat -c %s "$WORKDIR/joined")" "$NSBOOT_OUT" | cmp -s - "$WORKDIR/joined" ||
                                        fail "$mode: FILE.1 + FILE is not the end of the console output"
                        fi
                else
                        assert_file_not_exists "$log.1" "$mode: no FILE.1 without rotation"
                fi
        done
done

# Pipe mode: stdout and stderr still reach nsboot's own, the exit status passes, the log has both.
rm -f "$log"
nsboot_run -D "$tree" --console=pipe --console-log="$log" /bin/sh -c 'echo to-out; echo to-err >&2; exit 3'
assert_rc 3 "exit status through the pipes"
assert_eq to-out "$(cat "$NSBOOT_OUT")" "stdout"
assert_file_contains "$NSBOOT_ERR" to-err "stderr"
assert_file_contains "$log" to-out "stdout in the log"
assert_file_contains "$log" to-err "stderr in the log"

# A stalled terminal (a FIFO nobody reads): the guest waits, the log stops growing, nothing spins;
# once the terminal reads again everything arrives, in the log too.
rm -f "$log"
fifo=$WORKDIR/stalled
mkfifo "$fifo"
exec 7<>"$fifo"
_next_output_files
"$NSBOOT" -D "$tree" --console=read-only --console-log="$log" /bin/sh -c \
        'yes 0123456789abcdefghijklmnopqrstuvwxyz | head -n 50000; echo END' </dev/null >"$fifo" 2>"$NSBOOT_ERR" &
pid=$!
at_exit "_kill_if_alive $pid"
sleep 3
a=$(stat -c %s "$log")
sleep 2
b=$(stat -c %s "$log")
assert_eq "$a" "$b" "the log does not grow while the console is stalled"
((a < 1000000)) || fail "log of $a bytes while stalled: the guest did not wait"
cpu=$(awk '{print $14 + $15}' "/proc/$pid/stat")
((cpu < 100)) || fail "the stalled supervisor used $cpu ticks of CPU"
cat <&7 >"$NSBOOT_OUT" &
reader=$!
at_exit "_kill_if_alive $reader"
wait_pid_exit "$pid" 30 || fail "nsboot did not finish once the console was read"
rc=0
wait "$pid" || rc=$?
assert_eq 0 "$rc" "exit status after the stall"
exec 7>&-
kill "$reader" # it holds the FIFO open for writing itself: it never sees EOF
assert_eq $((50000 * 38 + 5)) "$(stat -c %s "$log")" "every line in the log (CRLF)"
assert_match "$(tail -n 1 "$log" | tr -d '\r')" '^END$' "the end in the log"

# Refused paths: a symlink (its target stays untouched), a FIFO (no hang), a directory, a
# relative path, a bad size; each names the key and leaves nothing behind (lib.sh checks).
echo keep >"$WORKDIR/target"
ln -s "$WORKDIR/target" "$logdir/link"
nsboot_run -D "$tree" --console-log="$logdir/link" /bin/true
assert_rc 1 "symlink"
assert_file_contains "$NSBOOT_ERR" "lxc.console.logfile (--console-log): '$logdir/link' is a symbolic link" "symlink named"
assert_eq keep "$(cat "$WORKDIR/target")" "symlink target untouched"
mkfifo "$logdir/fifo"
nsboot_run -t 20 -D "$tree" --console-log="$logdir/fifo" /bin/true
assert_rc 1 "FIFO"
assert_file_contains "$NSBOOT_ERR" "is not a regular file" "FIFO refused"
nsboot_run -D "$tree" --console-log="$logdir" /bin/true
assert_rc 1 "directory"
nsboot_run -D "$tree" --console-log=relative.log /bin/true
assert_rc 1 "relative path"
assert_file_contains "$NSBOOT_ERR" "console-log" "relative path: the option is named"
nsboot_run -D "$tree" --console-log="$log" --console-log-size=lots /bin/true
assert_rc 1 "bad size"
assert_file_contains "$NSBOOT_ERR" "console-log-size" "bad size: the option is named"

# LXC's keys in a config file; beside the tree (untrusted) they are ignored with a warning.
rm -f "$log" "$log.1"
printf 'lxc.console.logfile = %s\nlxc.console.size = 4KB\nlxc.console.rotate = 1\n' "$log" >"$WORKDIR/lxc.conf"
nsboot_run --config="$WORKDIR/lxc.conf" -D "$tree" /bin/sh -c "$cmd"
assert_rc 0 "LXC keys"
assert_eq 4096 "$(stat -c %s "$log.1")" "lxc.console.size and lxc.console.rotate"
rm -f "$log" "$log.1"
printf 'nsboot.console.logfile = %s\n' "$log" >"$WORKDIR/$name.nsboot"
nsboot_run -D "$tree" /bin/echo hello
assert_rc 0 "untrusted file"
assert_file_contains "$NSBOOT_ERR" "nsboot.console.logfile: ignored in an untrusted file" "untrusted key warned about"
assert_file_not_exists "$log" "no log from an untrusted file"
rm -f "$WORKDIR/$name.nsboot"
