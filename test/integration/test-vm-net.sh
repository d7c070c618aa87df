#!/bin/bash
# System tier (needs the 8021q and ipvlan modules the host tier lacks): a vlan interface carries
# its tag on the parent (seen in a capture), two guests on different VLAN IDs are isolated from
# each other, an ipvlan guest in l2 mode reaches its peer, the ipvlan modes and isolation are the
# ones configured, and a macvlan on a VLAN of its link (macvlan.vlan) reaches that VLAN and leaves
# no VLAN link behind, and a veth with veth.vlan.id reaches its VLAN on a VLAN-aware bridge; and the
# host tier's test-net-vlan-ipvlan.sh, which the host kernel cannot run (vlan and ipvlan from files
# and options, ipvlan l3s and default modes, the parent's MAC, the test host as before) and
# test-net-l2proxy-ipvlan.sh (l2proxy on an ipvlan in mode l3s: proxy entries and loopback
# routes, reached from the uplink over IPv4 and IPv6, removed after exit and SIGKILL). One VM boot.
# nsboot-test-timeout: 800
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

# Everything the VM needs goes onto its test disk (mounted at /mnt/test there).
vm_prepare
dir=$VM_DIR
vm_add_host_tests test-net-vlan-ipvlan test-net-l2proxy-ipvlan

cat >"$dir/run.sh" <<'EOF'
. ./check-lib.sh
modprobe -a 8021q ipvlan
# Two veth pairs, each a "wire": p0 (the guests' parent) <-> p1 (the peer host side).
ip link add p0 type veth peer name p1 && ip link set p0 up && ip link set p1 up
ip link add q0 type veth peer name q1 && ip link set q0 up && ip link set q1 up
ip link add link p1 name p1.10 type vlan id 10 && ip addr add 10.10.0.1/24 dev p1.10 && ip link set p1.10 up
ip addr add 10.30.0.1/24 dev q1

run() { timeout 60 ./nsboot -q -D tree "$@" </dev/null; }
conf() { printf 'lxc.net.0.type = %s\nlxc.net.0.link = %s\nlxc.net.0.ipv4.address = %s\nlxc.net.0.flags = up\n' "$@"; }

