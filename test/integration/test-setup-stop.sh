#!/bin/bash
# A setup that does not end cannot hold nsboot: SIGTERM (and SIGINT) while the container is being
# set up (here a pre-mount hook that sleeps) stop it within seconds, with an error, the child and
# its processes gone and nothing left on the host (cgroups, machine records, mounts); in both
# modes. And a hostile tree's FIFO where a file mount point belongs (--bind-ro of a file onto it)
# fails the start at once instead of blocking it.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

busybox_tree tree
name=$(basename "$tree")
printf "lxc.hook.pre-mount = /bin/sh -c 'echo hook-sleeps; exec sleep 1000'\n" >"$WORKDIR/hook.conf"
for mode in $(userns_modes); do
        for sig in TERM INT; do
                # shellcheck disable=SC2046 # userns_args prints zero or one word
                nsboot_start -D "$tree" -M "$name" $(userns_args "$mode") --config="$WORKDIR/hook.conf" /bin/true
                wait_output 'hook-sleeps' 30
                kill -"$sig" "$NSBOOT_PID"
                wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not stop within 10 s of SIG$sig during setup ($mode)"
                nsboot_wait 5
                assert_rc 1 "SIG$sig during setup ($mode)"
                assert_file_contains "$NSBOOT_ERR" "Stopped while the container was being set up"
                pgrep -f "sleep 1000" >/dev/null && fail "the hook's process outlived nsboot ($mode)"
                assert_file_not_exists "/run/nsboot/machines/$name"
                cg=$(machine_cgroup "$name") && [[ -d $cg ]] && fail "cgroup $cg left ($mode)"
                mounts_check "after SIG$sig during setup ($mode)"
        done
done

mkfifo "$tree/fifo"
echo content >"$WORKDIR/file"
nsboot_run -t 20 -D "$tree" --bind-ro="$WORKDIR/file:/fifo" /bin/true
assert_rc 1 "a FIFO as a file's mount point"
assert_file_contains "$NSBOOT_ERR" "Cannot create mount point '/fifo' in the container: No such device or address"
exit 0
