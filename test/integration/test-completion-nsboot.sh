#!/bin/bash
# The bash completion of nsboot, driven as bash drives it (COMP_WORDS split at '=' and ':' as
# COMP_WORDBREAKS makes bash split them, COMP_CWORD, then _nsboot): machine names for -M from
# /etc/nsboot/*.conf and /var/lib/machines (directories and NAME.raw images); host interfaces for
# the network options, read in a network namespace of the test's own with a bridge and a veth
# pair (only bridges for --network-bridge, lo never, macvlan modes after IF:NAME:); capability
# names for --capability, --drop-capability (with "all") and --keep-capability (with "none"),
# also after a comma; and the capability table against the kernel's number of capabilities.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd ip

# The driver: sources the completion, stubs compopt (only callable while bash completes) and
# prints the candidates for the last word, sorted, on one line.
cat >"$WORKDIR/complete.sh" <<'DRIVER'
. "$1"
shift
compopt() { :; }
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
COMP_WORDS=(nsboot "$@")
COMP_CWORD=$#
COMPREPLY=()
_nsboot
((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
exit 0
DRIVER

# complete_in NS WORD...: the candidates, with NS's interfaces in /sys/class/net (ip netns exec
# mounts a sysfs of the namespace); complete WORD...: the same in our own.
complete_in() {
        local ns=$1
        shift
        timeout 20 ip netns exec "$ns" bash "$WORKDIR/complete.sh" "$SRCDIR/shell-completion/bash/nsboot" "$@"
}
complete_words() {
        timeout 20 bash "$WORKDIR/complete.sh" "$SRCDIR/shell-completion/bash/nsboot" "$@"
}

# --- Machine names.
new_name conf
new_name dir
new_name raw
mkdir -p /etc/nsboot /var/lib/machines
echo 'nsboot.boot = yes' >"/etc/nsboot/$conf.conf"
mkdir "/var/lib/machines/$dir"
: >"/var/lib/machines/$raw.raw"
at_exit "rm -f '/etc/nsboot/$conf.conf' '/var/lib/machines/$raw.raw'; rmdir '/var/lib/machines/$dir'"
prefix=${conf%x*}x
assert_eq "$(printf '%s\n' "$conf" "$dir" "$raw" | sort | tr '\n' ' ')" "$(complete_words -M "$prefix")" \
        "-M: config files, tree directories, images without .raw"
assert_eq "$conf " "$(complete_words --machine = "$conf")" "--machine=NAME"
assert_eq "$dir " "$(complete_words -b -M "$dir")" "-M after -b"
mkdir "$WORKDIR/cfg"
: >"$WORKDIR/cfg/${conf}alt.conf"
assert_eq "${conf}alt " "$(NSBOOT_CONFIG_PATH=relative:$WORKDIR/cfg complete_words -M "$conf")" \
        "-M with \$NSBOOT_CONFIG_PATH: its directory's machine, not /etc/nsboot's"

# --- --console-path: none or a path (a terminal device).
assert_contains "$(cd "$WORKDIR" && complete_words --console-path = no)" "none " "--console-path=none"
assert_eq "/dev/null " "$(complete_words --console-path = /dev/nul)" "--console-path=/dev/..."

# --- Host interfaces, in a network namespace of our own.
netns_create ns
ip -n "$ns" link add nsbtbr0 type bridge
ip -n "$ns" link add nsbtve0 type veth peer name nsbtve1
all="nsbtbr0 nsbtve0 nsbtve1 "
assert_eq "nsbtbr0 " "$(complete_in "$ns" --network-bridge '')" "--network-bridge: bridges only"
assert_eq "nsbtbr0 " "$(complete_in "$ns" --network-bridge = nsbt)" "--network-bridge=nsbt"
assert_eq "$all" "$(complete_in "$ns" --network-macvlan '')" "--network-macvlan: every interface but lo"
assert_eq "nsbtve0 nsbtve1 " "$(complete_in "$ns" --network-interface = nsbtve)" "--network-interface=nsbtve"
assert_eq "$all" "$(complete_in "$ns" --network-ipvlan = '')" "--network-ipvlan="
assert_eq "nsbtve0: " "$(complete_in "$ns" --network-vlan = nsbtve0)" "--network-vlan=IF goes on with :ID"
assert_eq "bridge " "$(complete_in "$ns" --network-macvlan = nsbtve0 : mv0 : b)" "--network-macvlan=IF:NAME:MODE"
assert_eq "l2 l3 l3s " "$(complete_in "$ns" --network-ipvlan = nsbtve0 : iv0 : l)" "--network-ipvlan=IF:NAME:MODE"
assert_not_contains "$(complete_in "$ns" --network-macvlan '')" "lo " "lo"
# The host's own interfaces are not those of the namespace.
host_ifaces=$(complete_words --network-macvlan '')
assert_not_contains "$host_ifaces" "nsbtve0" "the namespace's veth in the host's list"

# --- Capabilities.
assert_eq "cap_net_admin cap_net_bind_service cap_net_broadcast cap_net_raw " \
        "$(complete_words --capability = cap_net_)" "--capability=cap_net_"
assert_eq "cap_chown,cap_sys_boot " "$(complete_words --capability = cap_chown,cap_sys_b)" "after a comma"
assert_eq "all " "$(complete_words --drop-capability = al)" "--drop-capability=al"
assert_eq "none " "$(complete_words --keep-capability = no)" "--keep-capability=no"
assert_eq "" "$(complete_words --keep-capability cap_sys_admin,no)" "--keep-capability: none only as the first"
assert_eq "cap_sys_admin,cap_sys_boot " "$(complete_words --keep-capability cap_sys_admin,cap_sys_b)" "--keep-capability LIST"
# One name per capability of this kernel.
n=$(bash -c '. "$1"; echo ${#__nsboot_caps[@]}' _ "$SRCDIR/shell-completion/bash/nsboot")
assert_eq "$(($(cat /proc/sys/kernel/cap_last_cap) + 1))" "$n" "capability names in the completion"
exit 0
