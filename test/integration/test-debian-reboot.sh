#!/bin/bash
# "systemctl reboot" in a booted Debian guest boots it again in the same nsboot process, with a
# new PID 1 in fresh namespaces; the second boot's poweroff ends nsboot with 0.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

debian_tree tree

# Counts boots in the tree itself, so the count survives the reboot.
cat >"$tree/etc/systemd/system/nsboot-test-boot-count.service" <<'UNIT'
[Unit]
Description=nsboot test: count boots

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'readlink /proc/self/ns/pid >>/var/lib/nsboot-test-boots'

[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$tree/etc/systemd/system/multi-user.target.wants"
ln -s ../nsboot-test-boot-count.service "$tree/etc/systemd/system/multi-user.target.wants/"

nsboot_start -D "$tree" -b
first=$(leader_pid "$NSBOOT_PID" 30)
wait_booted "$first"
assert_no_failed_units "$first"
first_ns=$(readlink "/proc/$first/ns/pid")

in_guest "$first" systemctl reboot || true
wait_pid_exit "$first" 60 || fail "the first boot's PID 1 did not exit after systemctl reboot"
kill -0 "$NSBOOT_PID" 2>/dev/null || { nsboot_wait 1; fail "nsboot exited on reboot"; }

second=$(leader_pid "$NSBOOT_PID" 30)
assert_ne "$first" "$second" "PID 1 of the two boots"
assert_ne "$first_ns" "$(readlink "/proc/$second/ns/pid")" "PID namespace of the two boots"
wait_booted "$second"
assert_no_failed_units "$second"

in_guest "$second" systemctl poweroff || true
nsboot_wait 60
assert_rc 0 "exit status after the second boot's poweroff"
assert_eq 2 "$(sort -u "$tree/var/lib/nsboot-test-boots" | wc -l)" "boots counted in the tree (distinct PID namespaces)"
assert_eq 2 "$(output | grep -c 'Welcome to Debian')" "boots seen on the console"
