#!/bin/bash
# lxc.net.N.l2proxy = 1 on a router-mode veth whose link is the test host's "uplink": while the
# guest runs, the host has proxy neighbour entries for the guest's IPv4 and IPv6 addresses on the
# uplink, and a host on the far side of the uplink reaches the guest's address through them (its
# ARP is answered with the uplink's MAC, the host routes on to the guest). The entries go at exit,
# and after a SIGKILL of nsboot --cleanup removes them. Without forwarding (or proxy_ndp for IPv6)
# on the link the start is refused naming the sysctl, and nothing is left. All in test network
# namespaces; the sysctls are set only inside them.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

netns_create ns
netns_create lan
up=nsbt$$u
ip -n "$ns" link add "$up" type veth peer name up1 netns "$lan"
ip -n "$ns" addr add 10.96.0.254/24 dev "$up"
ip -n "$ns" link set "$up" up
ip -n "$lan" addr add 10.96.0.1/24 dev up1
ip -n "$lan" link set up1 up
nsboot_in_netns "$ns"
before=$(net_state "$ns")

busybox_tree tree "nsbt$$l"
name=$(basename "$tree")
conf=$WORKDIR/l2proxy.conf
cat >"$conf" <<CONF
lxc.net.0.type = veth
lxc.net.0.veth.mode = router
lxc.net.0.link = $up
lxc.net.0.flags = up
lxc.net.0.l2proxy = 1
lxc.net.0.ipv4.address = 10.96.0.5/32
lxc.net.0.ipv4.gateway = dev
lxc.net.0.ipv6.address = 2001:db8:96::5/128
CONF
proxies() { ip -n "$ns" neigh show proxy; }

# Refused, naming the sysctl, while the link does not forward; then while IPv6 lacks proxy_ndp.
in_net "$ns" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
nsboot_run -q -D "$tree" --config="$conf" -b sleep
assert_rc 1 "l2proxy without forwarding"
assert_file_contains "$NSBOOT_ERR" "$conf:5: lxc.net.0.l2proxy requires sysctl net.ipv4.conf.$up.forwarding=1"
assert_file_contains "$NSBOOT_ERR" "requires sysctl net.ipv6.conf.$up.forwarding=1" "the IPv6 sysctl named too"
assert_eq "" "$(proxies)" "proxy entries after the refused start"
assert_net_state "$ns" "$before" "after the refused start"
in_net "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
nsboot_run -q -D "$tree" --config="$conf" -b sleep
assert_rc 1 "l2proxy without proxy_ndp"
assert_file_contains "$NSBOOT_ERR" "lxc.net.0.l2proxy requires sysctl net.ipv6.conf.$up.proxy_ndp=1"
assert_file_not_contains "$NSBOOT_ERR" "forwarding=1" "forwarding is on now"
in_net "$ns" sysctl -qw "net.ipv6.conf.$up.proxy_ndp=1"
before=$(net_state "$ns")

boot_sleeping "$tree" --config="$conf"
assert_contains "$(proxies)" "10.96.0.5 dev $up proxy" "IPv4 proxy entry on the link"
assert_contains "$(proxies)" "2001:db8:96::5 dev $up proxy" "IPv6 proxy entry on the link"
# The far host reaches the guest: its ARP for 10.96.0.5 is answered by the uplink.
net_ping "$lan" 10.96.0.5 || fail "the host on the uplink cannot reach the guest through proxy ARP"
upmac=$(ip -n "$ns" -o link show "$up" | awk '{ for (i = 1; i < NF; i++) if ($i == "link/ether") print $(i + 1) }')
assert_contains "$(ip -n "$lan" neigh show 10.96.0.5)" "lladdr $upmac" "the uplink answered ARP for the guest"
poweroff_guest
assert_eq "" "$(proxies)" "proxy entries after the guest ended"
assert_net_state "$ns" "$before" "after the guest ended"

# A killed nsboot leaves its entries; --cleanup removes them.
nsboot_start -q -D "$tree" --config="$conf" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
assert_contains "$(proxies)" "10.96.0.5 dev $up proxy" "entries left by the killed nsboot"
nsboot_run --cleanup -M "$name"
assert_rc 0 "--cleanup"
assert_file_contains "$NSBOOT_ERR" "Removed the proxy entry for 10.96.0.5 on '$up'"
assert_eq "" "$(proxies)" "proxy entries after --cleanup"
assert_net_state "$ns" "$before" "after --cleanup"

# The same after a SIGKILL and the next start.
nsboot_start -q -D "$tree" --config="$conf" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
sed -i '/l2proxy/d' "$conf"
nsboot_run -q -D "$tree" --config="$conf" -b poweroff
assert_rc 0 "the next start, without l2proxy"
assert_eq "" "$(proxies)" "proxy entries after the next start"

# Where LXC refuses it: an ipvlan not in mode l3s; nsboot refuses a phys too (its link moves in).
printf 'lxc.net.0.type = ipvlan\nlxc.net.0.link = %s\nlxc.net.0.l2proxy = 1\n' "$up" >"$WORKDIR/ipvlan.conf"
nsboot_run -q -D "$tree" --config="$WORKDIR/ipvlan.conf" --check
assert_rc 1 "l2proxy on an ipvlan in mode l2"
assert_file_contains "$NSBOOT_ERR" "lxc.net.0.l2proxy with an ipvlan requires ipvlan.mode = l3s"
printf 'lxc.net.0.type = phys\nlxc.net.0.link = %s\nlxc.net.0.l2proxy = 1\n' "$up" >"$WORKDIR/phys.conf"
nsboot_run -q -D "$tree" --config="$WORKDIR/phys.conf" --check
assert_rc 1 "l2proxy on a phys"
assert_file_contains "$NSBOOT_ERR" "lxc.net.0.l2proxy does not apply to type phys"
exit 0
