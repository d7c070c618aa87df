#!/bin/bash
# Capabilities of the guest, as the guest's /proc/self/status shows them (CapBnd, CapEff of a root
# command): the default set has neither CAP_SYS_MODULE nor CAP_SYS_TIME; --capability=sys_time
# adds one; --keep-capability and lxc.cap.keep give exactly the listed ones (also dropping from the
# default set); --drop-capability and lxc.cap.drop take one away. The expected masks are written
# here from capability(7)'s numbers, not taken from nsboot.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
CAP_CHOWN=0 CAP_KILL=5 CAP_NET_ADMIN=12 CAP_SYS_MODULE=16 CAP_SYS_ADMIN=21 CAP_SYS_TIME=25

# caps ARGS...: run a root command with ARGS; sets BND and EFF (numbers) from the guest's view.
caps() {
        nsboot_run -q -D "$tree" "$@" /bin/sh -c 'grep -E "^Cap(Bnd|Eff):" /proc/self/status'
        assert_rc 0 "nsboot $*"
        BND=$((0x$(output | awk '$1 == "CapBnd:" { print $2 }')))
        EFF=$((0x$(output | awk '$1 == "CapEff:" { print $2 }')))
}

has() { (($1 >> $2 & 1)); }
mask() {
        local m=0 c
        for c in "$@"; do m=$((m | 1 << c)); done
        echo "$m"
}

caps
default=$BND
has "$default" $CAP_SYS_MODULE && fail "the default set has CAP_SYS_MODULE"
has "$default" $CAP_SYS_TIME && fail "the default set has CAP_SYS_TIME"
has "$default" $CAP_SYS_ADMIN || fail "the default set lacks CAP_SYS_ADMIN (systemd-nspawn's default has it)"
has "$default" $CAP_CHOWN || fail "the default set lacks CAP_CHOWN"
assert_eq "$default" "$EFF" "root's effective set is the bounding set"

caps --capability=sys_time
assert_eq $((default | 1 << CAP_SYS_TIME)) "$BND" "--capability=sys_time: bounding set"
assert_eq "$BND" "$EFF" "--capability=sys_time: effective set"

caps --keep-capability=chown,kill,sys_module
assert_eq "$(mask $CAP_CHOWN $CAP_KILL $CAP_SYS_MODULE)" "$BND" "--keep-capability=chown,kill,sys_module: bounding set"
assert_eq "$BND" "$EFF" "--keep-capability: effective set"

echo "lxc.cap.keep = chown kill" >"$WORKDIR/keep.conf"
caps --config="$WORKDIR/keep.conf"
assert_eq "$(mask $CAP_CHOWN $CAP_KILL)" "$BND" "lxc.cap.keep = chown kill: bounding set"
assert_eq "$BND" "$EFF" "lxc.cap.keep: effective set"

caps --drop-capability=net_admin
assert_eq $((default & ~(1 << CAP_NET_ADMIN))) "$BND" "--drop-capability=net_admin"
echo "lxc.cap.drop = net_admin sys_admin" >"$WORKDIR/drop.conf"
caps --config="$WORKDIR/drop.conf"
assert_eq $((default & ~(1 << CAP_NET_ADMIN | 1 << CAP_SYS_ADMIN))) "$BND" "lxc.cap.drop = net_admin sys_admin"

# An unprivileged user of the tree gets no effective capabilities, whatever the set.
nsboot_run -q -D "$tree" -u nobody --capability=sys_time /bin/sh -c 'grep "^CapEff:" /proc/self/status'
assert_rc 0
assert_match "$(output)" '^CapEff:[[:space:]]+0+$' "-u nobody: effective set"
exit 0
