#!/bin/bash
# lxc.net.N.veth.vlan.id and veth.vlan.tagged.id: on a VLAN-aware bridge (vlan_filtering 1) the
# host side of the veth leaves the default VLAN 1 and gets the configured untagged PVID and tagged
# VLANs; the guest on VLAN 10 reaches the test host's port on VLAN 10 (also in test-vm-net.sh, for
# kernels without VLAN filtering here). In a test
# network namespace of our own; it is exactly as before at the end.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd bridge
netns_create ns
br=nsbt$$b
ip -n "$ns" link add "$br" type bridge vlan_filtering 1 2>/dev/null ||
        skip "the kernel has no bridge VLAN filtering (CONFIG_BRIDGE_VLAN_FILTERING); test-vm-net.sh covers it"
ip -n "$ns" link set "$br" up
# The test host on VLAN 10 only: a veth whose bridge end has PVID 10 (no 8021q needed). The guest
# reaches it only if its own port is on VLAN 10 too.
ip -n "$ns" link add "nsbt$$p" type veth peer name "nsbt$$h"
ip -n "$ns" link set "nsbt$$p" master "$br"
in_net "$ns" bridge vlan del dev "nsbt$$p" vid 1
in_net "$ns" bridge vlan add dev "nsbt$$p" vid 10 pvid untagged
ip -n "$ns" addr add 10.96.10.1/24 dev "nsbt$$h"
ip -n "$ns" link set "nsbt$$p" up
ip -n "$ns" link set "nsbt$$h" up
nsboot_in_netns "$ns"
before=$(net_state "$ns")

busybox_tree tree "nsbt$$v"
veth=vb-$(basename "$tree")
cat >"$WORKDIR/vlan.conf" <<CONF
lxc.net.0.type = veth
lxc.net.0.link = $br
lxc.net.0.veth.vlan.id = 10
lxc.net.0.veth.vlan.tagged.id = 20
lxc.net.0.veth.vlan.tagged.id = 30
lxc.net.0.flags = up
lxc.net.0.ipv4.address = 10.96.10.2/24
CONF
boot_sleeping "$tree" --config="$WORKDIR/vlan.conf"
vlans=$(in_net "$ns" bridge vlan show dev "$veth" | tr -s ' \t' ' ')
log "bridge vlan show dev $veth:"$'\n'"$vlans"
grep -qE "(^| )10 PVID Egress Untagged" <<<"$vlans" || fail "VLAN 10 is not the untagged PVID of $veth"
grep -qE "(^| )20( |$)" <<<"$vlans" || fail "no tagged VLAN 20 on $veth"
grep -qE "(^| )30( |$)" <<<"$vlans" || fail "no tagged VLAN 30 on $veth"
! grep -qE "(^| )1 PVID" <<<"$vlans" || fail "$veth is still on the default VLAN 1"
guest_ping "$LEADER" 10.96.10.1 || fail "the guest cannot reach the test host on VLAN 10"
poweroff_guest
assert_net_state "$ns" "$before" "after the guest"

# Bad input: a VID out of range; VLANs without a bridge.
printf 'lxc.net.0.type = veth\nlxc.net.0.link = %s\nlxc.net.0.veth.vlan.id = 4095\n' "$br" >"$WORKDIR/bad.conf"
nsboot_run -D "$tree" --config="$WORKDIR/bad.conf" /bin/true
assert_rc 1 "VID 4095"
assert_file_contains "$NSBOOT_ERR" "bad.conf:3: lxc.net.0.veth.vlan.id: invalid value '4095'" "VID 4095 refused"
printf 'lxc.net.0.type = veth\nlxc.net.0.veth.vlan.id = 10\n' >"$WORKDIR/bad.conf"
nsboot_run -D "$tree" --config="$WORKDIR/bad.conf" /bin/true
assert_rc 1 "VLAN without a bridge"
assert_file_contains "$NSBOOT_ERR" "VLANs of a bridge port need a link" "VLAN without a bridge refused"
assert_net_state "$ns" "$before" "after the refused starts"
