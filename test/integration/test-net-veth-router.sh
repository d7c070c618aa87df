#!/bin/bash
# lxc.net.N.veth.mode = router: the host side joins no bridge; the host routes the guest's address
# (as a single host) and the veth.ipv4.route networks to it and answers ARP on it (proxy_arp), so a
# guest with only a /32 address and a device route reaches the host's address on another interface
# by those routes, and the host reaches the guest. Everything goes with the machine. In a test
# network namespace of our own; it is exactly as before at the end.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

netns_create ns
# The host's own address on another link (a veth pair standing for one; no dummy module needed).
dummy=nsbt$$d
ip -n "$ns" link add "$dummy" type veth peer name "nsbt$$e"
ip -n "$ns" addr add 10.97.1.1/24 dev "$dummy"
ip -n "$ns" link set "$dummy" up
ip -n "$ns" link set "nsbt$$e" up
nsboot_in_netns "$ns"
before=$(net_state "$ns")
routes_before=$(ip -n "$ns" route show)

busybox_tree tree "nsbt$$r"
veth=ve-$(basename "$tree")
cat >"$WORKDIR/router.conf" <<CONF
lxc.net.0.type = veth
lxc.net.0.veth.mode = router
lxc.net.0.flags = up
lxc.net.0.ipv4.address = 10.97.0.2/32
lxc.net.0.ipv4.gateway = dev
lxc.net.0.veth.ipv4.route = 10.97.8.0/24
CONF

boot_sleeping "$tree" --config="$WORKDIR/router.conf"
hside=$(ip -n "$ns" -o link show "$veth") || fail "no host side $veth"
assert_not_contains "$hside" "master " "$veth is on no bridge"
routes=$(ip -n "$ns" route show)
assert_contains "$routes" "10.97.0.2 dev $veth" "host route to the guest's address"
assert_contains "$routes" "10.97.8.0/24 dev $veth" "host route of veth.ipv4.route"
assert_eq 1 "$(in_net "$ns" cat "/proc/sys/net/ipv4/conf/$veth/proxy_arp")" "proxy ARP on $veth"
# The guest: only its /32 and a route on the device; it reaches 10.97.1.1 on the host's dummy.
assert_contains "$(in_guest "$LEADER" ip -o -4 addr show dev eth0)" "inet 10.97.0.2/32" "the guest's address"
guest_ping "$LEADER" 10.97.1.1 || fail "the guest cannot reach the host's 10.97.1.1 by the host's routes"
net_ping "$ns" 10.97.0.2 || fail "the host cannot reach the guest at 10.97.0.2"
poweroff_guest
assert_net_state "$ns" "$before" "after the router guest ended"
assert_eq "$routes_before" "$(ip -n "$ns" route show)" "the host routes went with the veth"

# LXC reads a link in router mode (for gateway auto) and attaches nothing: so does nsboot, and a
# link that is no bridge is no error then.
printf 'lxc.net.0.link = %s\n' "$dummy" >>"$WORKDIR/router.conf"
boot_sleeping "$tree" --config="$WORKDIR/router.conf"
assert_not_contains "$(ip -n "$ns" -o link show "$veth")" "master " "router mode with a link: still on no bridge"
guest_ping "$LEADER" 10.97.1.1 || fail "router mode with a link: the guest cannot reach the host"
poweroff_guest
assert_net_state "$ns" "$before" "after the second router guest ended"
