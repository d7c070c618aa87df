#!/bin/bash
# lxc.net.N.type = vlan and ipvlan on a "physical" parent (one end of a veth pair in a test
# network namespace; the test host sits on the other end): the guest gets the VLAN (ID, name,
# address; tagged traffic reaches a VLAN of the same ID on the test host) or the ipvlan (mode,
# the parent's MAC, address; l2 mode reachable from the test host). Each part runs only where the
# kernel has the module (8021q, ipvlan: not on the development hosts, but in the system-tier VM);
# with neither, the test is skipped; test-vm-net runs it there with NSBOOT_TEST_FULL_KERNEL=1, where
# a missing module fails. The test namespace is exactly as before at the end.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

netns_create ns
parent=nsbt$$m # at most 12 characters: iv-PARENT still fits in an interface name
wire=nsbt$$q
ip -n "$ns" link add "$parent" type veth peer name "$wire"
ip -n "$ns" link set "$parent" up
ip -n "$ns" link set "$wire" up

# Probe the kernel in the test namespace: a link of each kind, deleted at once.
have_vlan=0
have_ipvlan=0
if ip -n "$ns" link add link "$parent" name "nsbt$$v" type vlan id 2 2>/dev/null; then
        ip -n "$ns" link del "nsbt$$v"
        have_vlan=1
fi
if ip -n "$ns" link add link "$parent" name "nsbt$$i" type ipvlan mode l2 2>/dev/null; then
        ip -n "$ns" link del "nsbt$$i"
        have_ipvlan=1
fi
if [[ ${NSBOOT_TEST_FULL_KERNEL:-0} == 1 ]]; then
        ((have_vlan && have_ipvlan)) || fail "NSBOOT_TEST_FULL_KERNEL=1, but vlan: $have_vlan, ipvlan: $have_ipvlan"
fi
((have_vlan || have_ipvlan)) || skip "the kernel has neither vlan (8021q) nor ipvlan"
((have_vlan)) || log "no vlan (8021q) in this kernel: VLAN part skipped"
((have_ipvlan)) || log "no ipvlan in this kernel: ipvlan part skipped"
nsboot_in_netns "$ns"
busybox_tree tree "nsbt$$a"

# link_details LEADER NAME: "ip -d" of the guest's link NAME, through the host's iproute2 (busybox's
# ip shows no details).
link_details() {
        timeout 10 nsenter -t "$1" -n ip -d -o link show "$2"
}

if ((have_vlan)); then
        # The test host's end of the VLAN: ID 5 on the other end of the wire.
        ip -n "$ns" link add link "$wire" name "nsbt$$w5" type vlan id 5
        ip -n "$ns" addr add 10.99.5.1/24 dev "nsbt$$w5"
        ip -n "$ns" link set "nsbt$$w5" up
        before=$(net_state "$ns")
        cat >"$WORKDIR/vlan.conf" <<CONF
lxc.net.0.type = vlan
lxc.net.0.link = $parent
lxc.net.0.vlan.id = 5
lxc.net.0.name = lan5
lxc.net.0.flags = up
lxc.net.0.ipv4.address = 10.99.5.2/24
CONF
        boot_sleeping "$tree" --config="$WORKDIR/vlan.conf"
        d=$(link_details "$LEADER" lan5) || fail "vlan: no lan5 in the guest"
        assert_match "$d" "vlan protocol 802.1Q id 5([^0-9]|\$)" "vlan: ID"
        assert_match "$d" '<[^>]*[<,]UP[,>]' "vlan: lan5 is up"
        assert_contains "$(in_guest "$LEADER" ip -o -4 addr show dev lan5)" "inet 10.99.5.2/24" "vlan: address"
        net_ping "$ns" 10.99.5.2 || fail "vlan: the test host cannot ping the guest on VLAN 5"
        guest_ping "$LEADER" 10.99.5.1 || fail "vlan: the guest cannot ping the test host on VLAN 5"
        assert_eq "$(grep '^link' <<<"$before" | awk '{ print $2 }' | sort)" "$(net_links "$ns")" \
                "vlan: links on the test host while the guest runs (the VLAN lives in the guest)"
        poweroff_guest
        assert_net_state "$ns" "$before" "after the vlan guest"
        # Started again at once: the same VLAN ID on the same parent must be free again.
        boot_sleeping "$tree" --config="$WORKDIR/vlan.conf"
        poweroff_guest
        assert_net_state "$ns" "$before" "after the restarted vlan guest"

        boot_sleeping "$tree" --network-vlan="$parent:5"
        d=$(link_details "$LEADER" "$parent.5") || fail "--network-vlan=IF:ID: no $parent.5 in the guest"
        assert_match "$d" "vlan protocol 802.1Q id 5([^0-9]|\$)" "--network-vlan=IF:ID: ID"
        poweroff_guest
        boot_sleeping "$tree" --network-vlan="$parent:6:lan6"
        d=$(link_details "$LEADER" lan6) || fail "--network-vlan=IF:ID:NAME: no lan6 in the guest"
        assert_match "$d" "vlan protocol 802.1Q id 6([^0-9]|\$)" "--network-vlan=IF:ID:NAME: ID"
        poweroff_guest
        assert_net_state "$ns" "$before" "after the --network-vlan guests"
        ip -n "$ns" link del "nsbt$$w5"
fi

if ((have_ipvlan)); then
        ip -n "$ns" addr add 10.99.6.1/24 dev "$wire"
        before=$(net_state "$ns")
        parent_mac=$(ip -n "$ns" -o link show "$parent" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
        # ipvlan_conf MODE: an ipvlan eth0 on the parent (no MODE: the default, l3).
        ipvlan_conf() {
                {
                        echo "lxc.net.0.type = ipvlan"
                        echo "lxc.net.0.link = $parent"
                        [[ -z $1 ]] || echo "lxc.net.0.ipvlan.mode = $1"
                        echo "lxc.net.0.flags = up"
                        echo "lxc.net.0.ipv4.address = 10.99.6.2/24"
                } >"$WORKDIR/ipvlan.conf"
        }
        for mode in "" l2 l3s; do
                ipvlan_conf "$mode"
                boot_sleeping "$tree" --config="$WORKDIR/ipvlan.conf"
                d=$(link_details "$LEADER" eth0) || fail "ipvlan ${mode:-default}: no eth0 in the guest"
                assert_match "$d" "ipvlan +mode ${mode:-l3}([^0-9a-z]|\$)" "ipvlan ${mode:-default}: mode"
                assert_eq "$parent_mac" "$(guest_mac "$LEADER" eth0)" "ipvlan ${mode:-default}: the parent's MAC"
                assert_contains "$(in_guest "$LEADER" ip -o -4 addr show dev eth0)" "inet 10.99.6.2/24" \
                        "ipvlan ${mode:-default}: address"
                if [[ $mode == l2 ]]; then
                        net_ping "$ns" 10.99.6.2 || fail "ipvlan l2: the test host cannot ping the guest"
                        guest_ping "$LEADER" 10.99.6.1 || fail "ipvlan l2: the guest cannot ping the test host"
                fi
                poweroff_guest
                assert_net_state "$ns" "$before" "after the ipvlan ${mode:-default} guest"
        done

        boot_sleeping "$tree" --network-ipvlan="$parent"
        d=$(link_details "$LEADER" "iv-$parent") || fail "--network-ipvlan: no iv-$parent in the guest"
        assert_match "$d" "ipvlan +mode l2([^0-9a-z]|\$)" "--network-ipvlan: default mode"
        poweroff_guest
        assert_net_state "$ns" "$before" "after the --network-ipvlan guest"
fi
