#!/bin/bash
# Port forwarding and masquerade rules (src/net/firewall.c) in a network namespace of their own:
#
#   client netns ($NS-cl)        "host" netns ($NS)                 "container" netns ($NS-ct)
#   eth0 192.168.77.2/24 ---- a-cl 192.168.77.1/24
#                                  ve-ct 10.77.0.1/24 ---------------- host0 10.77.0.2/24
#                                  (ip_forward=1, the rules)          (default via 10.77.0.1, nc on :80)
#
# The client reaches the container through host port 8080 (PREROUTING DNAT), the "host" itself too
# (OUTPUT DNAT), the container reaches the client although the client has no route back (masquerade).
# The rules go away exactly (a foreign rule stays), also after a killed nsboot (state file).
# nsboot has no -p option yet, so a small driver built from src/net/firewall.c does what nsboot will.
# Nothing here touches the host's own network namespace or firewall.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd cc ip busybox iptables-legacy iptables-legacy-save
[[ -f $BUILDDIR/libnsboot-core.a ]] || fail "no $BUILDDIR/libnsboot-core.a (BUILDDIR: the build directory of \$NSBOOT)"

NS=nsbt-port-$$
NS_CT=$NS-ct
NS_CL=$NS-cl
STATE_DIR=/run/nsboot/firewall
# Set through namerefs by new_name and bg_in_ns.
m1="" m2="" m3="" hold="" srv_ct="" srv_cl=""

# in_ns NS CMD...: CMD in the network namespace NS only, bounded in time.
in_ns() {
        local ns=$1
        shift
        timeout -k 5 30 nsenter --net="/run/netns/$ns" -- "$@"
}

# connect NS ADDR PORT: what a TCP client in NS receives from ADDR:PORT ("" when it cannot connect).
connect() {
        timeout -k 2 10 nsenter --net="/run/netns/$1" -- busybox nc -w 3 "$2" "$3" </dev/null 2>/dev/null || true
}

nat_rules() {
        in_ns "$NS" iptables-legacy-save -t nat | grep '^-A' || true
}

# bg_in_ns VAR OUT NS CMD...: CMD in the background in NS, output to OUT, PID into VAR; killed at exit.
bg_in_ns() {
        local -n _bg_ret=$1
        local out=$2 ns=$3
        shift 3
        nsenter --net="/run/netns/$ns" -- timeout -k 5 120 "$@" </dev/null >"$out" 2>&1 &
        _bg_ret=$!
        at_exit "_kill_if_alive $_bg_ret"
}

# wait_line PATTERN FILE PID [SECS]: until FILE has a line matching PATTERN, while PID lives.
wait_line() {
        local deadline=$((SECONDS + ${4:-30}))
        until grep -qE -- "$1" "$2" 2>/dev/null; do
                if ! kill -0 "$3" 2>/dev/null || ((SECONDS >= deadline)); then
                        cat "$2"
                        fail "no line matching '$1' in $2"
                fi
                sleep 0.1
        done
}

netns_cleanup() {
        local ns
        for ns in "$NS_CL" "$NS_CT" "$NS"; do
                ip netns delete "$ns" 2>/dev/null
        done
}

# ---------------------------------------------------------------------------------------------
# The driver: what nsboot's parent will do, one step per command.

cat >"$WORKDIR/fwdrv.c" <<'EOF'
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "firewall.h"
#include "log.h"

/* fwdrv cleanup MACHINE
 * fwdrv add MACHINE PORTSPEC ADDR                         (then frees, removing what it added)
 * fwdrv hold|crash MACHINE SUBNET OUTEXCL|- PORTSPEC ADDR (hold: until SIGTERM; crash: _exit) */
