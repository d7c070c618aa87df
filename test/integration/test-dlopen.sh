#!/bin/bash
# Optional libraries are loaded at their first use (src/basic/dlopen-util.c, src/*/*-dlopen.c):
# the binary does not list libnl-route-3, libip4tc, libip6tc, libnftnl, libmnl, libblkid,
# libsystemd, libseccomp or libcap as DT_NEEDED; a machine without interfaces, NAT, a disk image or
# machined maps none of them (not libsystemd either when it reports to a service manager through
# $NOTIFY_SOCKET: nsboot speaks that protocol itself; not libseccomp when its filters are cached,
# not libcap when no capability is named), one with a veth maps libnl (and no firewall library), one with -p
# maps libnl and the libraries of its firewall backend only (libip4tc for iptables, libnftnl and
# libmnl for nftables); when a library cannot be loaded (hidden here by a bind mount of /dev/null
# over it, in a mount namespace of its own), nsboot names the library and its package, exits
# non-zero and leaves no interface and no firewall state behind, and machines that do not need it
# still run.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd readelf ldconfig unshare nsenter python3

needed=$(readelf -d "$NSBOOT" | awk '/NEEDED/ { print $NF }' | tr '\n' ' ')
log "DT_NEEDED: $needed"
assert_not_contains "$needed" libnl "nsboot's DT_NEEDED"
for lib in libip4tc libip6tc libnftnl libmnl; do
        assert_not_contains "$needed" "$lib" "nsboot's DT_NEEDED"
done
assert_not_contains "$needed" libblkid "nsboot's DT_NEEDED"
assert_not_contains "$needed" libsystemd "nsboot's DT_NEEDED"
assert_not_contains "$needed" libseccomp "nsboot's DT_NEEDED"
assert_not_contains "$needed" libcap "nsboot's DT_NEEDED"

t="" ns="" maps="" conf=""

# supervisor_maps ARGS...: start nsboot with ARGS (a guest that sleeps), put the libraries the
# running supervisor maps into $maps, then stop it.
supervisor_maps() {
        nsboot_start -q "$@" -b sleep
        wait_output '^NSBOOT-TEST: ready=1'
        maps=$(awk '$6 ~ /\.so/ { n = split($6, p, "/"); print p[n] }' "/proc/$NSBOOT_PID/maps" | sort -u | tr '\n' ' ')
        kill -TERM "$NSBOOT_PID"
        nsboot_wait 30
        assert_rc 0 "nsboot $* after SIGTERM"
}

busybox_tree t
supervisor_maps -D "$t"         # its filters are cached now, if they were not
supervisor_maps -D "$t"
log "no network: $maps"
assert_contains "$maps" libc.so "the maps of the supervisor (sanity)"
assert_not_contains "$maps" libsystemd "a machine without machined (no system bus here)"
assert_not_contains "$maps" libnl "a machine without interfaces"
assert_not_contains "$maps" libip4tc "a machine without interfaces"
assert_not_contains "$maps" libnftnl "a machine without interfaces"
assert_not_contains "$maps" libblkid "a machine without a disk image"
assert_not_contains "$maps" libseccomp "a machine whose filters are cached"
assert_not_contains "$maps" libcap "a machine that names no capability"
supervisor_maps -D "$t" --capability=CAP_NET_RAW
assert_contains "$maps" libcap.so "a machine that names a capability (sanity: libcap's soname)"
notify_sock=$WORKDIR/notify.sock
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(sys.argv[1])' "$notify_sock"
NOTIFY_SOCKET=$notify_sock supervisor_maps -D "$t"
log "with \$NOTIFY_SOCKET: $maps"
assert_not_contains "$maps" libsystemd "a machine that notifies its service manager"

netns_create ns
nsboot_in_netns "$ns"
links() { ip -n "$ns" -o link | awk -F': ' '{ print $2 }' | cut -d@ -f1 | sort | tr '\n' ' '; }
before=$(links)
supervisor_maps -D "$t" -n
log "veth: $maps"
assert_contains "$maps" libnl-route-3 "a machine with a veth"
assert_not_contains "$maps" libip4tc "a machine with a veth and no NAT"
assert_not_contains "$maps" libnftnl "a machine with a veth and no NAT"
conf=$WORKDIR/net.conf
printf 'lxc.net.0.type = veth\nlxc.net.0.ipv4.address = 10.84.0.5/24\n' >"$conf"
supervisor_maps -D "$t" --config="$conf" -p tcp:8080:80 --firewall=iptables
log "veth and -p, iptables: $maps"
assert_contains "$maps" libip4tc "a machine with a port forward (iptables)"
assert_not_contains "$maps" libip6tc "a machine with an IPv4 port forward (iptables)"
assert_not_contains "$maps" libnftnl "a machine with a port forward (iptables)"
supervisor_maps -D "$t" --config="$conf" -p tcp:8080:80 --firewall=nftables
log "veth and -p, nftables: $maps"
assert_contains "$maps" libnftnl "a machine with a port forward (nftables)"
assert_contains "$maps" libmnl "a machine with a port forward (nftables)"
assert_not_contains "$maps" libip4tc "a machine with a port forward (nftables)"
assert_eq "$before" "$(links)" "the test host's links"

