#!/bin/bash
# A setup that does not end cannot hold nsboot: SIGTERM (and SIGINT) while the container is being
# set up (here a hook that sleeps: pre-mount in the child, pre-start and start-host in nsboot)
# stop it within seconds, with an error, the hook and the child gone and nothing left on the host
# (cgroups, machine records, mounts); in both modes; the teardown's hooks (post-stop) still run to
# their end. And a hostile tree's FIFO where a file mount point belongs (--bind-ro of a file onto
# it) is mounted over, never opened (it blocked the start for good).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

busybox_tree tree
name=$(basename "$tree")
# pre-mount runs in the child, pre-start and start-host in nsboot itself.
for hook in pre-mount pre-start start-host; do
        printf "lxc.hook.%s = /bin/sh -c 'echo hook-sleeps; sleep 1000; echo slept'\n" "$hook" >"$WORKDIR/$hook.conf"
done
for mode in $(userns_modes); do
        for run in "TERM pre-mount" "INT pre-mount" "TERM pre-start" "TERM start-host"; do
                read -r sig hook <<<"$run"
                # shellcheck disable=SC2046 # userns_args prints zero or one word
                nsboot_start -D "$tree" -M "$name" $(userns_args "$mode") --config="$WORKDIR/$hook.conf" /bin/true
                wait_output 'hook-sleeps' 30
                kill -"$sig" "$NSBOOT_PID"
                wait_pid_exit "$NSBOOT_PID" 10 ||
                        fail "nsboot did not stop within 10 s of SIG$sig in its $hook hook ($mode)"
                nsboot_wait 5
                assert_rc 1 "SIG$sig in the $hook hook ($mode)"
                assert_file_contains "$NSBOOT_ERR" "Stopped while" "the reason ($hook, $mode)"
                pgrep -f "sleep 1000" >/dev/null && fail "the $hook hook's sleep outlived nsboot ($mode)"
                assert_file_not_contains "$NSBOOT_OUT" "slept" "the $hook hook was cut short ($mode)"
                assert_file_not_exists "/run/nsboot/machines/$name"
                cg=$(machine_cgroup "$name") && [[ -d $cg ]] && fail "cgroup $cg left ($hook, $mode)"
                mounts_check "after SIG$sig in the $hook hook ($mode)"
        done
done

# The teardown's own hooks still run to their end (a stop request is for the setup): post-stop
# takes its time after the start-host hook was cut short.
printf "lxc.hook.start-host = /bin/sh -c 'echo hook-sleeps; sleep 1000'\nlxc.hook.post-stop = /bin/sh -c 'sleep 1; touch %s'\n" \
        "$WORKDIR/post-stop-ran" >"$WORKDIR/teardown.conf"
nsboot_start -D "$tree" -M "$name" --config="$WORKDIR/teardown.conf" /bin/true
wait_output 'hook-sleeps' 30
kill -TERM "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 15 || fail "nsboot did not stop within 15 s"
nsboot_wait 5
assert_rc 1 "SIGTERM in the start-host hook, post-stop after it"
assert_file_exists "$WORKDIR/post-stop-ran" "the post-stop hook ran to its end after the stop"

mkfifo "$tree/fifo"
echo content >"$WORKDIR/file"
nsboot_run -t 20 -D "$tree" --bind-ro="$WORKDIR/file:/fifo" /bin/cat /fifo
assert_rc 0 "a FIFO as a file's mount point: never opened, mounted over"
assert_eq content "$(tr -d '\r' <"$NSBOOT_OUT")" "the bound file over the FIFO"
exit 0