int main(int argc, char **argv) {
        Firewall *f = NULL;
        PortForward p;
        sigset_t ss;
        int r, sig;

        if (argc < 3)
                return 2;
        log_set_max_level(LOG_DEBUG);
        if (streq(argv[1], "cleanup")) {
                r = firewall_cleanup_stale(argv[2]);
                printf("removed=%d\n", r);
                return r < 0;
        }
        if (streq(argv[1], "add")) {
                if (argc != 5 || port_forward_parse(argv[3], &p) < 0 || firewall_new(argv[2], FIREWALL_IPTABLES, &f) < 0)
                        return 2;
                r = firewall_add_port_forward(f, &p, argv[4]);
                printf("add=%d\n", r);
                firewall_free(f);
                return r < 0;
        }
        if (argc != 7 || port_forward_parse(argv[5], &p) < 0 || firewall_new(argv[2], FIREWALL_IPTABLES, &f) < 0)
                return 2;
        sigemptyset(&ss);
        sigaddset(&ss, SIGTERM);
        sigprocmask(SIG_BLOCK, &ss, NULL);
        r = firewall_add_masquerade(f, argv[3], streq(argv[4], "-") ? NULL : argv[4]);
        if (r >= 0)
                r = firewall_add_port_forward(f, &p, argv[6]);
        if (r < 0) {
                firewall_free(f);
                return 1;
        }
        if (streq(argv[1], "crash")) {
                printf("added=1\n");
                fflush(stdout);
                _exit(0);
        }
        /* The same forward again, from the same machine: refused. */
        printf("dup=%d\n", firewall_add_port_forward(f, &p, argv[6]));
        printf("ready=1\n");
        fflush(stdout);
        sigwait(&ss, &sig);
        firewall_free(f);
        printf("freed=1\n");
        return 0;
}
EOF
objs=()
# Once firewall.c is part of the core library, link that; until then, compile it here.
ar t "$BUILDDIR/libnsboot-core.a" | grep -q 'firewall\.c\.o$' || objs+=("$SRCDIR/src/net/firewall.c")
includes=(-I "$SRCDIR/src")
for d in "$SRCDIR"/src/*/; do includes+=(-I "$d"); done
cc -std=gnu11 -D_GNU_SOURCE "${includes[@]}" -o "$WORKDIR/fwdrv" "$WORKDIR/fwdrv.c" "${objs[@]}" \
        "$BUILDDIR/libnsboot-core.a" -lip4tc -lip6tc -lnftnl -lmnl -lsystemd -lcap -lnl-3 -lnl-route-3 ||
        fail "cannot build the firewall test driver"
FWDRV=$WORKDIR/fwdrv

new_name m1
new_name m2
new_name m3
at_exit "rm -f '$STATE_DIR/$m1' '$STATE_DIR/$m2' '$STATE_DIR/$m3'"

# ---------------------------------------------------------------------------------------------
# Three network namespaces, nothing in the host's own.

at_exit netns_cleanup
ip netns add "$NS"
ip netns add "$NS_CT"
ip netns add "$NS_CL"
ip -n "$NS" link add ve-ct type veth peer name host0 netns "$NS_CT"
ip -n "$NS" link add a-cl type veth peer name eth0 netns "$NS_CL"
ip -n "$NS" addr add 10.77.0.1/24 dev ve-ct
ip -n "$NS" addr add 192.168.77.1/24 dev a-cl
ip -n "$NS_CT" addr add 10.77.0.2/24 dev host0
ip -n "$NS_CL" addr add 192.168.77.2/24 dev eth0
for ns_if in "$NS lo" "$NS ve-ct" "$NS a-cl" "$NS_CT lo" "$NS_CT host0" "$NS_CL lo" "$NS_CL eth0"; do
        read -r ns ifname <<<"$ns_if"
        ip -n "$ns" link set "$ifname" up
done
ip -n "$NS_CT" route add default via 10.77.0.1
# nsboot never changes this; forwarding is the administrator's choice. This netns is ours.
in_ns "$NS" sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'
# A rule not from nsboot, which must survive every cleanup.
in_ns "$NS" iptables-legacy -w 10 -t nat -A POSTROUTING -s 10.99.0.0/24 -j MASQUERADE

bg_in_ns srv_ct "$WORKDIR/srv-ct.out" "$NS_CT" busybox nc -ll -p 80 -e /bin/echo answer-from-container
bg_in_ns srv_cl "$WORKDIR/srv-cl.out" "$NS_CL" busybox nc -ll -p 9000 -e /bin/echo answer-from-client
retry 10 sh -c "[ \"\$(timeout 5 nsenter --net=/run/netns/$NS_CT busybox nc 127.0.0.1 80 </dev/null)\" = answer-from-container ]" ||
        fail "the listener in the container netns does not answer"
retry 10 sh -c "[ \"\$(timeout 5 nsenter --net=/run/netns/$NS_CL busybox nc 127.0.0.1 9000 </dev/null)\" = answer-from-client ]" ||
        fail "the listener in the client netns does not answer"

# Without rules: no forward, and the client cannot answer the container's 10.77.0.2.
assert_eq "" "$(connect "$NS_CL" 192.168.77.1 8080)" "port 8080 answered before any rule"
assert_eq "" "$(connect "$NS_CT" 192.168.77.2 9000)" "the client answered 10.77.0.2 without masquerade"

# ---------------------------------------------------------------------------------------------
# Masquerade and a port forward, while the "nsboot" runs.

log "adding masquerade and tcp:8080:80 for machine $m1"
bg_in_ns hold "$WORKDIR/hold.out" "$NS" "$FWDRV" hold "$m1" 10.77.0.0/24 ve-ct tcp:8080:80 10.77.0.2
wait_line '^ready=1' "$WORKDIR/hold.out" "$hold"
cat "$WORKDIR/hold.out"
assert_file_contains "$WORKDIR/hold.out" "dup=-98" "second forward of the same port (-EADDRINUSE)"
assert_file_contains "$WORKDIR/hold.out" "already forwarded to machine '$m1'"
rules=$(nat_rules)
echo "$rules"
assert_eq 3 "$(grep -c "nsboot:$m1" <<<"$rules")" "number of rules of $m1"
assert_match "$(grep PREROUTING <<<"$rules" | grep "nsboot:$m1")" \
        '-p tcp -m addrtype --dst-type LOCAL -m tcp --dport 8080 .*-j DNAT --to-destination 10\.77\.0\.2:80'
assert_match "$(grep OUTPUT <<<"$rules" | grep "nsboot:$m1")" '! -d 127\.0\.0\.0/8 -p tcp .*--dport 8080 .*-j DNAT'
assert_match "$(grep POSTROUTING <<<"$rules" | grep "nsboot:$m1")" '-s 10\.77\.0\.0/24 ! -o ve-ct .*-j MASQUERADE'
assert_file_contains "$STATE_DIR/$m1" "forward tcp 8080 10.77.0.2 80"
assert_file_contains "$STATE_DIR/$m1" "masquerade 10.77.0.0/24 !ve-ct"

assert_eq answer-from-container "$(connect "$NS_CL" 192.168.77.1 8080)" "client -> host port 8080"
assert_eq answer-from-container "$(connect "$NS" 192.168.77.1 8080)" "host itself -> its port 8080"
assert_eq "" "$(connect "$NS" 127.0.0.1 8080)" "127.0.0.1:8080 was forwarded without route_localnet"
assert_eq answer-from-client "$(connect "$NS_CT" 192.168.77.2 9000)" "container -> client through masquerade"

# Another machine may not take the same host port (nothing of it is added), but udp/8080 is free.
in_ns "$NS" "$FWDRV" add "$m2" tcp:8080:80 10.77.0.3 >"$WORKDIR/clash.out" 2>"$WORKDIR/clash.err" &&
        fail "a second machine could forward tcp/8080 too"
cat "$WORKDIR/clash.err"
assert_file_contains "$WORKDIR/clash.err" "Host port tcp/8080 is already forwarded to machine '$m1'"
assert_not_contains "$(nat_rules)" "nsboot:$m2" "rules of the refused machine"
assert_file_not_exists "$STATE_DIR/$m2"
in_ns "$NS" "$FWDRV" add "$m2" udp:8080:53 10.77.0.3 || fail "udp/8080 clashed with tcp/8080"
assert_not_contains "$(nat_rules)" "nsboot:$m2" "rules of $m2 after its firewall_free"
assert_file_not_exists "$STATE_DIR/$m2"

log "stopping the driver: firewall_free"
kill -TERM "$hold"
wait_pid_exit "$hold" 20 || fail "the driver did not exit after SIGTERM"
wait "$hold" || fail "the driver failed: $(cat "$WORKDIR/hold.out")"
assert_file_contains "$WORKDIR/hold.out" "freed=1"
rules=$(nat_rules)
echo "$rules"
assert_not_contains "$rules" "nsboot:" "rules left after firewall_free"
assert_contains "$rules" "-A POSTROUTING -s 10.99.0.0/24 -j MASQUERADE" "the foreign rule"
assert_file_not_exists "$STATE_DIR/$m1"
assert_eq "" "$(connect "$NS_CL" 192.168.77.1 8080)" "port 8080 still forwarded after firewall_free"

# ---------------------------------------------------------------------------------------------
# A killed nsboot: its rules stay until the next start of the machine cleans them up.

log "simulating a killed nsboot of machine $m3"
out=$(in_ns "$NS" "$FWDRV" crash "$m3" 10.77.0.0/24 - udp:5353:53 10.77.0.2) ||
        fail "the crashing driver failed: $out"
assert_eq added=1 "$out" "the crashing driver"
assert_eq 3 "$(nat_rules | grep -c "nsboot:$m3")" "rules left by the killed driver"
assert_file_exists "$STATE_DIR/$m3"
# A forward of its port is refused while the stale rules exist.
in_ns "$NS" "$FWDRV" add "$m1" udp:5353 10.77.0.2 >/dev/null 2>"$WORKDIR/stale.err" &&
        fail "a port held by stale rules could be forwarded again"
assert_file_contains "$WORKDIR/stale.err" "Host port udp/5353 is already forwarded to machine '$m3'"
out=$(in_ns "$NS" "$FWDRV" cleanup "$m3") || fail "firewall_cleanup_stale failed: $out"
assert_eq removed=3 "$out" "firewall_cleanup_stale"
rules=$(nat_rules)
echo "$rules"
assert_not_contains "$rules" "nsboot:" "rules left after firewall_cleanup_stale"
assert_contains "$rules" "-A POSTROUTING -s 10.99.0.0/24 -j MASQUERADE" "the foreign rule"
assert_file_not_exists "$STATE_DIR/$m3"
assert_eq removed=0 "$(in_ns "$NS" "$FWDRV" cleanup "$m3")" "second firewall_cleanup_stale"

kill -TERM "$srv_ct" "$srv_cl"
wait "$srv_ct" "$srv_cl" 2>/dev/null || true
