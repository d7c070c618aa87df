#!/bin/bash
# --network-zone: machines in one zone share the bridge vz-ZONE, made by the first and removed with
# the last; --network-veth-extra names both ends; gateway auto is the host's address on the link.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

netns_create ns
ip -n "$ns" link add br0 type bridge
ip -n "$ns" addr add 10.82.0.1/24 dev br0
ip -n "$ns" link set br0 up
nsboot_in_netns "$ns"
links() { ip -n "$ns" -o link | awk -F': ' '{ print $2 }' | cut -d@ -f1 | sort | tr '\n' ' '; }
before=$(links)

busybox_tree a
busybox_tree b
nsboot_start -q -D "$a" --network-zone=lab -b sleep
wait_output '^NSBOOT-TEST: ready=1'
LEADER_A=$(leader_pid "$NSBOOT_PID")
PID_A=$NSBOOT_PID
in_guest "$LEADER_A" ip addr add 10.83.0.1/24 dev host0
ip -n "$ns" link show vz-lab >/dev/null || fail "no zone bridge vz-lab while a machine uses it"
nsboot_start -q -D "$b" --network-zone=lab -b sleep
wait_output '^NSBOOT-TEST: ready=1'
LEADER_B=$(leader_pid "$NSBOOT_PID")
PID_B=$NSBOOT_PID
in_guest "$LEADER_B" ip addr add 10.83.0.2/24 dev host0
# nsboot brings the zone's bridge up (the test does not).
assert_match "$(ip -n "$ns" -o link show vz-lab)" '<[^>]*[<,]UP[,>]' "the zone bridge vz-lab is up"
in_guest "$LEADER_B" ping -c 2 -W 2 10.83.0.1 >/dev/null || fail "two machines in one zone cannot reach each other"
kill -TERM "$PID_A"
wait_pid_exit "$PID_A" 30 || fail "machine a did not power off"
ip -n "$ns" link show vz-lab >/dev/null || fail "the zone bridge went away while machine b still uses it"
kill -TERM "$PID_B"
wait_pid_exit "$PID_B" 30 || fail "machine b did not power off"
ip -n "$ns" link show vz-lab >/dev/null 2>&1 && fail "the zone bridge is left after the last machine"
assert_eq "" "$(find /run/nsboot -name "*vz-lab*")" "files of the zone left under /run/nsboot after the last machine"

# veth-extra names and gateway auto
conf=$WORKDIR/net.conf
printf 'lxc.net.0.type = veth\nlxc.net.0.link = br0\nlxc.net.0.ipv4.address = 10.82.0.5/24\nlxc.net.0.ipv4.gateway = auto\n' >"$conf"
nsboot_run -q -D "$a" --config="$conf" --network-veth-extra=nsbtx$$:inner /bin/sh -c \
        'ip route show default; ls /sys/class/net | tr "\n" " "'
assert_rc 0
assert_contains "$(output)" "default via 10.82.0.1 dev eth0" "gateway auto is br0's address"
assert_contains "$(output)" "inner" "the extra veth's inside name"
assert_eq "$before" "$(links)" "the test host's links after all machines ended"
exit 0
