#!/bin/bash
# lxc.net.N.type = phys: a host interface (here one end of a veth pair in a test network namespace,
# with a distinctive name, MTU 1400 and up; the test host sits on the other end) is moved into the
# guest, renamed and configured there, and comes back under its old name with its MTU and up/down
# state: after a poweroff, after SIGKILL of the guest's init, and when a start fails because of a
# second interface whose link does not exist (then the guest never runs).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

netns_create ns
phys=nsbt$$p
wire=nsbt$$w
net=10.99.3
ip -n "$ns" link add "$phys" mtu 1400 type veth peer name "$wire" mtu 1400
ip -n "$ns" addr add "$net.1/24" dev "$wire"
ip -n "$ns" link set "$phys" up
ip -n "$ns" link set "$wire" up
phys_mac=$(ip -n "$ns" -o link show "$phys" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
nsboot_in_netns "$ns"
before=$(net_state "$ns")
assert_contains "$before" "link $phys mtu=1400 up" "set-up of $phys"

busybox_tree tree "nsbt$$a"
cat >"$WORKDIR/phys.conf" <<CONF
lxc.net.0.type = phys
lxc.net.0.link = $phys
lxc.net.0.name = eth0
lxc.net.0.flags = up
lxc.net.0.ipv4.address = $net.2/24
CONF

# boot_phys WHAT: boot with phys.conf; check the interface from inside and from the test host.
boot_phys() {
        local what=$1 l
        boot_sleeping "$tree" --config="$WORKDIR/phys.conf"
        l=$(guest_link "$LEADER" eth0)
        [[ -n $l ]] || fail "$what: no eth0 in the guest"
        assert_match "$l" '<[^>]*[<,]UP[,>]' "$what: eth0 is up"
        assert_contains "$l" "mtu 1400" "$what: eth0 keeps its MTU"
        assert_eq "$phys_mac" "$(guest_mac "$LEADER" eth0)" "$what: eth0 keeps its MAC"
        assert_contains "$(in_guest "$LEADER" ip -o -4 addr show dev eth0)" "inet $net.2/24" "$what: eth0's address"
        assert_eq "" "$(guest_link "$LEADER" "$phys")" "$what: the old name in the guest"
        assert_not_contains "$(net_links "$ns")" "$phys" "$what: $phys still on the test host"
        net_ping "$ns" "$net.2" || fail "$what: the test host cannot ping the guest"
        guest_ping "$LEADER" "$net.1" || fail "$what: the guest cannot ping the test host"
}

# Poweroff.
boot_phys "first start"
poweroff_guest
assert_net_state "$ns" "$before" "after poweroff"

# A MAC given with hwaddr applies inside and is undone when the interface goes back.
cp "$WORKDIR/phys.conf" "$WORKDIR/phys-mac.conf"
echo "lxc.net.0.hwaddr = 02:00:5e:10:20:30" >>"$WORKDIR/phys-mac.conf"
boot_sleeping "$tree" --config="$WORKDIR/phys-mac.conf"
assert_eq 02:00:5e:10:20:30 "$(guest_mac "$LEADER" eth0)" "hwaddr inside"
poweroff_guest
assert_net_state "$ns" "$before" "after poweroff with hwaddr (the old MAC is back)"

# SIGKILL of the guest's init, from the test host: nsboot ends, the interface comes back.
boot_phys "second start"
kill -KILL "$LEADER"
nsboot_wait 30
assert_rc_ne 0 "nsboot's exit status when the guest's init was killed"
assert_net_state "$ns" "$before" "after kill -9 of the guest's init"

# It was down before: it comes back down (and its MTU changed, to see that the old one returns).
ip -n "$ns" link set "$phys" down mtu 1280
down_before=$(net_state "$ns")
boot_sleeping "$tree" --config="$WORKDIR/phys.conf"
assert_match "$(guest_link "$LEADER" eth0)" '<[^>]*[<,]UP[,>]' "flags = up brings a down interface up"
poweroff_guest
assert_net_state "$ns" "$down_before" "a down interface after poweroff"
ip -n "$ns" link set "$phys" mtu 1400 up
assert_net_state "$ns" "$before" "set-up of $phys again"

# A second interface whose link does not exist: the start fails, the guest never runs, and the
# phys interface is where and as it was.
for type in phys macvlan veth; do
        cp "$WORKDIR/phys.conf" "$WORKDIR/bad.conf"
        cat >>"$WORKDIR/bad.conf" <<CONF
lxc.net.1.type = $type
lxc.net.1.link = nsbt$$none
CONF
        nsboot_run -D "$tree" --config="$WORKDIR/bad.conf" /bin/echo STARTED
        assert_rc 1 "second interface ($type) on a missing link"
        assert_file_contains "$NSBOOT_ERR" "nsbt$$none" "the error names the missing link ($type)"
        assert_file_not_contains "$NSBOOT_OUT" "STARTED" "the guest ran although its network failed ($type)"
        assert_net_state "$ns" "$before" "after the failed start ($type on a missing link)"
done

# Failures after the interface was moved in: the host side of a second veth cannot be made (its
# name is taken), or a second interface cannot be configured inside (a macvlan MTU above its
# parent's). The start fails and the interface comes back all the same.
late_failure() {
        local what=$1
        shift
        cp "$WORKDIR/phys.conf" "$WORKDIR/bad.conf"
        printf '%s\n' "$@" >>"$WORKDIR/bad.conf"
        nsboot_run -D "$tree" --config="$WORKDIR/bad.conf" /bin/echo STARTED
        assert_rc 1 "$what"
        assert_file_not_contains "$NSBOOT_OUT" "STARTED" "the guest ran although its network failed ($what)"
        assert_net_state "$ns" "$before" "after the failed start ($what)"
}
late_failure "veth.pair taken" "lxc.net.1.type = veth" "lxc.net.1.veth.pair = $wire"
assert_file_contains "$NSBOOT_ERR" "$wire" "the error names the veth"
late_failure "macvlan MTU above its parent's" "lxc.net.1.type = macvlan" "lxc.net.1.link = $wire" \
        "lxc.net.1.name = eth1" "lxc.net.1.mtu = 9000" "lxc.net.1.flags = up"
assert_file_contains "$NSBOOT_ERR" "eth1" "the error names the interface"

# From the command line: --network-interface=IF keeps the name,
# IF:NAME renames; nothing is configured inside.
boot_sleeping "$tree" --network-interface="$phys"
[[ -n $(guest_link "$LEADER" "$phys") ]] || fail "--network-interface=IF: no $phys in the guest"
assert_not_contains "$(net_links "$ns")" "$phys" "--network-interface=IF: $phys still on the test host"
poweroff_guest
assert_net_state "$ns" "$before" "after --network-interface=IF"
boot_sleeping "$tree" --network-interface="$phys:lan0"
l=$(guest_link "$LEADER" lan0)
[[ -n $l ]] || fail "--network-interface=IF:NAME: no lan0 in the guest"
assert_contains "$l" "mtu 1400" "--network-interface=IF:NAME: MTU"
kill -KILL "$LEADER"
nsboot_wait 30
assert_net_state "$ns" "$before" "after --network-interface=IF:NAME and kill -9 of the init"
