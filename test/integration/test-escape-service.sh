#!/bin/bash
# The escape prober (test/fixtures/escape.c) as a service of a booted init (busybox init, an
# inittab "once" entry) in the default mode, not as nsboot's command: the same expectations
# (escape-expect/default.txt), and the host's mount table and sysctls unchanged afterwards.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/escape-common.sh
. "$SRCDIR/test/lib/escape-common.sh"

escape_tree
ln -sf /bin/busybox "$ESCAPE_TREE/sbin/init"
cp "$ESCAPE_EXPECT_DIR/default.txt" "$ESCAPE_TREE/escape-expect.txt"
# The report goes to the console (nsboot's standard output): a log file in the tree, open for
# writing, would make the remount of / fail with EBUSY and hide that attack.
cat >"$ESCAPE_TREE/etc/inittab" <<'INITTAB'
::once:/bin/sh -c '/escape --expect-file /escape-expect.txt; echo "ESCAPE-RC=$?"; poweroff'
INITTAB

escape_nsboot "service under init" -M "$ESCAPE_NAME" -D "$ESCAPE_TREE" -b
grep -q 'ESCAPE-RC=' "$NSBOOT_OUT" || { show_output; fail "the service did not finish (no ESCAPE-RC line)"; }
escape_print "service under init" "$NSBOOT_OUT"
escape_check_report "service under init" default "$NSBOOT_OUT"
escape_finish
