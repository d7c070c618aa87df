#!/bin/bash
# --network-namespace-path (lxc.namespace.share.net) and LXC's lxc.namespace.keep / .clone.
# A guest joins a network namespace made with "ip netns add" (by its file), a process's (by PID)
# and another machine's (by name), in both modes: from the host its leader is in that namespace;
# inside, it sees that namespace's links, addresses and /sys/class/net. The namespace is not the
# guest's: its root cannot change a link or an address there, nor a net sysctl, in either mode
# (tried from inside), and after exit the namespace is as it was. keep/clone: which namespaces the
# leader has, seen from the host. Bad values and contradictions are refused naming the option or
# key, a FIFO or file where a namespace file belongs is never opened (no hang), and nothing is left
# behind. An untrusted file (beside the tree) cannot set these keys.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd ip
busybox_tree tree
name=$(basename "$tree")

netns_create ns
ip -n "$ns" link add nsj-a type veth peer name nsj-b
ip -n "$ns" addr add 10.251.7.1/24 dev nsj-a
ip -n "$ns" link set nsj-a up
before=$(net_state "$ns")
ns_ino=$(stat -L -c %i "/run/netns/$ns")

ns_of() { stat -L -c %i "/proc/$1/ns/$2"; }

# What the guest sees of the namespace, and what its root may do there.
probe='ls /sys/class/net | tr "\n" " "; echo
ip -o -4 addr show dev nsj-a | awk "{ print \$4 }"
ip link set nsj-a down 2>/dev/null && echo link-changed
ip addr add 10.251.7.9/24 dev nsj-a 2>/dev/null && echo addr-added
echo 1 >/proc/sys/net/ipv4/ip_forward 2>/dev/null && echo sysctl-written
echo probe-done'
for mode in pick no; do
        nsboot_run -D "$tree" --private-users="$mode" --network-namespace-path="/run/netns/$ns" /bin/sh -c "$probe"
        assert_rc 0 "a command in the joined namespace ($mode)"
        out=$(tr -d '\r' <"$NSBOOT_OUT")
        assert_eq "lo nsj-a nsj-b " "$(sed -n 1p <<<"$out")" "/sys/class/net shows the joined namespace's links ($mode)"
        assert_eq "10.251.7.1/24" "$(sed -n 2p <<<"$out")" "its address ($mode)"
        assert_not_contains "$out" "link-changed" "the guest's root cannot change a link there ($mode)"
        assert_not_contains "$out" "addr-added" "nor add an address ($mode)"
        assert_not_contains "$out" "sysctl-written" "nor write a net sysctl ($mode)"
        assert_contains "$out" "probe-done" "the probe ran ($mode)"
        assert_net_state "$ns" "$before" "after a guest in the namespace ($mode)"

        boot_sleeping "$tree" --private-users="$mode" --network-namespace-path="/run/netns/$ns"
        assert_eq "$ns_ino" "$(ns_of "$LEADER" net)" "the guest's init is in the joined namespace ($mode)"
        assert_ne "$(ns_of $$ uts)" "$(ns_of "$LEADER" uts)" "its other namespaces are its own ($mode)"
        poweroff_guest
done
assert_file_exists "/run/netns/$ns"
assert_net_state "$ns" "$before" "after the guests"

# By PID, from a file: LXC's lxc.namespace.share.net = PID.
nsenter --net="/run/netns/$ns" -- sleep 120 &
holder=$!
at_exit "_kill_if_alive $holder"
holder_in_ns() { [[ $(ns_of "$holder" net) == "$ns_ino" ]]; }
retry 5 holder_in_ns || fail "the holder process did not enter $ns"
printf 'lxc.namespace.share.net = %s\n' "$holder" >"$WORKDIR/pid.conf"
nsboot_run -D "$tree" --config="$WORKDIR/pid.conf" /bin/sh -c 'ls /sys/class/net | tr "\n" " "'
assert_rc 0 "lxc.namespace.share.net = PID"
assert_eq "lo nsj-a nsj-b " "$(tr -d '\r' <"$NSBOOT_OUT")" "the PID's namespace"
# As LXC writes it: a clone list without net, the shared one instead.
printf 'lxc.namespace.clone = mnt pid uts ipc user cgroup\n' >>"$WORKDIR/pid.conf"
nsboot_run -D "$tree" --config="$WORKDIR/pid.conf" /bin/sh -c 'ls /sys/class/net | tr "\n" " "'
assert_rc 0 "lxc.namespace.clone without net and lxc.namespace.share.net"
assert_eq "lo nsj-a nsj-b " "$(tr -d '\r' <"$NSBOOT_OUT")" "the shared namespace with a clone list"
kill "$holder"

