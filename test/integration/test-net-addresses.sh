#!/bin/bash
# What nsboot sets on a veth from LXC's keys, as seen in the guest and on the test host: IPv6
# addresses (two of them) and the IPv6 default route, through a router on the link and through a
# link-local one (README's fe80::1); the MTU on both ends of the pair; a hwaddr with x digits (each
# a random hex digit, new at each start, the fixed digits kept). The test host reaches the guest
# over IPv6. All in a test network namespace, which is as before at the end.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

netns_create ns
ip -n "$ns" link add br0 address 02:00:00:00:84:01 type bridge
ip -n "$ns" addr add fd84::1/64 dev br0 nodad
ip -n "$ns" link set br0 up
before=$(net_state "$ns")
nsboot_in_netns "$ns"
busybox_tree tree
pair=nsbt$$v

# conf GATEWAY: the guest's veth on br0.
conf() {
        cat >"$WORKDIR/net.conf" <<EOF
lxc.net.0.type = veth
lxc.net.0.link = br0
lxc.net.0.veth.pair = $pair
lxc.net.0.flags = up
lxc.net.0.mtu = 1400
lxc.net.0.hwaddr = 02:16:3e:xx:xx:x7
lxc.net.0.ipv6.address = fd84::5/64
lxc.net.0.ipv6.address = fd85::5/64
lxc.net.0.ipv6.gateway = $1
EOF
}

macs=()
for gw in fd84::1 fe80::1; do
        conf "$gw"
        boot_sleeping "$tree" --config="$WORKDIR/net.conf"
        addrs=$(in_guest "$LEADER" ip -6 -o addr show dev eth0)
        assert_contains "$addrs" "inet6 fd84::5/64" "first IPv6 address"
        assert_contains "$addrs" "inet6 fd85::5/64" "second IPv6 address"
        assert_match "$(in_guest "$LEADER" ip -6 route show default)" "^default via $gw dev eth0" "IPv6 default route via $gw"
        assert_contains "$(guest_link "$LEADER" eth0)" "mtu 1400" "MTU inside"
        assert_contains "$(ip -n "$ns" -o link show "$pair")" "mtu 1400" "MTU of the host end $pair"
        assert_contains "$(ip -n "$ns" -o link show "$pair")" "master br0" "the host end on br0"
        mac=$(guest_mac "$LEADER" eth0)
        assert_match "$mac" '^02:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]7$' "hwaddr with x digits"
        macs+=("$mac")
        net_ping "$ns" fd84::5 || fail "the test host cannot reach the guest at fd84::5"
        poweroff_guest
        assert_net_state "$ns" "$before" "after the guest with gateway $gw"
done
# 20 random bits: two starts with the same MAC would mean the x digits are not chosen anew.
assert_ne "${macs[0]}" "${macs[1]}" "the MAC of two starts"
exit 0
