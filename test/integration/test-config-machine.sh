#!/bin/bash
# A machine booted by name from /etc/nsboot/NAME.conf gets that file's settings (hostname,
# environment, dropped capabilities, mount entries, ttys and the pty limit); the command line
# overrides the file; a NAME.nsboot beside the tree is read without trust; LXC 2.0 spellings work.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
name=$(basename "$tree")
conf=/etc/nsboot/$name.conf
mkdir -p /etc/nsboot
[[ -e $conf ]] && fail "$conf exists already"
at_exit "rm -f '$conf'; rmdir /etc/nsboot 2>/dev/null || true"
cat >"$conf" <<CONF
# written by $TEST_NAME
lxc.rootfs.path = dir:$tree
lxc.uts.name = cfg-host
lxc.environment = FROM_FILE=yes
nsboot.setenv = "SPACED=a b"
lxc.cap.drop = sys_admin sys_chroot
lxc.apparmor.profile = unconfined
lxc.mount.entry = $WORKDIR/shared srv/shared none bind,create=dir,idmap=container 0 0
lxc.mount.entry = $WORKDIR/shared srv/shared-ro none bind,ro,create=dir 0 0
lxc.mount.entry = tmpfs mnt/scratch tmpfs size=1m,mode=0700 0 0
lxc.tty.max = 2
lxc.pty.max = 10
CONF
mkdir -p "$WORKDIR/shared"
echo from-host >"$WORKDIR/shared/file"

# Booted by name alone: the file gives the tree.
nsboot_start -M "$name" -b sleep
wait_output '^NSBOOT-TEST: ready=1'
LEADER=$(leader_pid "$NSBOOT_PID")
assert_eq cfg-host "$(in_guest "$LEADER" hostname)" "hostname from lxc.uts.name"
env1=$(tr '\0' '\n' </proc/"$LEADER"/environ)
assert_contains "$env1" "FROM_FILE=yes" "lxc.environment"
assert_contains "$env1" "SPACED=a b" "quoted nsboot.setenv"
capbnd=$(awk '/^CapBnd/ { print $2 }' /proc/"$LEADER"/status)
(( (0x$capbnd >> 21) & 1 )) && fail "CAP_SYS_ADMIN still in the bounding set ($capbnd)"
(( (0x$capbnd >> 18) & 1 )) && fail "CAP_SYS_CHROOT still in the bounding set ($capbnd)"
(( (0x$capbnd >> 0) & 1 )) || fail "CAP_CHOWN was dropped too ($capbnd)"
assert_file_contains "$NSBOOT_ERR" "lxc.apparmor.profile: ignored" "AppArmor key warned about"
# Mount entries: a host directory shared read-write and read-only, a tmpfs.
assert_eq from-host "$(in_guest "$LEADER" cat /srv/shared/file)" "bind mount entry"
in_guest "$LEADER" sh -c 'echo from-guest > /srv/shared/back' || fail "the rw bind is not writable"
assert_eq from-guest "$(cat "$WORKDIR/shared/back")" "write through the bind reaches the host"
if in_guest "$LEADER" sh -c 'echo x > /srv/shared-ro/nope' 2>/dev/null; then
        fail "the ro bind is writable"
fi
minfo=$(in_guest "$LEADER" cat /proc/self/mountinfo)
assert_match "$(awk '$5 == "/mnt/scratch" { print $9, $11 }' <<<"$minfo")" "^tmpfs .*size=1024k" "tmpfs entry"
# Two ttys on ptys, announced to the guest's init; the devpts instance limited to 10.
for t in 1 2; do
        in_guest "$LEADER" test -c /dev/tty$t || fail "/dev/tty$t is not a character device"
done
in_guest "$LEADER" test -e /dev/tty3 && fail "/dev/tty3 exists with lxc.tty.max = 2"
assert_contains "$(tr '\0' '\n' </proc/"$LEADER"/environ)" "container_ttys=pts/1 pts/2" "container_ttys"
assert_match "$(awk '$5 == "/dev/pts" { print $11 }' <<<"$minfo")" "max=10" "devpts max from lxc.pty.max"
# The limit holds: try to hold 12 more ptys open; /dev/pts then lists 10 in all (console and the
# two ttys included).
ptys=$(in_guest "$LEADER" sh -c 'i=0; while [ $i -lt 12 ]; do (exec sleep 3 </dev/ptmx) 2>/dev/null & i=$((i + 1)); done; sleep 1; ls /dev/pts | grep -c "^[0-9]"')
assert_eq 10 "$ptys" "ptys open at the limit"
poweroff_guest

# The command line wins over the file for scalars and extends lists.
nsboot_run -q -M "$name" --hostname=cli-host -E FROM_CLI=1 /bin/sh -c 'hostname; echo "$FROM_FILE $FROM_CLI"'
assert_rc 0
assert_eq "cli-host" "$(output | sed -n 1p)" "--hostname over lxc.uts.name"
assert_eq "yes 1" "$(output | sed -n 2p)" "-E adds to lxc.environment"

# --check prints the effective settings and starts nothing.
nsboot_run -M "$name" --check
assert_rc 0
assert_file_contains "$NSBOOT_OUT" "nsboot.hostname = cfg-host" "--check output"
assert_file_contains "$NSBOOT_OUT" "nsboot.drop-capability = cap_sys_chroot cap_sys_admin" "--check output"

# A bad file: every problem reported with file:line, nothing started.
cat >>"$conf" <<'CONF'
lxc.utsnme = typo
lxc.seccomp.notify.proxy = unix:/run/notify.sock
CONF
nsboot_run -M "$name" /bin/true
assert_rc 1
assert_file_contains "$NSBOOT_ERR" "$conf:13: lxc.utsnme: unknown key; did you mean 'lxc.uts.name'?" "unknown key"
assert_file_contains "$NSBOOT_ERR" "$conf:14: lxc.seccomp.notify.proxy: not supported yet" "unsupported key"
nsboot_run -M "$name" --no-config -D "$tree" /bin/sh -c 'hostname'
assert_rc 0
assert_eq "$name" "$(output)" "--no-config ignores the file"
rm -f "$conf"

# Untrusted: NAME.nsboot beside the tree may set the hostname, not capabilities.
cat >"$WORKDIR/$name.nsboot" <<'CONF'
lxc.utsname = beside
nsboot.capability = all
CONF
nsboot_run -D "$tree" /bin/sh -c 'hostname; grep CapBnd /proc/self/status'
assert_rc 0
assert_eq beside "$(output | sed -n 1p)" "hostname from the untrusted file (LXC 2.0 key)"
assert_file_contains "$NSBOOT_ERR" "nsboot.capability: ignored in an untrusted file" "privileged key refused"
assert_file_contains "$NSBOOT_ERR" "lxc.utsname is LXC 2.0 syntax, nsboot reads it as lxc.uts.name" "legacy warning"
capbnd=$(output | awk '/^CapBnd/ { print $2 }')
(( (0x$capbnd >> 16) & 1 )) && fail "CAP_SYS_MODULE granted by an untrusted file"
exit 0