# By machine name: a second machine joins the first one's private network.
boot_sleeping "$tree" -M nsj-first --private-network
guest_save first
first_ino=$(ns_of "$LEADER" net)
assert_ne "$(ns_of $$ net)" "$first_ino" "the first machine has a namespace of its own"
busybox_tree tree2
printf 'lxc.namespace.share.net = nsj-first\n' >"$WORKDIR/name.conf"
boot_sleeping "$tree2" --config="$WORKDIR/name.conf"
assert_eq "$first_ino" "$(ns_of "$LEADER" net)" "lxc.namespace.share.net = NAME: the other machine's namespace"
poweroff_guest
guest_use first
poweroff_guest

# A reboot joins what the path names then, as systemd-nspawn opens it again for each boot:
# /run/netns/NAME made anew in between.
netns_create ns2
boot_sleeping "$tree" -M nsj-reboot --network-namespace-path="/run/netns/$ns2"
assert_eq "$(stat -L -c %i "/run/netns/$ns2")" "$(ns_of "$LEADER" net)" "first boot: the namespace of the path"
ip netns del "$ns2"
ip netns add "$ns2"
ip -n "$ns2" link add nsj-new type veth peer name nsj-new2
new_ino=$(stat -L -c %i "/run/netns/$ns2")
old_leader=$LEADER
timeout 20 "$CTL" reboot nsj-reboot || fail "nsbootctl reboot failed"
second_boot() { (($(grep -c '^NSBOOT-TEST: ready=1' "$NSBOOT_OUT") >= 2)); }
retry 30 second_boot || fail "the guest did not come up again after the reboot"
LEADER=$(leader_pid "$NSBOOT_PID")
[[ $LEADER != "$old_leader" ]] || fail "no new init after the reboot"
assert_eq "$new_ino" "$(ns_of "$LEADER" net)" "after the reboot: the namespace the path names now"
in_guest "$LEADER" test -e /sys/class/net/nsj-new || fail "the rebooted guest does not see the new namespace's link"
poweroff_guest

# lxc.namespace.clone and .keep, seen from the host.
conf=$WORKDIR/ns.conf
lxc_ns() {
        printf '%s\n' "$@" >"$conf"
        boot_sleeping "$tree" --config="$conf"
}
lxc_ns 'lxc.namespace.clone = mnt pid uts ipc user cgroup'
assert_eq "$(ns_of $$ net)" "$(ns_of "$LEADER" net)" "clone without net: the host's network"
assert_eq "$(ns_of $$ time)" "$(ns_of "$LEADER" time)" "clone without time: the host's clocks"
assert_ne "$(ns_of $$ user)" "$(ns_of "$LEADER" user)" "clone with user: a user namespace"
assert_file_contains "$NSBOOT_ERR" "lxc.namespace.clone: note: nsboot makes the mount, PID, UTS, IPC and cgroup"
poweroff_guest
lxc_ns 'lxc.namespace.clone = mnt pid net time'
assert_ne "$(ns_of $$ net)" "$(ns_of "$LEADER" net)" "clone with net: a network namespace"
assert_ne "$(ns_of $$ time)" "$(ns_of "$LEADER" time)" "clone with time: a time namespace"
assert_ne "$(ns_of $$ user)" "$(ns_of "$LEADER" user)" "clone without user: still a user namespace"
assert_ne "$(ns_of $$ ipc)" "$(ns_of "$LEADER" ipc)" "clone without ipc: still an IPC namespace"
assert_ne 0 "$(awk '$1 == "Uid:" { print $2 }' "/proc/$LEADER/status")" "the guest's root is not the host's"
poweroff_guest
lxc_ns 'lxc.namespace.keep = user time'
assert_eq "$(ns_of $$ user)" "$(ns_of "$LEADER" user)" "keep = user: no user namespace"
assert_eq 0 "$(awk '$1 == "Uid:" { print $2 }' "/proc/$LEADER/status")" "keep = user: privileged"
assert_eq "$(ns_of $$ time)" "$(ns_of "$LEADER" time)" "keep = time: the host's clocks"
poweroff_guest
lxc_ns 'lxc.namespace.keep = net'
assert_eq "$(ns_of $$ net)" "$(ns_of "$LEADER" net)" "keep = net: the host's network"
poweroff_guest
# --settings=override: the file's clone list (no net) wins over --private-network, and its keep = time
# over --private-time; without override the two contradict each other, an error.
printf 'lxc.namespace.clone = mnt pid\n' >"$conf"
boot_sleeping "$tree" --config="$conf" --settings=override --private-network
assert_eq "$(ns_of $$ net)" "$(ns_of "$LEADER" net)" "override: the file's clone list over --private-network"
poweroff_guest
printf 'lxc.namespace.keep = time\n' >"$conf"
boot_sleeping "$tree" --config="$conf" --settings=override --private-time=yes
assert_eq "$(ns_of $$ time)" "$(ns_of "$LEADER" time)" "override: the file's keep = time over --private-time"
poweroff_guest
printf 'lxc.namespace.clone = mnt pid\n' >"$conf"
assert_refused nsj-bad "without override: --private-network against the file's clone list" \
        "lxc.namespace.clone without net: the machine keeps the host's network, but a network interface or --private-network" \
        -D "$tree" --config="$conf" --private-network /bin/true

