#!/bin/bash
# lxc.net.N.l2proxy = 1 on an ipvlan in mode l3s, as LXC runs it: while the guest runs, the test
# host has a proxy neighbour entry on the ipvlan's parent (its "uplink") and a route to the host's
# loopback for each of the guest's IPv4 and IPv6 addresses, and a host on the far side of the
# uplink reaches the guest through them (ARP and NDP answered with the uplink's MAC, ipvlan's l3s
# hook handing the packets to the guest). Entries and routes go at exit; after a SIGKILL, nsboot
# --cleanup removes them, and so does the next start. A route the test host has already for one of
# the addresses is never replaced or shadowed, whatever its metric: the start is refused naming
# it, and that route and nothing else is there afterwards. Only where the kernel has ipvlan (not on the development hosts: test-vm-net
# runs it in the system-tier VM with NSBOOT_TEST_FULL_KERNEL=1, where a missing module fails). All
# in test network namespaces; the sysctls are set only inside them.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

netns_create ns
netns_create lan
up=nsbt$$u
ip -n "$ns" link add "$up" type veth peer name up1 netns "$lan"
if ip -n "$ns" link add link "$up" name "nsbt$$i" type ipvlan mode l3s 2>/dev/null; then
        ip -n "$ns" link del "nsbt$$i"
elif [[ ${NSBOOT_TEST_FULL_KERNEL:-0} == 1 ]]; then
        fail "NSBOOT_TEST_FULL_KERNEL=1, but the kernel makes no ipvlan in mode l3s"
else
        skip "the kernel has no ipvlan (or no mode l3s)"
fi
ip -n "$ns" addr add 10.97.0.254/24 dev "$up"
ip -n "$ns" addr add 2001:db8:97::254/64 dev "$up" nodad
ip -n "$ns" link set "$up" up
ip -n "$lan" addr add 10.97.0.1/24 dev up1
ip -n "$lan" addr add 2001:db8:97::1/64 dev up1 nodad
ip -n "$lan" link set up1 up
in_net "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 "net.ipv6.conf.$up.proxy_ndp=1"
nsboot_in_netns "$ns"

busybox_tree tree "nsbt$$l"
name=$(basename "$tree")
conf=$WORKDIR/l2proxy.conf
cat >"$conf" <<CONF
lxc.net.0.type = ipvlan
lxc.net.0.ipvlan.mode = l3s
lxc.net.0.link = $up
lxc.net.0.flags = up
lxc.net.0.l2proxy = 1
lxc.net.0.ipv4.address = 10.97.0.5/32
lxc.net.0.ipv4.gateway = dev
lxc.net.0.ipv6.address = 2001:db8:97::5/128
lxc.net.0.ipv6.gateway = dev
CONF
proxies() { ip -n "$ns" neigh show proxy; }
# lo_routes: the test host's routes to the guest's two addresses that lead to its loopback.
lo_routes() {
        ip -n "$ns" -4 route show 10.97.0.5/32 | grep -w "dev lo"
        ip -n "$ns" -6 route show 2001:db8:97::5/128 | grep -w "dev lo"
}
routes() { ip -n "$ns" -4 route show; ip -n "$ns" -6 route show; }
before=$(net_state "$ns")
routes_before=$(routes)

