#!/bin/bash
# The escape prober (test/fixtures/escape.c) in the default mode with --private-network: every
# attack must be blocked (escape-expect/private-network.txt); the guest's own sysfs may be
# remounted, the host's /sys superblock must not change. Host state is checked after each run.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/escape-common.sh
. "$SRCDIR/test/lib/escape-common.sh"

escape_tree
escape_run "private network" private-network --private-network
escape_run "private network, remounts kept" private-network --private-network -- --keep remount-root remount-sys
escape_run "private network, fsconfig kept" private-network --private-network -- --keep fsconfig-root fsconfig-sys
escape_finish
