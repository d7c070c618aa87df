#!/bin/bash
# Each guest has its own clocks: /proc/uptime, sysinfo() (busybox uptime) and CLOCK_BOOTTIME start at
# its start, again after a reboot inside; lxc.time.offset.boot shifts them; --private-time=no shows
# the host's (/proc/uptime then comes from the /proc view); bad offsets are refused naming the key.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[[ -e /proc/self/ns/time ]] || skip "the kernel has no time namespaces"
host_up=$(cut -d. -f1 /proc/uptime)
((host_up > 120)) || skip "the host has been up for less than two minutes"

busybox_tree tree
name=$(basename "$tree")
# An init that reports its uptime, waits 2 s and reboots once, then reports again and powers off.
cat >"$tree/sbin/uptime-init" <<'SH'
#!/bin/sh
echo "uptime=$(cut -d' ' -f1 /proc/uptime) sysinfo=$(uptime)"
if [ -e /rebooted ]; then rm /rebooted; poweroff -f; fi
touch /rebooted
sleep 2
reboot -f
SH
chmod +x "$tree/sbin/uptime-init"
conf=$WORKDIR/time.conf
printf 'lxc.rootfs.path = dir:%s\nlxc.init.cmd = /sbin/uptime-init\n' "$tree" >"$conf"
nsboot_run -q --config="$conf" -M "$name" -b
assert_rc 0
ups=$(output | sed -n 's/^uptime=\([0-9.]*\) .*/\1/p')
assert_eq 2 "$(wc -l <<<"$ups")" "uptime lines over two boots"
for u in $ups; do
        awk -v u="$u" 'BEGIN { exit !(u < 1.5) }' || fail "guest uptime $u s at its start (host: $host_up s)"
done
assert_contains "$(output)" "up 0 min" "sysinfo() uptime (busybox uptime)"

# From the host: its own time namespace, boot-time offset about minus the host's uptime.
boot_sleeping "$tree" -M "$name"
[[ $(readlink "/proc/$LEADER/ns/time") != "$(readlink /proc/self/ns/time)" ]] ||
        fail "the guest's PID 1 is in the host's time namespace"
off=$(awk '$1 == "boottime" { print $2 }' "/proc/$LEADER/timens_offsets")
((off < 0 && -off >= host_up - 5)) || fail "boottime offset '$off' s, host up $host_up s"
poweroff_guest

# Turned off: the host's uptime, or, with the /proc view, the guest's from nsboot's /proc/uptime
# (while CLOCK_BOOTTIME stays the host's). An offset: the host's plus it.
nsboot_run -q -D "$tree" -M "$name" --private-time=no --proc-virtualize=no cut -d. -f1 /proc/uptime
assert_rc 0
(($(output) >= host_up)) || fail "uptime with --private-time=no: $(output), host: $host_up"
nsboot_run -q -D "$tree" -M "$name" --private-time=no /bin/sh -c 'sleep 1; cut -d. -f1 /proc/uptime; grep -c " /proc/uptime " /proc/self/mountinfo'
assert_rc 0
assert_eq "1 1" "$(output | paste -s -d ' ')" "/proc/uptime from the /proc view without a time namespace"
printf 'lxc.rootfs.path = dir:%s\nlxc.time.offset.boot = 2h\n' "$tree" >"$conf"
nsboot_run -q --config="$conf" -M "$name" cut -d. -f1 /proc/uptime
assert_rc 0
(($(output) >= host_up + 7200)) || fail "uptime with lxc.time.offset.boot = 2h: $(output), host: $host_up"

nsboot_run -q --config="$conf" -M "$name" --private-time=no /bin/true
assert_rc 1
assert_file_contains "$NSBOOT_ERR" "lxc.time.offset.* need a time namespace" "offsets without a time namespace"
printf 'lxc.rootfs.path = dir:%s\nlxc.time.offset.monotonic = 5 parsecs\n' "$tree" >"$conf"
nsboot_run -q --config="$conf" -M "$name" /bin/true
assert_rc 1
assert_file_contains "$NSBOOT_ERR" "lxc.time.offset.monotonic: invalid value '5 parsecs'" "a bad offset is named"
exit 0