# Refused, naming what is wrong, with nothing left behind.
refused() {
        local what=$1 msg=$2
        shift 2
        assert_refused nsj-bad "$what" "$msg" -D "$tree" "$@" /bin/true
}
mkfifo "$WORKDIR/fifo"
refused "a FIFO" "--network-namespace-path=$WORKDIR/fifo: not a namespace file" \
        --network-namespace-path="$WORKDIR/fifo"
refused "a regular file" "--network-namespace-path=/etc/hostname: not a namespace file" \
        --network-namespace-path=/etc/hostname
refused "a user namespace" "--network-namespace-path=/proc/self/ns/user: not a network namespace" \
        --network-namespace-path=/proc/self/ns/user
refused "a missing file" "--network-namespace-path=/run/netns/nsj-none: No such file or directory" \
        --network-namespace-path=/run/netns/nsj-none
refused "no such PID" "--network-namespace-path=999999999: no process with that PID" \
        --network-namespace-path=999999999
refused "no such machine" "--network-namespace-path=nsj-none: no machine of that name runs" \
        --network-namespace-path=nsj-none
refused "a relative path" "--network-namespace-path: invalid value 'netns/x'" --network-namespace-path=netns/x
refused "with -n" "cannot be combined with --private-network or a network interface" \
        --network-namespace-path="/run/netns/$ns" -n
refused "with --private-network" "cannot be combined with --private-network" \
        --network-namespace-path="/run/netns/$ns" --private-network
nsboot_run --check -D "$tree" --network-namespace-path="$WORKDIR/fifo"
assert_rc 1 "--check opens the namespace too"

lxc_refused() {
        local what=$1 msg=$2
        shift 2
        printf '%s\n' "$@" >"$conf"
        refused "$what" "$msg" --config="$conf"
}
lxc_refused "keep = mnt" "$conf:1: lxc.namespace.keep: invalid value 'mnt'" 'lxc.namespace.keep = mnt'
lxc_refused "an unknown namespace" "$conf:1: lxc.namespace.clone: invalid value 'mnt net bogus'" \
        'lxc.namespace.clone = mnt net bogus'
lxc_refused "keep and clone" "lxc.namespace.keep and lxc.namespace.clone both name net" \
        'lxc.namespace.keep = net' 'lxc.namespace.clone = mnt pid net'
lxc_refused "keep = net with an interface" "lxc.namespace.keep = net: the machine keeps the host's network" \
        'lxc.namespace.keep = net' 'lxc.net.0.type = empty'
lxc_refused "clone without net with an interface" "lxc.namespace.clone without net: the machine keeps" \
        'lxc.namespace.clone = mnt pid' 'lxc.net.0.type = veth'
lxc_refused "keep = net and share.net" "lxc.namespace.share.net (--network-namespace-path) joins" \
        'lxc.namespace.keep = net' "lxc.namespace.share.net = /run/netns/$ns"
lxc_refused "keep = user and lxc.idmap" "lxc.namespace.keep = user runs the guest without a user namespace" \
        'lxc.namespace.keep = user' 'lxc.idmap = b 0 1200000 65536'
lxc_refused "share.pid" "$conf:1: lxc.namespace.share.pid: not supported yet" 'lxc.namespace.share.pid = 1'
printf 'lxc.namespace.keep = user\n' >"$conf"
refused "keep = user against -U" "lxc.namespace.keep = user runs the guest without a user namespace" \
        --config="$conf" -U

# An untrusted file (NAME.nsboot beside the tree) may not set them: ignored, with a warning.
for line in "nsboot.network-namespace-path = /run/netns/$ns" "lxc.namespace.share.net = /run/netns/$ns" \
        'lxc.namespace.keep = user' 'lxc.namespace.clone = mnt pid net'; do
        printf '%s\n' "$line" >"$(dirname "$tree")/$name.nsboot"
        nsboot_run -D "$tree" /bin/sh -c 'ls /sys/class/net | tr "\n" " "; id -u'
        assert_rc 0 "untrusted: $line"
        assert_file_contains "$NSBOOT_ERR" "ignored in an untrusted file"
        assert_not_contains "$(tr -d '\r' <"$NSBOOT_OUT")" "nsj-a" "untrusted: not in the namespace ($line)"
done
rm -f "$(dirname "$tree")/$name.nsboot"
assert_net_state "$ns" "$before" "at the end"
log "PASS"
