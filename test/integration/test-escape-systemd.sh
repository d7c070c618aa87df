#!/bin/bash
# The escape prober (test/fixtures/escape.c) as a systemd unit of a booted Debian guest in the
# default mode, from a copy of the Debian test tree on a tmpfs of its own: the same expectations
# as the command (escape-expect/default.txt), with systemd as PID 1 and the prober in a service's
# cgroup; the host's mount table and sysctls unchanged afterwards. The unit writes its report to
# the console and powers the guest off.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/escape-common.sh
. "$SRCDIR/test/lib/escape-common.sh"

src=$("$SRCDIR/test/lib/mktree-debian.sh") || fail "cannot build the Debian tree"
escape_tree_copy "$src"
set_machine_id "$ESCAPE_TREE" fresh
cp "$ESCAPE_EXPECT_DIR/default.txt" "$ESCAPE_TREE/escape-expect.txt"
cat >"$ESCAPE_TREE/etc/systemd/system/nsboot-escape.service" <<'UNIT'
[Unit]
Description=nsboot escape prober
After=basic.target

[Service]
Type=oneshot
ExecStart=/bin/sh -c '/escape --expect-file /escape-expect.txt; echo "ESCAPE-RC=$?"'
ExecStartPost=/bin/systemctl poweroff --no-block
StandardOutput=tty
TTYPath=/dev/console

[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$ESCAPE_TREE/etc/systemd/system/multi-user.target.wants"
ln -sf ../nsboot-escape.service "$ESCAPE_TREE/etc/systemd/system/multi-user.target.wants/"

escape_nsboot "systemd unit" -M "$ESCAPE_NAME" -D "$ESCAPE_TREE" -b
grep -q 'ESCAPE-RC=' "$NSBOOT_OUT" || fail "the unit did not finish (no ESCAPE-RC line)"
escape_print "systemd unit" "$NSBOOT_OUT"
escape_check_report "systemd unit" default "$NSBOOT_OUT"
escape_finish
