#!/bin/bash
# -p/--port and --masquerade through nsboot itself, with the iptables backend (test-net-nat.sh runs
# both backends): a TCP listener in the guest answers on the
# test host's port 8080 (from the host itself, to its own address), a UDP listener in the guest
# gets a datagram sent to the host's port 5353, the guest reaches a second host
# through masquerading, the nat rules exist while the machine runs and are gone afterwards, also
# after nsboot is killed with SIGKILL (the next start removes them). All in test namespaces.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd iptables-legacy-save
netns_create host
netns_create far
ip -n "$host" link add br0 type bridge
ip -n "$host" addr add 10.79.0.1/24 dev br0
ip -n "$host" link set br0 up
ip netns exec "$host" sysctl -qw net.ipv4.ip_forward=1
# A "far" host the guest reaches only through the test host's masquerade.
ip -n "$host" link add up0 type veth peer name up1 netns "$far"
ip -n "$host" addr add 10.80.0.1/24 dev up0
ip -n "$host" link set up0 up
ip -n "$far" addr add 10.80.0.2/24 dev up1
ip -n "$far" link set up1 up

busybox_tree tree
conf=$WORKDIR/net.conf
printf 'lxc.net.0.type = veth\nlxc.net.0.link = br0\nlxc.net.0.ipv4.address = 10.79.0.5/24\nlxc.net.0.ipv4.gateway = 10.79.0.1\n' >"$conf"
nsboot_in_netns "$host"
nat_rules() { ip netns exec "$host" iptables-legacy-save -t nat | grep -c 'nsboot:' || true; }
name=$(basename "$tree")

nsboot_start -q -D "$tree" --config="$conf" --firewall=iptables -p 8080:80 --masquerade -b sleep
wait_output '^NSBOOT-TEST: ready=1'
LEADER=$(leader_pid "$NSBOOT_PID")
assert_eq 3 "$(nat_rules)" "nat rules while running"
in_guest "$LEADER" sh -c 'echo hello-through-8080 | nc -l -p 80 >/dev/null 2>&1 &' || fail "cannot start the listener"
sleep 0.5
answer=$(timeout 10 ip netns exec "$host" busybox nc 10.79.0.1 8080 </dev/null) || true
assert_eq hello-through-8080 "$answer" "the guest's listener through the host's port 8080"
ip netns exec "$far" sh -c 'echo from-far | timeout 10 busybox nc -l -p 9000 >/dev/null 2>&1 &'
sleep 0.5
assert_eq from-far "$(in_guest "$LEADER" sh -c 'timeout 10 nc 10.80.0.2 9000 </dev/null')" "masqueraded to the far host"
poweroff_guest

# UDP: -p udp:5353:53 brings a datagram sent to the test host's port 5353 to port 53 of the guest.
# (The guest's busybox nc has no UDP: the host's python3 listens in the guest's network namespace.)
require_cmd python3
nsboot_start -q -D "$tree" --config="$conf" --firewall=iptables -p udp:5353:53 -b sleep
wait_output '^NSBOOT-TEST: ready=1'
LEADER=$(leader_pid "$NSBOOT_PID")
assert_eq 2 "$(nat_rules)" "nat rules of one udp forward (PREROUTING and OUTPUT)"
timeout 20 nsenter -t "$LEADER" -n python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.79.0.5", 53))
print("listening", flush=True)
data, peer = s.recvfrom(100)
print(data.decode().strip(), flush=True)' >"$WORKDIR/udp.in" 2>&1 &
udp_pid=$!
at_exit "_kill_if_alive $udp_pid"
retry 10 grep -q listening "$WORKDIR/udp.in" || fail "the udp listener did not start: $(cat "$WORKDIR/udp.in")"
for _ in 1 2 3; do
        timeout 5 ip netns exec "$host" bash -c 'echo udp-through-5353 >/dev/udp/10.79.0.1/5353' || true
        wait_pid_exit "$udp_pid" 1 && break
done
assert_eq udp-through-5353 "$(sed -n 2p "$WORKDIR/udp.in")" "the datagram through the host's udp port 5353"
poweroff_guest
assert_eq 0 "$(nat_rules)" "nat rules after the udp machine ended"
assert_eq 0 "$(nat_rules)" "nat rules after the machine ended"

# A killed nsboot leaves its rules; the next start of the machine removes them first.
nsboot_start -q -D "$tree" --config="$conf" --firewall=iptables -p 8080:80 -b sleep
wait_output '^NSBOOT-TEST: ready=1'
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
assert_eq 2 "$(nat_rules)" "rules left by the killed nsboot"
nsboot_run -q -D "$tree" --config="$conf" --firewall=iptables -p 8080:80 /bin/true
assert_rc 0
assert_eq 0 "$(nat_rules)" "leftover rules removed by the next start"
[[ -e /run/nsboot/firewall/$name ]] && fail "the firewall state file is left"

# A port given twice is refused before anything starts.
nsboot_run -q -D "$tree" --config="$conf" -p 8080 -p tcp:8080:81 /bin/true
assert_rc 1
assert_file_contains "$NSBOOT_ERR" "--port: 'tcp:8080:81' is given twice" "clash named"
exit 0
