#!/bin/bash
# lxc.net.N.type = veth with .link = a bridge: the guest gets its own network namespace with the
# inside end (configured name, MAC, address, default route, up); the host side vb-MACHINE is up and
# a port of the bridge while the guest runs, and gone afterwards. Host and guest ping each other,
# and a second guest on the same bridge (default name eth0 and default MAC) pings the first.
# Everything runs in a test network namespace of our own; it is exactly as before at the end.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

netns_create ns
br=nsbt$$b
net=10.99.1
ip -n "$ns" link add "$br" address 02:00:00:99:01:01 type bridge
ip -n "$ns" addr add "$net.1/24" dev "$br"
ip -n "$ns" link set "$br" up
nsboot_in_netns "$ns"
before=$(net_state "$ns")
host_ns=$(stat -L -c %i "/run/netns/$ns")

# Short machine names: vb-NAME (a veth in a bridge, systemd-nspawn's name) and ve-NAME (in none)
# stay within 15 characters, so no hashed name.
tree1="" tree2=""
busybox_tree tree1 "nsbt$$a"
busybox_tree tree2 "nsbt$$c"
name1=$(basename "$tree1")
name2=$(basename "$tree2")
veth1=vb-$name1
veth2=vb-$name2
plain2=ve-$name2

cat >"$WORKDIR/guest1.conf" <<CONF
lxc.net.0.type = veth
lxc.net.0.link = $br
lxc.net.0.name = lan0
lxc.net.0.hwaddr = 02:5e:99:01:00:02
lxc.net.0.flags = up
lxc.net.0.ipv4.address = $net.2/24
lxc.net.0.ipv4.gateway = $net.1
CONF
cat >"$WORKDIR/guest2.conf" <<CONF
lxc.net.0.type = veth
lxc.net.0.link = $br
lxc.net.0.flags = up
lxc.net.0.ipv4.address = $net.3/24
CONF

boot_sleeping "$tree1" --config="$WORKDIR/guest1.conf"
guest_save g1
assert_ne "$host_ns" "$(stat -L -c %i "/proc/$LEADER/ns/net")" "the guest's network namespace"

# Inside: exactly lo and lan0, with the address, MAC and default route configured.
links=$(in_guest "$LEADER" ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | tr '\n' ' ')
assert_eq "lan0 lo " "$links" "links in the guest"
lan0=$(guest_link "$LEADER" lan0)
assert_match "$lan0" '<[^>]*[<,]UP[,>]' "lan0 is up"
assert_eq 02:5e:99:01:00:02 "$(guest_mac "$LEADER" lan0)" "lan0's MAC (lxc.net.0.hwaddr)"
addrs=$(in_guest "$LEADER" ip -o -4 addr show dev lan0)
assert_contains "$addrs" "inet $net.2/24" "lan0's address"
routes=$(in_guest "$LEADER" ip -4 route show)
grep -q "^default via $net.1 dev lan0" <<<"$routes" || fail "no default route via $net.1 in the guest:"$'\n'"$routes"
assert_contains "$routes" "$net.0/24 dev lan0" "subnet route in the guest"

# On the test host: the host side is up and a port of the bridge.
host_links=$(net_links "$ns")
assert_contains "$host_links" "$veth1" "host side $veth1"
hside=$(ip -n "$ns" -o link show "$veth1")
assert_match "$hside" '<[^>]*[<,]UP[,>]' "$veth1 is up"
assert_contains "$hside" "master $br" "$veth1 is a port of $br"
assert_not_contains "$(ip -o link show)" "$veth1" "the host side is in the test netns, not the machine's"

# Traffic both ways; the test host sees the configured MAC.
net_ping "$ns" "$net.2" || fail "the test host cannot ping the guest at $net.2"
guest_ping "$LEADER" "$net.1" || fail "the guest cannot ping the test host at $net.1"
assert_contains "$(ip -n "$ns" neigh show "$net.2")" "lladdr 02:5e:99:01:00:02" "the guest's MAC seen by the host"

# A second guest on the same bridge: eth0, a stable locally administered unicast MAC.
boot_sleeping "$tree2" --config="$WORKDIR/guest2.conf"
assert_eq "eth0 lo " "$(in_guest "$LEADER" ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | tr '\n' ' ')" \
        "links in the second guest (default name)"
mac2=$(guest_mac "$LEADER" eth0)
assert_match "$mac2" '^[0-9a-f]([26ae]):' "default MAC is locally administered and unicast"
assert_contains "$(in_guest "$LEADER" ip -o -4 addr show dev eth0)" "inet $net.3/24" "second guest's address"
assert_contains "$(ip -n "$ns" -o link show "$veth2")" "master $br" "$veth2 is a port of $br"
guest_ping "$LEADER" "$net.2" || fail "the second guest cannot ping the first"
net_ping "$ns" "$net.3" || fail "the test host cannot ping the second guest"

poweroff_guest
assert_not_contains "$(net_links "$ns")" "$veth2" "$veth2 after the second guest ended"
guest_use g1
guest_ping "$LEADER" "$net.1" || fail "the first guest lost its link when the second ended"
poweroff_guest
assert_net_state "$ns" "$before" "after both guests ended"

# The same MAC again on the next start of the second guest (derived from the name, not random).
boot_sleeping "$tree2" --config="$WORKDIR/guest2.conf"
assert_eq "$mac2" "$(guest_mac "$LEADER" eth0)" "default MAC across restarts"
poweroff_guest
assert_net_state "$ns" "$before" "after the second guest's restart"

# The same from the command line: a veth on the bridge, host0
# inside (not configured by nsboot: the guest sets its own address).
boot_sleeping "$tree1" --network-bridge="$br"
assert_contains "$(ip -n "$ns" -o link show "$veth1")" "master $br" "--network-bridge: $veth1 on $br"
[[ -n $(guest_link "$LEADER" host0) ]] || fail "--network-bridge: no host0 in the guest"
in_guest "$LEADER" ip addr add "$net.4/24" dev host0
in_guest "$LEADER" ip link set host0 up
guest_ping "$LEADER" "$net.1" || fail "--network-bridge: the guest cannot ping the test host"
poweroff_guest
assert_net_state "$ns" "$before" "after the --network-bridge guest ended"

# -n: a veth pair on no bridge, ve-MACHINE on the test host, host0 inside.
boot_sleeping "$tree2" -n
hside=$(ip -n "$ns" -o link show "$plain2") || fail "-n: no $plain2 on the test host"
assert_not_contains "$hside" "master " "-n: $plain2 is on no bridge"
[[ -n $(guest_link "$LEADER" host0) ]] || fail "-n: no host0 in the guest"
ip -n "$ns" addr add 10.99.11.1/24 dev "$plain2"
ip -n "$ns" link set "$plain2" up
in_guest "$LEADER" ip addr add 10.99.11.2/24 dev host0
in_guest "$LEADER" ip link set host0 up
net_ping "$ns" 10.99.11.2 || fail "-n: the test host cannot ping the guest over $plain2"
poweroff_guest
assert_net_state "$ns" "$before" "after the -n guest ended"
