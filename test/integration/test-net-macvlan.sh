#!/bin/bash
# lxc.net.N.type = macvlan on a "physical" parent (one end of a veth pair in a test network
# namespace; the test host sits on the other end): two guests in bridge mode reach each other, in
# private mode (the default) they do not, though each reaches the test host; passthru allows one
# macvlan on the parent only: a second guest is refused with an error and leaves nothing behind.
# The test namespace's links and addresses are exactly as before at the end of each part.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

netns_create ns
parent=nsbt$$m # at most 12 characters: mv-PARENT still fits in an interface name
wire=nsbt$$q
net=10.99.2
ip -n "$ns" link add "$parent" type veth peer name "$wire"
ip -n "$ns" addr add "$net.1/24" dev "$wire"
ip -n "$ns" link set "$parent" up
ip -n "$ns" link set "$wire" up
nsboot_in_netns "$ns"
before=$(net_state "$ns")

tree1="" tree2="" g1=() g2=()
busybox_tree tree1 "nsbt$$a"
busybox_tree tree2 "nsbt$$c"

# conf FILE MODE ADDR: a macvlan eth0 on the parent, in MODE (none: the default), with ADDR.
conf() {
        {
                echo "lxc.net.0.type = macvlan"
                echo "lxc.net.0.link = $parent"
                [[ -z $2 ]] || echo "lxc.net.0.macvlan.mode = $2"
                echo "lxc.net.0.flags = up"
                echo "lxc.net.0.ipv4.address = $3/24"
        } >"$1"
}

# macvlan_mode LEADER NAME: the mode of the guest's macvlan NAME, as the kernel reports it.
macvlan_mode() {
        timeout 10 nsenter -t "$1" -n ip -d -o link show "$2" | sed -n 's/.* macvlan mode \([a-z]*\).*/\1/p'
}

# start_pair MODE1 MODE2: boot both guests with these modes (.11 and .12); check each from inside
# and from the test host. Leaves guest 1 in g1, guest 2 current (and in g2).
start_pair() {
        conf "$WORKDIR/g1.conf" "$1" "$net.11"
        conf "$WORKDIR/g2.conf" "$2" "$net.12"
        boot_sleeping "$tree1" --config="$WORKDIR/g1.conf"
        guest_save g1
        boot_sleeping "$tree2" --config="$WORKDIR/g2.conf"
        guest_save g2
        local i leader mode leaders=("${g1[4]}" "${g2[4]}") modes=("${1:-private}" "${2:-private}")
        for i in 1 2; do
                leader=${leaders[i - 1]}
                mode=${modes[i - 1]}
                [[ -n $(guest_link "$leader" eth0) ]] || fail "guest $i: no eth0"
                assert_eq "$mode" "$(macvlan_mode "$leader" eth0)" "guest $i: macvlan mode"
                assert_contains "$(in_guest "$leader" ip -o -4 addr show dev eth0)" "inet $net.1$i/24" "guest $i: address"
                net_ping "$ns" "$net.1$i" || fail "guest $i ($mode): the test host cannot ping it"
                guest_ping "$leader" "$net.1" || fail "guest $i ($mode): it cannot ping the test host"
        done
        # Nothing of the guests' macvlans shows on the test host: they live in the guests.
        assert_eq "$(grep '^link' <<<"$before" | awk '{ print $2 }' | sort)" "$(net_links "$ns")" "links on the test host while both run"
}

# parent_free: true if the parent carries no macvlan (the kernel allows a passthru one only then).
# Checked the moment nsboot has exited: a macvlan left in a guest's dying network namespace still
# holds the parent (and its MAC) until the kernel gets round to it.
parent_free() {
        ip -n "$ns" link add link "$parent" name "nsbt$$t" type macvlan mode passthru 2>/dev/null || return 1
        ip -n "$ns" link del "nsbt$$t"
}

stop_pair() {
        guest_use g2
        poweroff_guest
        guest_use g1
        poweroff_guest
        parent_free || fail "$1: a macvlan of an ended guest is still on $parent after nsboot exited"
        assert_net_state "$ns" "$before" "$1"
}

