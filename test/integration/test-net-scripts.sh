#!/bin/bash
# lxc.net.N.script.up / script.down: run on the host with LXC's arguments (lxc.hook.version = 0:
# NAME net up|down TYPE LINK [HOST VETH]) or LXC's environment (version 1: LXC_HOOK_TYPE,
# LXC_HOOK_SECTION=net, LXC_NET_TYPE, LXC_NET_PARENT, LXC_NET_PEER, and TYPE LINK [VETH] as
# arguments); up once the interfaces exist and before the guest runs, down before they go. A
# failing up script stops the start cleanly (no interface left); untrusted files cannot set them.
# In a test network namespace of our own; it is exactly as before at the end.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

netns_create ns
bridge=nsbt$$b
parent=nsbt$$p
ip -n "$ns" link add "$bridge" type bridge
ip -n "$ns" link set "$bridge" address 02:00:00:00:00:5b # else it follows its ports
ip -n "$ns" link set "$bridge" up
ip -n "$ns" link add "$parent" type veth peer name "nsbt$$q"
ip -n "$ns" link set "$parent" up
nsboot_in_netns "$ns"
before=$(net_state "$ns")

busybox_tree tree "nsbt$$s"
name=$(basename "$tree")
veth=vb-$name # on a bridge: vb-, as systemd-nspawn names it
marks=$WORKDIR/marks
script=$WORKDIR/script.sh
# One line per run: arguments, environment, whether the host side (or the link) exists now, and
# whether the guest has run yet (its command leaves a file in the tree).
cat >"$script" <<SCRIPT
#!/bin/sh
dev=\${LXC_NET_PEER:-}
[ -n "\$dev" ] || dev=\$(echo "\$*" | awk '{ print \$NF }')
exists=no
ip -o link show "\$dev" >/dev/null 2>&1 && exists=yes
ran=no
[ -e "$tree/ran" ] && ran=yes
echo "args=\$*|type=\${LXC_HOOK_TYPE:-}|section=\${LXC_HOOK_SECTION:-}|nettype=\${LXC_NET_TYPE:-}|parent=\${LXC_NET_PARENT:-}|peer=\${LXC_NET_PEER:-}|name=\$LXC_NAME|exists=\$exists|ran=\$ran" >>"$marks"
SCRIPT
chmod 0755 "$script"
line() { sed -n "${1}p" "$marks"; }

cat >"$WORKDIR/net.conf" <<CONF
lxc.net.0.type = veth
lxc.net.0.link = $bridge
lxc.net.0.script.up = $script
lxc.net.0.script.down = $script
lxc.net.1.type = macvlan
lxc.net.1.link = $parent
lxc.net.1.script.up = $script
lxc.net.1.script.down = $script
CONF

# Version 0: arguments only; up in index order before the guest runs, down in reverse order
# while the interfaces still exist.
rm -f "$marks" "$tree/ran"
nsboot_run --config="$WORKDIR/net.conf" -D "$tree" /bin/touch /ran
assert_rc 0 "version 0"
assert_eq 4 "$(wc -l <"$marks")" "two up and two down runs"
assert_eq "args=$name net up veth $bridge $veth|type=|section=|nettype=|parent=|peer=|name=$name|exists=yes|ran=no" \
        "$(line 1)" "veth up, version 0"
assert_eq "args=$name net up macvlan $parent|type=|section=|nettype=|parent=|peer=|name=$name|exists=yes|ran=no" \
        "$(line 2)" "macvlan up, version 0"
assert_eq "args=$name net down macvlan $parent|type=|section=|nettype=|parent=|peer=|name=$name|exists=yes|ran=yes" \
        "$(line 3)" "macvlan down, version 0"
assert_eq "args=$name net down veth $bridge $veth|type=|section=|nettype=|parent=|peer=|name=$name|exists=yes|ran=yes" \
        "$(line 4)" "veth down, version 0, the host side still there"
assert_net_state "$ns" "$before" "after version 0"

# Version 1: the environment, and TYPE LINK [VETH] as arguments.
rm -f "$marks" "$tree/ran"
echo "lxc.hook.version = 1" >>"$WORKDIR/net.conf"
nsboot_run --config="$WORKDIR/net.conf" -D "$tree" /bin/touch /ran
assert_rc 0 "version 1"
assert_eq "args=veth $bridge $veth|type=up|section=net|nettype=veth|parent=$bridge|peer=$veth|name=$name|exists=yes|ran=no" \
        "$(line 1)" "veth up, version 1"
assert_eq "args=macvlan $parent|type=up|section=net|nettype=macvlan|parent=$parent|peer=|name=$name|exists=yes|ran=no" \
        "$(line 2)" "macvlan up, version 1"
assert_eq "args=veth $bridge $veth|type=down|section=net|nettype=veth|parent=$bridge|peer=$veth|name=$name|exists=yes|ran=yes" \
        "$(line 4)" "veth down, version 1"
assert_net_state "$ns" "$before" "after version 1"

# A failing up script: the start stops naming it, the guest never runs, nothing is left.
rm -f "$marks" "$tree/ran"
printf 'lxc.net.0.type = veth\nlxc.net.0.link = %s\nlxc.net.0.script.up = /bin/sh -c "exit 3"\n' "$bridge" \
        >"$WORKDIR/fail.conf"
nsboot_run --config="$WORKDIR/fail.conf" -D "$tree" /bin/touch /ran
assert_rc 1 "failing up script"
assert_file_contains "$NSBOOT_ERR" "lxc.net.0.script.up '/bin/sh -c \"exit 3\"' failed with exit status 3" \
        "the failing script named"
assert_file_not_exists "$tree/ran" "the guest did not run"
assert_net_state "$ns" "$before" "after the failed start"

# In a file beside the tree (untrusted) the scripts are ignored, with a warning.
rm -f "$marks"
printf 'lxc.net.0.type = veth\nlxc.net.0.link = %s\nlxc.net.0.script.up = %s\n' "$bridge" "$script" \
        >"$WORKDIR/$name.nsboot"
nsboot_run -D "$tree" /bin/true
assert_file_contains "$NSBOOT_ERR" "ignored in an untrusted file" "untrusted network keys warned about"
assert_file_not_exists "$marks" "no script from an untrusted file"
rm -f "$WORKDIR/$name.nsboot"
assert_net_state "$ns" "$before" "at the end"
