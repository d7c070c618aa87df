#!/bin/bash
# The escape prober (test/fixtures/escape.c) in the privileged opt-out (--private-users=no; before
# nsboot had user namespaces that was its only mode): every attack must be blocked except the
# documented exceptions in escape-expect/privileged.txt, each with its reason (nsboot(1),
# SECURITY); nsboot's mounts are locked as in the default mode. Host state is checked after each run; the superblock remounts are run once more
# without being undone by the prober.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/escape-common.sh
. "$SRCDIR/test/lib/escape-common.sh"

opts=()
nsboot_has_option --private-users && opts=(--private-users=no)

escape_tree
escape_run "privileged" privileged "${opts[@]}"
escape_run "privileged, remounts kept" privileged "${opts[@]}" -- --keep remount-root remount-sys
escape_run "privileged, fsconfig kept" privileged "${opts[@]}" -- --keep fsconfig-root fsconfig-sys
escape_lock_run "privileged, locked mounts" privileged "${opts[@]}"
# Under -a, PID 1 is nsboot's stub init: a fork of nsboot, whose /proc/1/exe is nsboot's binary.
escape_run "privileged, as PID 2" privileged "${opts[@]}" -a -- nsboot-exe proc-host-pids inherited-fds
escape_tty_run "privileged, caller's terminal" privileged "${opts[@]}"
escape_finish