# Bridge mode: the two guests reach each other through the parent.
start_pair bridge bridge
guest_ping "${g1[4]}" "$net.12" || fail "bridge mode: guest 1 cannot ping guest 2"
guest_ping "${g2[4]}" "$net.11" || fail "bridge mode: guest 2 cannot ping guest 1"
stop_pair "after the bridge-mode guests"
# Started again at once: the same (stable) MAC on the same parent must be free again.
boot_sleeping "$tree1" --config="$WORKDIR/g1.conf"
net_ping "$ns" "$net.11" || fail "restarted guest: the test host cannot ping it"
poweroff_guest
parent_free || fail "after the restarted guest: its macvlan is still on $parent after nsboot exited"
assert_net_state "$ns" "$before" "after the restarted guest"

# Private mode (guest 1 by default, guest 2 explicitly): no traffic between them.
start_pair "" private
if in_guest "${g1[4]}" ping -c 2 -W 1 "$net.12" >/dev/null 2>&1; then
        fail "private mode: guest 1 can ping guest 2"
fi
if in_guest "${g2[4]}" ping -c 2 -W 1 "$net.11" >/dev/null 2>&1; then
        fail "private mode: guest 2 can ping guest 1"
fi
stop_pair "after the private-mode guests"

# Passthru: one macvlan takes the whole parent; a second one on it is refused.
conf "$WORKDIR/p1.conf" passthru "$net.11"
conf "$WORKDIR/p2.conf" passthru "$net.12"
boot_sleeping "$tree1" --config="$WORKDIR/p1.conf"
guest_save g1
assert_eq passthru "$(macvlan_mode "$LEADER" eth0)" "passthru guest: macvlan mode"
net_ping "$ns" "$net.11" || fail "passthru: the test host cannot ping the guest"
during=$(net_state "$ns")
nsboot_run -D "$tree2" --config="$WORKDIR/p2.conf" /bin/echo STARTED
assert_rc 1 "a second passthru macvlan on $parent"
assert_file_contains "$NSBOOT_ERR" "$parent" "the error names the parent"
assert_file_contains "$NSBOOT_ERR" "macvlan" "the error names the macvlan"
assert_file_not_contains "$NSBOOT_OUT" "STARTED" "the refused guest ran its command"
assert_net_state "$ns" "$during" "after the refused second passthru guest"
guest_use g1
net_ping "$ns" "$net.11" || fail "passthru: the first guest lost its link after the refused second one"
poweroff_guest
parent_free || fail "after the passthru guest: its macvlan is still on $parent after nsboot exited"
assert_net_state "$ns" "$before" "after the passthru guest (its MAC was the parent's)"

# From the command line: mv-PARENT in bridge mode by default,
# next to a guest configured by file in bridge mode.
conf "$WORKDIR/g2.conf" bridge "$net.12"
boot_sleeping "$tree1" --network-macvlan="$parent"
guest_save g1
[[ -n $(guest_link "$LEADER" "mv-$parent") ]] || fail "--network-macvlan: no mv-$parent in the guest"
assert_eq bridge "$(macvlan_mode "$LEADER" "mv-$parent")" "--network-macvlan: default mode"
in_guest "$LEADER" ip addr add "$net.11/24" dev "mv-$parent"
in_guest "$LEADER" ip link set "mv-$parent" up
boot_sleeping "$tree2" --config="$WORKDIR/g2.conf"
guest_save g2
guest_ping "$LEADER" "$net.11" || fail "--network-macvlan: the guests cannot reach each other"
net_ping "$ns" "$net.11" || fail "--network-macvlan: the test host cannot ping the guest"
stop_pair "after the --network-macvlan guest"

# NAME and MODE given.
boot_sleeping "$tree1" --network-macvlan="$parent:lan1:private"
assert_eq private "$(macvlan_mode "$LEADER" lan1)" "--network-macvlan=IF:NAME:MODE"
poweroff_guest
parent_free || fail "after the --network-macvlan=IF:NAME:MODE guest: its macvlan is still on $parent"
assert_net_state "$ns" "$before" "after the --network-macvlan=IF:NAME:MODE guest"