boot_sleeping "$tree" --config="$conf"
assert_contains "$(proxies)" "10.97.0.5 dev $up proxy" "IPv4 proxy entry on the uplink"
assert_contains "$(proxies)" "2001:db8:97::5 dev $up proxy" "IPv6 proxy entry on the uplink"
assert_contains "$(lo_routes)" "10.97.0.5 dev lo proto 110" "IPv4 route to the loopback, nsboot's own"
assert_contains "$(lo_routes)" "2001:db8:97::5 dev lo" "IPv6 route to the loopback"
log "the test host's routes to the guest: $(lo_routes | tr '\n' ';')"
guest_link=$(nsenter -t "$LEADER" -n ip -d -o link show eth0)
grep -Eq "ipvlan +mode l3s" <<<"$guest_link" || fail "the guest's eth0 is no ipvlan in mode l3s: $guest_link"
# The far host reaches the guest over IPv4 and IPv6: the uplink answers ARP and NDP for it.
net_ping "$lan" 10.97.0.5 || fail "the host on the uplink cannot reach the guest's IPv4 address"
net_ping "$lan" 2001:db8:97::5 || fail "the host on the uplink cannot reach the guest's IPv6 address"
upmac=$(ip -n "$ns" -o link show "$up" | awk '{ for (i = 1; i < NF; i++) if ($i == "link/ether") print $(i + 1) }')
assert_contains "$(ip -n "$lan" neigh show 10.97.0.5)" "lladdr $upmac" "the uplink answered ARP for the guest"
assert_contains "$(ip -n "$lan" -6 neigh show 2001:db8:97::5)" "lladdr $upmac" "the uplink answered NDP for the guest"
poweroff_guest
assert_eq "" "$(proxies)" "proxy entries after the guest ended"
assert_eq "$routes_before" "$(routes)" "the test host's routes after the guest ended"
assert_net_state "$ns" "$before" "after the guest ended"

# A killed nsboot leaves entries and routes; --cleanup removes them.
nsboot_start -q -D "$tree" --config="$conf" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
assert_contains "$(lo_routes)" "10.97.0.5 dev lo" "the route left by the killed nsboot"
nsboot_run --cleanup -M "$name"
assert_rc 0 "--cleanup"
assert_file_contains "$NSBOOT_ERR" "Removed the loopback route of 10.97.0.5/32"
assert_file_contains "$NSBOOT_ERR" "Removed the loopback route of 2001:db8:97::5/128"
assert_eq "" "$(proxies)" "proxy entries after --cleanup"
assert_eq "$routes_before" "$(routes)" "the test host's routes after --cleanup"
assert_net_state "$ns" "$before" "after --cleanup"

# The same after a SIGKILL and the next start (without l2proxy).
nsboot_start -q -D "$tree" --config="$conf" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
grep -v l2proxy "$conf" >"$WORKDIR/plain.conf"
nsboot_run -q -D "$tree" --config="$WORKDIR/plain.conf" -b poweroff
assert_rc 0 "the next start, without l2proxy"
assert_eq "" "$(proxies)" "proxy entries after the next start"
assert_eq "$routes_before" "$(routes)" "the test host's routes after the next start"

# The test host routes the IPv6 address somewhere already: refused, naming the address; the
# host's route stays as it was, and the IPv4 route and the entries made before it are gone.
ip -n "$ns" -6 route add 2001:db8:97::5/128 dev "$up"
routes_before=$(routes)
nsboot_run -q -D "$tree" --config="$conf" -b poweroff
assert_rc 1 "a start whose address the host routes already"
assert_file_contains "$NSBOOT_ERR" "$conf:5: lxc.net.0.l2proxy on an ipvlan routes 2001:db8:97::5/128 to the host's loopback, but the host has a route for 2001:db8:97::5/128 already"
assert_eq "$routes_before" "$(routes)" "the test host's routes after the refused start"
assert_contains "$(ip -n "$ns" -6 route show 2001:db8:97::5/128)" "dev $up" "the host's own route"
assert_eq "" "$(proxies)" "proxy entries after the refused start"
assert_net_state "$ns" "$before" "after the refused start"
[[ ! -e /run/nsboot/machines/$name.net ]] || fail "a state file is left: $(cat "/run/nsboot/machines/$name.net")"
ip -n "$ns" -6 route del 2001:db8:97::5/128 dev "$up"

# Also a host route of another metric (which the kernel's "exclusive" add would not see).
ip -n "$ns" route add 10.97.0.5/32 dev "$up" metric 50
routes_before=$(routes)
nsboot_run -q -D "$tree" --config="$conf" -b poweroff
assert_rc 1 "a start whose IPv4 address the host routes with another metric"
assert_file_contains "$NSBOOT_ERR" "routes 10.97.0.5/32 to the host's loopback, but the host has a route for 10.97.0.5/32 already"
assert_eq "$routes_before" "$(routes)" "the test host's routes after the second refused start"
assert_eq "" "$(proxies)" "proxy entries after the second refused start"