conf vlan p0 10.10.0.2/24 >vlan10.conf; printf 'lxc.net.0.vlan.id = 10\nlxc.net.0.hwaddr = 02:00:00:00:10:02\n' >>vlan10.conf
conf vlan p0 10.10.0.3/24 >vlan20.conf; echo "lxc.net.0.vlan.id = 20" >>vlan20.conf
timeout 60 tcpdump -e -n -i p1 -c 20 vlan >capture.txt 2>tcpdump.err &
# Under emulation tcpdump can take seconds to start: frames sent before it listens are lost.
for _ in $(seq 100); do grep -q "listening on" tcpdump.err && break; sleep 0.2; done
check "vlan 10 guest reaches the peer on VLAN 10" run --config=vlan10.conf -M v10 ping -c 2 -W 2 10.10.0.1
# Unreachable from a guest that did start, on its VLAN 20 link (a guest that never starts proves nothing).
vlan20_isolated() {
        local out rc=0
        out=$(run --config=vlan20.conf -M v20 /bin/sh -c \
                'ip -o addr show dev eth0 | grep -q "inet 10.10.0.3/24" && echo on-vlan-20 &&
                ! ping -c 2 -W 2 10.10.0.1') || rc=$?
        echo "$out"
        [[ $rc == 0 && $out == *on-vlan-20* ]]
}
check "vlan 20 guest cannot reach VLAN 10" vlan20_isolated
check "the CLI spelling --network-vlan works" run -M v10b --network-vlan=p0:10:eth0 /bin/sh -c \
        'ip addr add 10.10.0.4/24 dev eth0 && ping -c 1 -W 2 10.10.0.1'
sleep 1; kill %1 2>/dev/null; wait
cat capture.txt | head -5
check "the guest's frames on the parent carry the 802.1Q tag 10" grep -q "02:00:00:00:10:02 > .*vlan 10," capture.txt
check "nothing left on the parent" sh -c '! ip -o link | grep -q "p0\."'

# lxc.net.N.macvlan.vlan: a macvlan on VLAN 10 of p0, through the p0.10 link nsboot makes and removes.
conf macvlan p0 10.10.0.5/24 >mvvlan.conf; printf 'lxc.net.0.macvlan.vlan = 10\nlxc.net.0.macvlan.mode = bridge\n' >>mvvlan.conf
check "a macvlan on VLAN 10 reaches the peer on VLAN 10" run --config=mvvlan.conf -M mvv ping -c 2 -W 2 10.10.0.1
check "the VLAN link p0.10 nsboot made is gone again" sh -c '! ip -o link show p0.10 2>/dev/null | grep -q .'

conf ipvlan q0 10.30.0.2/24 >ipl2.conf; echo "lxc.net.0.ipvlan.mode = l2" >>ipl2.conf
conf ipvlan q0 10.30.0.3/24 >ipl3.conf; echo "lxc.net.0.ipvlan.mode = l3" >>ipl3.conf
check "ipvlan l2 guest reaches its peer" run --config=ipl2.conf -M ipl2 ping -c 2 -W 2 10.30.0.1
# The mode as the kernel reports it, with the VM's full ip(8) in the running guest's namespace.
ipvlan_mode_is() {
        local conf=$1 mode=$2 isolation=${3:-} pid leader ok=1
        ./nsboot -q -D tree --config="$conf" -M "ipm$mode" sleep 20 </dev/null &
        pid=$!
        for _ in $(seq 50); do leader=$(pgrep -P "$pid") && [ -n "$leader" ] && break; sleep 0.2; done
        # Until the guest has configured eth0 (up, with its address) its settings are not all there.
        for _ in $(seq 50); do
                out=$(nsenter -t "$leader" -n ip -d link show eth0 2>/dev/null) && grep -q "[<,]UP[,>]" <<<"$out" && break
                sleep 0.2
        done
        # (not tee /dev/stderr: reopening the output file would write over its start)
        out=$(nsenter -t "$leader" -n ip -d link show eth0)
        echo "$out"
        grep -q "ipvlan  mode $mode ${isolation}" <<<"$out" && ok=0
        kill "$pid"; wait "$pid"
        return $ok
}
check "ipvlan l2 mode as configured" ipvlan_mode_is ipl2.conf l2
check "ipvlan l3 mode as configured" ipvlan_mode_is ipl3.conf l3
conf ipvlan q0 10.30.0.4/24 >iplp.conf; printf 'lxc.net.0.ipvlan.mode = l2\nlxc.net.0.ipvlan.isolation = private\n' >>iplp.conf
check "ipvlan.isolation = private applied" ipvlan_mode_is iplp.conf l2 private
# lxc.net.N.veth.vlan.id on a VLAN-aware bridge: the guest's port gets PVID 10, where the peer is.
ip link add vb0 type bridge vlan_filtering 1 && ip link set vb0 up
ip link add vp0 type veth peer name vp1 && ip link set vp0 master vb0
bridge vlan del dev vp0 vid 1; bridge vlan add dev vp0 vid 10 pvid untagged
ip addr add 10.40.0.1/24 dev vp1 && ip link set vp0 up && ip link set vp1 up
printf 'lxc.net.0.type = veth\nlxc.net.0.link = vb0\nlxc.net.0.veth.vlan.id = 10\nlxc.net.0.flags = up\nlxc.net.0.ipv4.address = 10.40.0.2/24\n' >bvlan.conf
check "a veth with veth.vlan.id = 10 reaches VLAN 10 of a VLAN-aware bridge" run --config=bvlan.conf -M bvl ping -c 2 -W 2 10.40.0.1
ip link del vp0; ip link del vb0
# The kernel itself makes an l3s ipvlan (so a failure of nsboot's l3s is nsboot's).
check "the kernel makes ipvlan l3s" sh -c 'ip link add link q0 name nsbtl3s type ipvlan mode l3s && ip link del nsbtl3s'
ip link del p0; ip link del q0
check test-net-vlan-ipvlan vm_host_test test-net-vlan-ipvlan
check test-net-l2proxy-ipvlan vm_host_test test-net-l2proxy-ipvlan
checks_done
EOF

rc=0
out=$("$SRCDIR/test/vm/run.sh" --timeout 700 "$dir" 2>&1) || rc=$?
echo "$out"
vm_assert_checks "$out" "$dir/run.sh"
[[ $rc == 0 ]] || fail "the VM network test failed (exit status $rc)"
exit 0