# nsboot_hiding LIB: from now on nsboot runs in NS with LIB (a soname) replaced by /dev/null.
nsboot_hiding() {
        local path wrapper=$WORKDIR/nsboot-without-$1
        # awk reads all of ldconfig's output: leaving at the first match would kill ldconfig
        # with SIGPIPE once its output outgrows the pipe, and pipefail would end the test.
        path=$(ldconfig -p | awk -v l="$1" '$1 == l && (p == "" || /x86-64|64bit/ && !w) {
                p = $NF; w = /x86-64|64bit/ } END { print p }')
        [[ -n $path ]] || skip "$1 is not installed"
        path=$(realpath -e "$path")
        printf '#!/bin/bash\nexec unshare -m --propagation private -- /bin/bash -c %q %q nsenter --net=%q -- %q "$@"\n' \
                'mount --bind /dev/null "$0" && exec "$@"' "$path" "/run/netns/$ns" "$_NSBOOT_REAL" >"$wrapper"
        chmod 0755 "$wrapper"
        NSBOOT=$wrapper
}

nsboot_hiding libnl-route-3.so.200
nsboot_run -q -D "$t" -n /bin/true
assert_rc_ne 0
assert_contains "$(cat "$NSBOOT_ERR")" "libnl-route-3.so.200" "the error without libnl"
assert_contains "$(cat "$NSBOOT_ERR")" "install the package libnl-route-3-200" "the error without libnl"
assert_eq "$before" "$(links)" "the test host's links after the refused start"
nsboot_run -q -D "$t" /bin/true
assert_rc 0 "a machine without interfaces runs without libnl"

nsboot_hiding libip4tc.so.2
name=$(basename "$t")
nsboot_run -q -D "$t" --config="$conf" -p tcp:8080:80 --firewall=iptables /bin/true
assert_rc_ne 0
assert_contains "$(cat "$NSBOOT_ERR")" "libip4tc.so.2" "the error without libip4tc"
assert_contains "$(cat "$NSBOOT_ERR")" "install the package libip4tc2" "the error without libip4tc"
assert_eq "$before" "$(links)" "the test host's links after the refused start"
assert_file_not_exists "/run/nsboot/firewall/$name" "firewall state after the refused start"
nsboot_run -q -D "$t" -n /bin/true
assert_rc 0 "a machine with a veth and no NAT runs without libip4tc"

nsboot_hiding libnftnl.so.11
nsboot_run -q -D "$t" --config="$conf" -p tcp:8080:80 --firewall=nftables /bin/true
assert_rc_ne 0
assert_contains "$(cat "$NSBOOT_ERR")" "libnftnl.so.11" "the error without libnftnl"
assert_contains "$(cat "$NSBOOT_ERR")" "install the package libnftnl11" "the error without libnftnl"
assert_eq "$before" "$(links)" "the test host's links after the refused start"
assert_file_not_exists "/run/nsboot/firewall/$name" "firewall state after the refused start"
# --firewall=auto (the default) takes iptables then, without an error.
nsboot_run -q -D "$t" --config="$conf" -p tcp:8080:80 /bin/true
assert_rc 0 "auto without libnftnl"
assert_not_contains "$(cat "$NSBOOT_ERR")" libnftnl "auto without libnftnl"
assert_file_not_exists "/run/nsboot/firewall/$name" "firewall state after the machine ended"

# Capability names need libcap; a machine that names none runs without it.
nsboot_hiding libcap.so.2
nsboot_run -q -D "$t" --capability=CAP_NET_RAW /bin/true
assert_rc_ne 0
assert_contains "$(cat "$NSBOOT_ERR")" "libcap.so.2" "the error without libcap"
assert_contains "$(cat "$NSBOOT_ERR")" "install the package libcap2" "the error without libcap"
nsboot_run -q -D "$t" /bin/true
assert_rc 0 "a machine that names no capability runs without libcap"

# Filters are compiled by libseccomp: without it (hidden, its file is another one, so the cache's
# entries do not count) a start is refused, naming it, and leaves no machine behind.
nsboot_hiding libseccomp.so.2
nsboot_run -q -D "$t" /bin/true
assert_rc_ne 0
assert_contains "$(cat "$NSBOOT_ERR")" "libseccomp.so.2" "the error without libseccomp"
assert_contains "$(cat "$NSBOOT_ERR")" "install the package libseccomp2" "the error without libseccomp"
assert_file_not_exists "/run/nsboot/machines/$name.state" "the state of the refused start"

# --register=yes needs libsystemd (sd-bus); --register=auto goes on without it.
nsboot_hiding libsystemd.so.0
nsboot_run -q -D "$t" --register=yes /bin/true
assert_rc_ne 0
assert_contains "$(cat "$NSBOOT_ERR")" "libsystemd.so.0" "the error without libsystemd"
assert_contains "$(cat "$NSBOOT_ERR")" "install the package libsystemd0" "the error without libsystemd"
NOTIFY_SOCKET=$notify_sock nsboot_run -q -D "$t" /bin/true
assert_rc 0 "a machine with --register=auto and \$NOTIFY_SOCKET runs without libsystemd"
exit 0
