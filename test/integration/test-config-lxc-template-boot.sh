#!/bin/bash
# A container config as LXC's templates write it boots the Debian tree under nsboot as it is: the
# privileged kind (lxc-create -t debian: debian.common.conf, which includes common.conf) and the
# unprivileged kind (lxc-create -t download: common.conf and userns.conf with lxc.idmap), including
# the files Debian's LXC packages ship at their real place. Each boots systemd to
# multi-user.target without failed units; what the shipped files set is seen from the host and
# inside (ttys, dropped capabilities, device rules, the idmap's host ids, the host name); and
# "systemctl poweroff" ends nsboot with 0.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd unshare
lxc=$("$SRCDIR/test/lib/lxc-configs.sh") || skip "cannot download Debian's lxc packages (apt lists missing or no mirror)"

debian_tree tree
name=$(basename "$tree")

# nsboot in a private mount namespace in which /usr/share is the packages' (the files include each
# other by absolute path); unshare and sh exec, so NSBOOT_PID is nsboot's.
wrapper=$WORKDIR/nsboot-with-lxc
printf '#!/bin/bash\nexec unshare -m --propagation private sh -c %q _ %q %q "$@"\n' \
        'mount --bind "$1" /usr/share && shift && exec "$@"' "$lxc/usr/share" "$NSBOOT" >"$wrapper"
chmod 0755 "$wrapper"
real_nsboot=$(readlink -f "$NSBOOT")
NSBOOT=$wrapper

# leader_pid tells nsboot's child still running nsboot's code from the guest's init by nsboot's own
# executable: wait until the wrapper's PID is nsboot (after unshare and sh have exec'd).
is_nsboot() { [[ $(readlink "/proc/$NSBOOT_PID/exe" 2>/dev/null) == "$real_nsboot" ]]; }

boot_lxc() {
        local what=$1 conf=$2
        nsboot_start -b --config="$conf"
        retry 10 is_nsboot || fail "$what: the wrapper did not become nsboot"
        LEADER=$(leader_pid "$NSBOOT_PID" 60)
        wait_booted "$LEADER"
        assert_no_failed_units "$LEADER"
        assert_eq active "$(in_guest "$LEADER" systemctl is-active multi-user.target)" "$what: multi-user.target"
        assert_eq "lxc-$what" "$(in_guest "$LEADER" hostname)" "$what: lxc.uts.name"
        # common.conf: lxc.tty.max = 4, lxc.cap.drop = ... sys_time sys_module ...
        for n in 1 2 3 4; do
                in_guest "$LEADER" test -c "/dev/tty$n" || fail "$what: no /dev/tty$n (lxc.tty.max = 4)"
        done
        cap=$(awk '$1 == "CapBnd:" { print $2 }' "/proc/$LEADER/status")
        (((0x$cap >> 25) & 1)) && fail "$what: the guest keeps CAP_SYS_TIME (lxc.cap.drop)"
        (((0x$cap >> 16) & 1)) && fail "$what: the guest keeps CAP_SYS_MODULE (lxc.cap.drop)"
        # The device rules: /dev/null (1:3) is allowed, so it works; nothing else is there to try.
        in_guest_cgroup "$LEADER" sh -c 'echo x >/dev/null' || fail "$what: /dev/null is not writable"
        assert_file_not_contains "$NSBOOT_ERR" "not supported" "$what: nothing refused"
}

poweroff_lxc() {
        local what=$1
        in_guest "$LEADER" systemctl poweroff || true
        nsboot_wait 90
        assert_rc 0 "$what: exit status after systemctl poweroff"
}

# lxc-create -t debian (privileged: no idmap). nsboot still gives it a user namespace.
cat >"$WORKDIR/privileged.config" <<EOF
# Template used to create this container: /usr/share/lxc/templates/lxc-debian
lxc.net.0.type = empty
lxc.apparmor.profile = generated
lxc.apparmor.allow_nesting = 1
lxc.rootfs.path = dir:$tree
lxc.include = /usr/share/lxc/config/debian.common.conf
lxc.tty.max = 4
lxc.uts.name = lxc-privileged
lxc.arch = amd64
lxc.pty.max = 1024
EOF
boot_lxc privileged "$WORKDIR/privileged.config"
host_uid=$(awk '$1 == "Uid:" { print $2 }' "/proc/$LEADER/status")
((host_uid >= 524288)) || fail "privileged LXC config: the guest's root is host uid $host_uid, not a picked range"
assert_file_contains "$NSBOOT_ERR" "lxc.apparmor.profile: ignored" "the AppArmor keys are said to be ignored"
poweroff_lxc privileged

# lxc-create -t download, unprivileged: common.conf, userns.conf and the idmap of default.conf.
cat >"$WORKDIR/unprivileged.config" <<EOF
# Template used to create this container: /usr/share/lxc/templates/lxc-download
# Distribution configuration
lxc.include = /usr/share/lxc/config/common.conf
lxc.include = /usr/share/lxc/config/userns.conf
lxc.arch = linux64

# Container specific configuration
lxc.idmap = u 0 1310720 65536
lxc.idmap = g 0 1310720 65536
lxc.rootfs.path = dir:$tree
lxc.uts.name = lxc-unprivileged

# Network configuration
lxc.net.0.type = empty
EOF
boot_lxc unprivileged "$WORKDIR/unprivileged.config"
assert_eq 1310720 "$(awk '$1 == "Uid:" { print $2 }' "/proc/$LEADER/status")" "lxc.idmap: the guest's root on the host"
assert_eq "0 1310720 65536" "$(awk '{ print $1, $2, $3 }' "/proc/$LEADER/uid_map")" "the uid map"
poweroff_lxc unprivileged
log "PASS"
