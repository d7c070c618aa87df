#!/bin/bash
# lxc.net.N.veth.n_rxqueues / n_txqueues: the veth is made with that many queues, the guest's end
# with n_rxqueues receive and n_txqueues transmit queues and the host's end the other way round,
# as LXC makes it (seen from inside in /sys and from the host in ip -d link); bad counts are
# refused naming the key. In a test network namespace of our own, as before at the end.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

netns_create ns
nsboot_in_netns "$ns"
before=$(net_state "$ns")
busybox_tree tree "nsbt$$v"
veth=ve-$(basename "$tree")

printf 'lxc.net.0.type = veth\nlxc.net.0.veth.n_rxqueues = 4\nlxc.net.0.veth.n_txqueues = 2\n' >"$WORKDIR/q.conf"
for mode in pick no; do
        boot_sleeping "$tree" --config="$WORKDIR/q.conf" --private-users=$mode
        assert_eq "rx-0 rx-1 rx-2 rx-3 tx-0 tx-1" "$(in_guest "$LEADER" ls /sys/class/net/eth0/queues | xargs)" \
                "the guest's end: 4 receive, 2 transmit queues ($mode)"
        host=$(ip -n "$ns" -d link show "$veth")
        assert_contains "$host" "numtxqueues 4 numrxqueues 2" "the host's end the other way round ($mode)"
        poweroff_guest
        assert_net_state "$ns" "$before" "after the guest ($mode)"
done

nsboot_run --check -D "$tree" --config="$WORKDIR/q.conf"
assert_file_contains "$NSBOOT_OUT" "nsboot.net.0.veth.n_rxqueues = 4" "--check shows the count"

for bad in 0 4097 many; do
        printf 'lxc.net.0.type = veth\nlxc.net.0.veth.n_txqueues = %s\n' "$bad" >"$WORKDIR/bad.conf"
        nsboot_run -D "$tree" --config="$WORKDIR/bad.conf" /bin/true
        assert_rc 1 "n_txqueues = $bad"
        assert_file_contains "$NSBOOT_ERR" "bad.conf:2: lxc.net.0.veth.n_txqueues" "n_txqueues = $bad: file:line and key"
done
printf 'lxc.net.0.type = macvlan\nlxc.net.0.link = lo\nlxc.net.0.veth.n_rxqueues = 2\n' >"$WORKDIR/bad.conf"
nsboot_run -D "$tree" --config="$WORKDIR/bad.conf" /bin/true
assert_rc 1 "queues on a macvlan"
assert_net_state "$ns" "$before" "at the end"
