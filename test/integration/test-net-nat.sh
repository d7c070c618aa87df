#!/bin/bash
# NAT and port forwarding with both firewall backends (--firewall=nftables and --firewall=iptables),
# IPv4 and IPv6, in test network namespaces only:
#
#   "far" netns                    test host netns ($host)                 the guest
#   up1 10.82.0.2/24 fd82::2/64 -- up0 10.82.0.1/24 fd82::1/64
#                                  br0 10.81.0.1/24 fd81::1/64 ------------ eth0 10.81.0.5/24 fd81::5/64
#
# -p tcp:8080:80 brings connections to the test host's port 8080 (from the far host: PREROUTING,
# and from the test host itself: OUTPUT) to a listener in the guest over IPv4 and IPv6;
# --masquerade lets the guest reach the far host, which has no route back, and the far host sees
# the test host's address. The ruleset of the test host (nft list ruleset, iptables-legacy-save
# and ip6tables-legacy-save) is the same after the machine ends as before, also after nsboot is
# killed with SIGKILL and the machine is started again. With a veth in no bridge, -p works from
# the test host's 127.0.0.1 too, and the guest cannot reach the host's loopback services.
# --firewall=auto picks the backend the namespace already uses.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd nft iptables-legacy-save ip6tables-legacy-save iptables-legacy python3
netns_create host
netns_create far
ip -n "$host" link add br0 type bridge
ip -n "$host" addr add 10.81.0.1/24 dev br0
ip -n "$host" addr add fd81::1/64 dev br0 nodad
ip -n "$host" link set br0 up
ip -n "$host" link add up0 type veth peer name up1 netns "$far"
ip -n "$host" addr add 10.82.0.1/24 dev up0
ip -n "$host" addr add fd82::1/64 dev up0 nodad
ip -n "$host" link set up0 up
ip -n "$far" addr add 10.82.0.2/24 dev up1
ip -n "$far" addr add fd82::2/64 dev up1 nodad
ip -n "$far" link set up1 up
in_net "$host" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

busybox_tree tree
name=$(basename "$tree")
conf=$WORKDIR/net.conf
cat >"$conf" <<'CONF'
lxc.net.0.type = veth
lxc.net.0.link = br0
lxc.net.0.ipv4.address = 10.81.0.5/24
lxc.net.0.ipv4.gateway = 10.81.0.1
lxc.net.0.ipv6.address = fd81::5/64
lxc.net.0.ipv6.gateway = fd81::1
CONF
nsboot_in_netns "$host"

# The rules of the test host in every backend, without counters.
ruleset() {
        in_net "$host" nft list ruleset
        in_net "$host" iptables-legacy-save | grep -- '^-A' || true
        in_net "$host" ip6tables-legacy-save | grep -- '^-A' || true
}

# A dual-stack TCP server: answers each connection with "PREFIX PEER-ADDRESS", COUNT times.
cat >"$WORKDIR/server.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[1])))
s.listen(8)
s.settimeout(50)  # a server nobody reaches ends by itself
print("listening", flush=True)
for _ in range(int(sys.argv[3])):
    c, peer = s.accept()
    c.sendall(("%s %s\n" % (sys.argv[2], peer[0].removeprefix("::ffff:"))).encode())
    c.close()
PY
# client ADDR PORT: what the server says, "" when it cannot connect.
cat >"$WORKDIR/client.py" <<'PY'
import socket, sys
try:
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
    print(c.recv(200).decode().strip())
except OSError:
    pass
PY

# serve VAR OUT NSENTER-ARGS PORT PREFIX COUNT: the server in the background, its PID into VAR.
serve() {
        local -n _sv_ret=$1
        local out=$2 target=$3 port=$4 prefix=$5 count=$6
        # shellcheck disable=SC2086 # target is nsenter's namespace options
        timeout -k 5 60 nsenter $target -- python3 "$WORKDIR/server.py" "$port" "$prefix" "$count" >"$out" 2>&1 &
        _sv_ret=$!
        at_exit "_kill_if_alive $_sv_ret"
        retry 10 grep -q listening "$out" || fail "the server on port $port did not start: $(cat "$out")"
}

