#!/bin/bash
# Bad network settings in a config file (an unknown link, a bad VLAN ID, a name used twice, a bad
# MAC, a bad address, ...) are refused with exit status 1 and an error that names the file, the
# line and the key, before the guest runs; the test host's links and addresses do not change.
# The same for bad network options on the command line, where they exist already.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

netns_create ns
br=nsbt$$b
parent=nsbt$$m
ip -n "$ns" link add "$br" address 02:00:00:99:04:01 type bridge
ip -n "$ns" addr add 10.99.4.1/24 dev "$br"
ip -n "$ns" link set "$br" up
ip -n "$ns" link add "$parent" type veth peer name "nsbt$$q"
ip -n "$ns" link set "$parent" up
nsboot_in_netns "$ns"
before=$(net_state "$ns")
none=nsbt$$none

busybox_tree tree "nsbt$$a"
conf=$WORKDIR/net.conf

# refused WHAT NEEDLE -- LINES...: a config file of LINES must be refused (exit 1, NEEDLE in the
# error, the command never run, the test host unchanged). NEEDLE's @ stands for "$conf:".
# In a subshell, so that every case is tried and all failures are listed.
bad=()
refused() {
        local what=$1 needle=${2//@/$conf:}
        shift 3
        printf '%s\n' "$@" >"$conf"
        if ! (
                nsboot_run -D "$tree" --config="$conf" /bin/echo STARTED
                assert_rc 1 "$what"
                assert_file_contains "$NSBOOT_ERR" "$needle" "$what: error message"
                assert_file_not_contains "$NSBOOT_OUT" STARTED "$what: the guest ran"
                assert_net_state "$ns" "$before" "$what"
        ); then
                bad+=("$what")
        fi
        _RUN_SEQ=$((_RUN_SEQ + 1))
}

# Links that do not exist on the test host: the key naming them, at its line.
refused "macvlan on a missing link"   "@2: lxc.net.0.link" -- \
        "lxc.net.0.type = macvlan" "lxc.net.0.link = $none"
refused "veth on a missing bridge"    "@2: lxc.net.0.link" -- \
        "lxc.net.0.type = veth" "lxc.net.0.link = $none" "lxc.net.0.ipv4.address = 10.99.4.2/24"
refused "phys of a missing interface" "@3: lxc.net.0.link" -- \
        "lxc.net.0.type = phys" "lxc.net.0.name = eth0" "lxc.net.0.link = $none"
refused "second of two on a missing link" "@5: lxc.net.1.link" -- \
        "lxc.net.0.type = veth" "lxc.net.0.link = $br" \
        "lxc.net.1.type = macvlan" "lxc.net.1.name = eth1" "lxc.net.1.link = $none"
refused "veth on a link that is no bridge" "@2: lxc.net.0.link" -- \
        "lxc.net.0.type = veth" "lxc.net.0.link = $parent"

# VLAN IDs (checked before the kernel is asked, so also where there is no 8021q).
refused "VLAN ID 4095"  "@3: lxc.net.0.vlan.id" -- "lxc.net.0.type = vlan" "lxc.net.0.link = $parent" "lxc.net.0.vlan.id = 4095"
refused "VLAN ID -1"    "@3: lxc.net.0.vlan.id" -- "lxc.net.0.type = vlan" "lxc.net.0.link = $parent" "lxc.net.0.vlan.id = -1"
refused "VLAN ID text"  "@3: lxc.net.0.vlan.id" -- "lxc.net.0.type = vlan" "lxc.net.0.link = $parent" "lxc.net.0.vlan.id = five"
refused "VLAN without ID" "lxc.net.0" -- "lxc.net.0.type = vlan" "lxc.net.0.link = $parent"
refused "vlan.id on a veth" "@2: lxc.net.0.vlan.id" -- "lxc.net.0.type = veth" "lxc.net.0.vlan.id = 5"

# The same name twice, given or as the default.
refused "name used twice" "@4: lxc.net.1.name" -- \
        "lxc.net.0.type = veth" "lxc.net.0.name = lan0" "lxc.net.1.type = veth" "lxc.net.1.name = lan0"
refused "name twice among three" "@6: lxc.net.2.name" -- \
        "lxc.net.0.type = veth" "lxc.net.0.name = lan0" "lxc.net.1.type = veth" "lxc.net.1.name = lan1" \
        "lxc.net.2.type = veth" "lxc.net.2.name = lan0"
refused "veth.pair used twice" "@4: lxc.net.1.veth.pair" -- \
        "lxc.net.0.type = veth" "lxc.net.0.veth.pair = nsbt$$v" "lxc.net.1.type = veth" "lxc.net.1.veth.pair = nsbt$$v"
refused "name too long" "@2: lxc.net.0.name" -- "lxc.net.0.type = veth" "lxc.net.0.name = abcdefghijklmnop"
refused "name with a slash" "@2: lxc.net.0.name" -- "lxc.net.0.type = veth" "lxc.net.0.name = a/b"

# MACs.
refused "multicast MAC"  "@2: lxc.net.0.hwaddr" -- "lxc.net.0.type = veth" "lxc.net.0.hwaddr = 01:00:5e:00:00:01"
refused "short MAC"      "@2: lxc.net.0.hwaddr" -- "lxc.net.0.type = veth" "lxc.net.0.hwaddr = 02:00:00:00:00"
refused "MAC with junk"  "@2: lxc.net.0.hwaddr" -- "lxc.net.0.type = veth" "lxc.net.0.hwaddr = 02:zz:00:00:00:01"
refused "MAC all zero"   "@2: lxc.net.0.hwaddr" -- "lxc.net.0.type = veth" "lxc.net.0.hwaddr = 00:00:00:00:00:00"

# Addresses and gateways.
refused "IPv4 octet 300"  "@2: lxc.net.0.ipv4.address" -- "lxc.net.0.type = veth" "lxc.net.0.ipv4.address = 10.99.4.300/24"
refused "IPv4 prefix 33"  "@2: lxc.net.0.ipv4.address" -- "lxc.net.0.type = veth" "lxc.net.0.ipv4.address = 10.99.4.2/33"
refused "IPv4 given as IPv6" "@2: lxc.net.0.ipv4.address" -- "lxc.net.0.type = veth" "lxc.net.0.ipv4.address = fd00::2/64"
refused "IPv6 prefix 129" "@2: lxc.net.0.ipv6.address" -- "lxc.net.0.type = veth" "lxc.net.0.ipv6.address = fd00::2/129"
refused "IPv6 junk"       "@2: lxc.net.0.ipv6.address" -- "lxc.net.0.type = veth" "lxc.net.0.ipv6.address = fd00:::2/64"
refused "IPv4 gateway"    "@3: lxc.net.0.ipv4.gateway" -- "lxc.net.0.type = veth" "lxc.net.0.ipv4.address = 10.99.4.2/24" \
        "lxc.net.0.ipv4.gateway = 10.99.4"
refused "address on none" "@2: lxc.net.0.ipv4.address" -- "lxc.net.0.type = none" "lxc.net.0.ipv4.address = 10.99.4.2/24"

# Other values.
refused "unknown type"    "@1: lxc.net.0.type" -- "lxc.net.0.type = vxlan"
refused "MTU 67"          "@2: lxc.net.0.mtu" -- "lxc.net.0.type = veth" "lxc.net.0.mtu = 67"
refused "MTU 70000"       "@2: lxc.net.0.mtu" -- "lxc.net.0.type = veth" "lxc.net.0.mtu = 70000"
refused "macvlan mode"    "@3: lxc.net.0.macvlan.mode" -- "lxc.net.0.type = macvlan" "lxc.net.0.link = $parent" "lxc.net.0.macvlan.mode = switch"
refused "ipvlan mode"     "@3: lxc.net.0.ipvlan.mode" -- "lxc.net.0.type = ipvlan" "lxc.net.0.link = $parent" "lxc.net.0.ipvlan.mode = l4"
refused "flags"           "@2: lxc.net.0.flags" -- "lxc.net.0.type = veth" "lxc.net.0.flags = down"
refused "unknown subkey"  "@2: lxc.net.0.hwadr" -- "lxc.net.0.type = veth" "lxc.net.0.hwadr = 02:00:00:00:00:01"
refused "index too big"   "@1: lxc.net.99999.type" -- "lxc.net.99999.type = veth"
refused "macvlan without link" "lxc.net.0" -- "lxc.net.0.type = macvlan"
refused "no type"         "lxc.net.0" -- "lxc.net.0.link = $br"

# Command-line options, where they exist already: refused naming the option (and NEEDLE, if
# given), the host unchanged.
# cli_refused WHAT NEEDLE -- OPTION
cli_refused() {
        local what=$1 needle=$2 option=${4%%=*}
        shift 3
        if ! (
                nsboot_run -D "$tree" "$@" /bin/echo STARTED
                assert_rc 1 "$what"
                assert_file_contains "$NSBOOT_ERR" "$option" "$what: error message names the option"
                [[ -z $needle ]] || assert_file_contains "$NSBOOT_ERR" "$needle" "$what: error message"
                assert_file_not_contains "$NSBOOT_OUT" STARTED "$what: the guest ran"
                assert_net_state "$ns" "$before" "$what"
        ); then
                bad+=("$what")
        fi
        _RUN_SEQ=$((_RUN_SEQ + 1))
}
# Short enough for mv-IF and iv-IF to be valid interface names.
short_none=nsbt$$z
cli_refused "--network-bridge to a missing bridge" "$none" -- --network-bridge="$none"
cli_refused "--network-macvlan on a missing link" "$short_none" -- --network-macvlan="$short_none"
cli_refused "--network-macvlan with a bad mode" "switch" -- --network-macvlan="$parent:mv0:switch"
cli_refused "--network-interface of a missing interface" "$none" -- --network-interface="$none"
cli_refused "--network-vlan with ID 4095" "4095" -- --network-vlan="$parent:4095"
cli_refused "--network-vlan without ID" "" -- --network-vlan="$parent"
cli_refused "--network-ipvlan with a bad mode" "l4" -- --network-ipvlan="$parent:iv0:l4"
cli_refused "--network-ipvlan on a missing link" "$short_none" -- --network-ipvlan="$short_none"

((${#bad[@]} == 0)) || fail "${#bad[@]} case(s) failed: $(printf '\n  %s' "${bad[@]}")"
