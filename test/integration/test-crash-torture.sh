#!/bin/bash
# Crash recovery under fire: 30 times, nsboot is killed with SIGKILL at a random point in the first
# 3 s of a boot of a machine with a phys interface (a veth end of the test host, MTU 1400, its own
# MAC, up), a veth with a static address and NAT (--masquerade). After each kill, the next start
# of the machine (or, every other time, nsboot --cleanup first) succeeds, and the test host's
# links (names, MTU, up/down, MAC, master), addresses, NAT rules (nftables, the default backend
# here, and iptables), the machine's cgroup, host mounts
# and nsboot's files are exactly as before the first start. Prints the counts.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_cmd ip iptables-legacy-save nft
RUNS=${TORTURE_RUNS:-30}

netns_create ns
phys=nsbt$$p
wire=nsbt$$w
ip -n "$ns" link add "$phys" mtu 1400 type veth peer name "$wire" mtu 1400
ip -n "$ns" link set "$phys" address 02:00:5e:aa:bb:cc up
ip -n "$ns" link set "$wire" up
ip -n "$ns" addr add 10.99.7.1/24 dev "$wire"
nsboot_in_netns "$ns"
busybox_tree tree "nsbt$$t"
name=$(basename "$tree")
cat >"$WORKDIR/m.conf" <<CONF
lxc.net.0.type = phys
lxc.net.0.link = $phys
lxc.net.0.name = wan
lxc.net.0.flags = up
lxc.net.1.type = veth
lxc.net.1.ipv4.address = 10.99.8.2/24
nsboot.masquerade = yes
CONF

# Everything nsboot may leave behind, for this machine, in one text.
host_state() {
        net_state "$ns"
        in_net "$ns" iptables-legacy-save -t nat | grep '^-A' || true
        in_net "$ns" nft list ruleset
        ls -d "$(cgroup2_root)"/machine.slice/machine-"$name".scope 2>/dev/null || true
        ls -d /sys/fs/cgroup/*/machine.slice/machine-"$name".scope 2>/dev/null || true # v1 hierarchies
        grep -F -e "$WORKDIR" -e " /run/nsboot/netns/$name " /proc/self/mountinfo | awk '{ print $5 }' || true
        ls /run/nsboot/netns /run/nsboot/machines /run/nsboot/firewall 2>/dev/null | grep -F "$name" || true
        ls -d "/run/systemd/nspawn/propagate/$name" 2>/dev/null || true
        grep -lF " $name " /run/nsboot/locks/* 2>/dev/null || true
}

# nsboot before 0.2 repairs every machine whose lock file nobody holds, and removes its firewall
# state file: one started by someone else on this host between a kill and our repair takes what our
# repair needs. It finds machines by their lock files, which no nsboot needs to exist: remove ours.
hide_from_old_nsboots() {
        rm -f "/run/nsboot/locks/machine-$name"
}

before=$(host_state)
assert_contains "$before" "link $phys mtu=1400 up master=- mac=02:00:5e:aa:bb:cc" "set-up"
early=0 late=0 repaired=0 cleanups=0
start=$SECONDS
for ((i = 1; i <= RUNS; i++)); do
        # Every other run within the first 300 ms: most of the set-up happens there.
        delay=$((i % 2 ? RANDOM % 300 : RANDOM % 3000))
        nsboot_start -q -D "$tree" --config="$WORKDIR/m.conf" -b sleep
        sleep "$((delay / 1000)).$(printf %03d $((delay % 1000)))"
        if grep -q '^NSBOOT-TEST: ready=1' "$NSBOOT_OUT"; then late=$((late + 1)); else early=$((early + 1)); fi
        kill -KILL "$NSBOOT_PID"
        hide_from_old_nsboots
        wait_pid_exit "$NSBOOT_PID" 10 || fail "run $i: nsboot did not die"
        wait "$NSBOOT_PID" 2>/dev/null || true
        if ((i % 2 == 0)); then
                nsboot_run --cleanup -M "$name"
                assert_rc 0 "run $i: nsboot --cleanup"
                grep -q "Cleaned up after\|Nothing to clean up" "$NSBOOT_ERR" || fail "run $i: --cleanup said nothing"
                cleanups=$((cleanups + 1))
                now=$(host_state)
                [[ $now == "$before" ]] || fail "run $i (killed after ${delay} ms), after --cleanup:"$'\n'"$(diff <(echo "$before") <(echo "$now"))"
        fi
        nsboot_run -D "$tree" --config="$WORKDIR/m.conf" -b poweroff
        assert_rc 0 "run $i (killed after ${delay} ms): the next start"
        grep -q "Cleaned up after" "$NSBOOT_ERR" && repaired=$((repaired + 1))
        now=$(host_state)
        [[ $now == "$before" ]] || fail "run $i (killed after ${delay} ms), after the next start:"$'\n'"$(diff <(echo "$before") <(echo "$now"))"
done
log "RESULT: $RUNS kills of nsboot ($early during setup or boot, $late with the guest up), $cleanups --cleanup runs," \
        "$repaired starts that repaired leftovers; every next start succeeded and the host was as before" \
        "($((SECONDS - start)) s)"
