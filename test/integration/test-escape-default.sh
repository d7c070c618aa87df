#!/bin/bash
# The escape prober (test/fixtures/escape.c) run as the command of a guest in the default mode,
# from a busybox tree on a tmpfs of its own: every attack must be blocked (escape-expect/
# default.txt), and the host's mount table (superblock options of /, /sys, /proc and the tmpfs)
# and global sysctls must be unchanged after each run. The superblock remounts run once more
# without being undone by the prober, so that the host's mount table shows what they did.
# The mount locks: with --read-only, --bind-ro and --inaccessible, none of nsboot's mounts (masks,
# /proc view, read-only binds) can be unmounted, moved or made writable.
# Also: the terminal probes with the caller's terminal as the guest's standard input, and a link
# of the (test) host's network namespace, and the run as PID 2 under nsboot's stub init (-a).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/escape-common.sh
. "$SRCDIR/test/lib/escape-common.sh"

escape_tree
escape_run "default mode" default
escape_run "default mode, remounts kept" default -- --keep remount-root remount-sys
escape_run "default mode, fsconfig kept" default -- --keep fsconfig-root fsconfig-sys
escape_lock_run "default mode, locked mounts" default
# Under -a, PID 1 is nsboot's stub init: a fork of nsboot, whose /proc/1/exe is nsboot's binary.
escape_run "default mode, as PID 2" default -a -- nsboot-exe proc-host-pids inherited-fds
escape_tty_run "default mode, caller's terminal" default
escape_link_run "default mode, host link" default
escape_finish