# expect_answer WHAT EXPECTED NSENTER-ARGS ADDR PORT: the answer through ADDR:PORT, a match of the
# regex EXPECTED, retried for 10 s (a guest's IPv6 address may still be tentative).
expect_answer() {
        local what=$1 expected=$2 target=$3 addr=$4 port=$5 got="" deadline=$((SECONDS + 10))
        while ((SECONDS < deadline)); do
                # shellcheck disable=SC2086
                got=$(timeout -k 2 8 nsenter $target -- python3 "$WORKDIR/client.py" "$addr" "$port") || true
                [[ $got =~ ^$expected$ ]] && return 0
                sleep 0.3
        done
        fail "$what: expected '$expected', got '$got'"
}

for backend in nftables iptables; do
        log "=== backend $backend"
        before=$(ruleset)
        boot_sleeping "$tree" --config="$conf" --firewall="$backend" -p tcp:8080:80 --masquerade
        rules=$(ruleset)
        echo "$rules"
        if [[ $backend == nftables ]]; then
                table=$(in_net "$host" nft list table inet "nsboot-$name") || fail "no table inet nsboot-$name"
                assert_match "$table" 'dnat ip to 10\.81\.0\.5:80'
                assert_match "$table" 'dnat ip6 to \[fd81::5\]:80'
                assert_match "$table" 'ip saddr 10\.81\.0\.0/24 oifname != "[^"]+" masquerade'
                assert_match "$table" 'ip6 saddr fd81::/64 oifname != "[^"]+" masquerade'
                assert_match "$table" 'ip daddr != 127\.0\.0\.0/8'
                assert_not_contains "$(in_net "$host" iptables-legacy-save)" "nsboot:" "iptables rules of the nftables backend"
        else
                assert_eq 3 "$(in_net "$host" iptables-legacy-save -t nat | grep -c "nsboot:$name")" "IPv4 nat rules"
                assert_eq 3 "$(in_net "$host" ip6tables-legacy-save -t nat | grep -c "nsboot:$name")" "IPv6 nat rules"
                assert_match "$(in_net "$host" ip6tables-legacy-save -t nat)" \
                        '-A PREROUTING -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 8080 .*-j DNAT --to-destination \[fd81::5\]:80'
                assert_match "$(in_net "$host" ip6tables-legacy-save -t nat)" '-A POSTROUTING -s fd81::/64 ! -o [^ ]+ .*-j MASQUERADE'
                assert_not_contains "$(in_net "$host" nft list ruleset)" "nsboot" "nft rules of the iptables backend"
        fi
        assert_file_contains "/run/nsboot/firewall/$name" "backend $backend" "the state file names the backend"

        # -p: four connections, from the far host (PREROUTING) and the test host (OUTPUT), both families.
        serve srv "$WORKDIR/guest.out" "-t $LEADER -n" 80 guest 4
        expect_answer "far -> 10.82.0.1:8080" "guest 10.82.0.2" "--net=/run/netns/$far" 10.82.0.1 8080
        expect_answer "far -> [fd82::1]:8080" "guest fd82::2" "--net=/run/netns/$far" fd82::1 8080
        expect_answer "host -> 10.81.0.1:8080" "guest 10.81.0.1" "--net=/run/netns/$host" 10.81.0.1 8080
        expect_answer "host -> [fd81::1]:8080" "guest fd81::1" "--net=/run/netns/$host" fd81::1 8080
        wait_pid_exit "$srv" 10 || fail "the guest's server did not get its four connections"

        # --masquerade: the far host sees the test host's addresses.
        serve far_srv "$WORKDIR/far.out" "--net=/run/netns/$far" 9000 far 2
        expect_answer "guest -> 10.82.0.2:9000" "far 10.82.0.1" "-t $LEADER -n" 10.82.0.2 9000
        expect_answer "guest -> [fd82::2]:9000" "far fd82::1" "-t $LEADER -n" fd82::2 9000
        wait_pid_exit "$far_srv" 10 || fail "the far server did not get its two connections"

        poweroff_guest
        assert_eq "$before" "$(ruleset)" "the ruleset after the $backend machine ended"
        assert_file_not_exists "/run/nsboot/firewall/$name"

        # SIGKILL: the rules stay until the next start of the machine.
        boot_sleeping "$tree" --config="$conf" --firewall="$backend" -p tcp:8080:80 --masquerade
        kill -KILL "$NSBOOT_PID"
        wait_pid_exit "$NSBOOT_PID" 10 || fail "nsboot did not die"
        assert_ne "$before" "$(ruleset)" "rules left by the killed nsboot"
        nsboot_run -D "$tree" --config="$conf" /bin/true
        assert_rc 0
        assert_match "$(cat "$NSBOOT_ERR")" "Removed [0-9]+ $backend rules left behind"
        assert_eq "$before" "$(ruleset)" "the ruleset after the $backend leftovers were repaired"
        assert_file_not_exists "/run/nsboot/firewall/$name"
done

# 127.0.0.1: with a veth in no bridge (router mode: the host routes the guest's /32 to ve-NAME),
# -p works for the host's own connections to 127.0.0.1 too (route_localnet on ve-NAME, 127.0.0.0/8
# masqueraded out of it), while the guest cannot use route_localnet to reach a service bound to the
# host's loopback (the guard rules). The host's own address is on another link.
ip -n "$host" link add lan0 type veth peer name lan1
ip -n "$host" addr add 10.84.0.1/24 dev lan0
ip -n "$host" link set lan0 up
ip -n "$host" link set lan1 up
busybox_tree rtree "nsbt$$r"
rname=$(basename "$rtree")
rconf=$WORKDIR/router.conf
printf 'lxc.net.0.type = veth\nlxc.net.0.veth.mode = router\nlxc.net.0.flags = up\nlxc.net.0.ipv4.address = 10.83.0.5/32\nlxc.net.0.ipv4.gateway = dev\n' >"$rconf"
for backend in nftables iptables; do
        log "=== 127.0.0.1, backend $backend"
        before=$(ruleset)
        boot_sleeping "$rtree" --config="$rconf" --firewall="$backend" -p tcp:8080:80
        assert_eq 1 "$(in_net "$host" cat "/proc/sys/net/ipv4/conf/ve-$rname/route_localnet")" "route_localnet on ve-$rname"
        assert_eq 0 "$(in_net "$host" cat /proc/sys/net/ipv4/conf/lan0/route_localnet)" "route_localnet elsewhere"
        serve srv "$WORKDIR/guest.out" "-t $LEADER -n" 80 guest 2
        expect_answer "host -> 127.0.0.1:8080" "guest 10\.8[0-9.]+" "--net=/run/netns/$host" 127.0.0.1 8080
        expect_answer "host -> 10.84.0.1:8080" "guest 10\.84\.0\.1" "--net=/run/netns/$host" 10.84.0.1 8080
        wait_pid_exit "$srv" 10 || fail "the guest's server did not get its two connections"
        # The guest sends to 127.0.0.77 through eth0 (its own 127/8 route taken away, a static
        # neighbour for the host's side): the host's loopback service must not answer.
        serve lo_srv "$WORKDIR/lo.out" "--net=/run/netns/$host" 9999 host-loopback 1
        mac=$(ip -n "$host" -o link show "ve-$rname" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
        nsenter -t "$LEADER" -n -- sh -c "sysctl -qw net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.eth0.route_localnet=1 &&
                ip route del local 127.0.0.0/8 dev lo table local && ip route add 127.0.0.77/32 dev eth0 &&
                ip neigh replace 127.0.0.77 lladdr $mac dev eth0" || fail "cannot route 127.0.0.77 out of the guest"
        got=$(timeout -k 2 8 nsenter -t "$LEADER" -n -- python3 "$WORKDIR/client.py" 127.0.0.77 9999) || true
        assert_eq "" "$got" "the guest reached the host's 127.0.0.77:9999"
        kill -TERM "$lo_srv" # timeout passes it on to the server
        wait "$lo_srv" 2>/dev/null || true
        poweroff_guest
        assert_eq "$before" "$(ruleset)" "the ruleset after the 127.0.0.1 machine ended ($backend)"
done

# auto: nftables where the namespace has nft tables, iptables where only legacy tables are in use.
in_net "$host" nft add table inet nsbt-marker
boot_sleeping "$tree" --config="$conf" -p 8080
assert_file_contains "/run/nsboot/firewall/$name" "backend nftables" "auto with an nft table present"
poweroff_guest
in_net "$host" nft delete table inet nsbt-marker
in_net "$host" iptables-legacy -w 10 -t nat -A POSTROUTING -s 10.99.0.0/24 -j MASQUERADE
boot_sleeping "$tree" --config="$conf" -p 8080
assert_file_contains "/run/nsboot/firewall/$name" "backend iptables" "auto with legacy tables in use"
poweroff_guest

# A bad backend is refused before anything starts.
nsboot_run -q -D "$tree" --config="$conf" -p 8080 --firewall=ipchains /bin/true
assert_rc 1
assert_file_contains "$NSBOOT_ERR" "firewall" "the option is named"
exit 0
