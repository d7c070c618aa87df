#!/bin/bash
# lxc.prlimit.*, lxc.sysctl.* and lxc.init.cmd from a config file take effect in the guest, and a
# sysctl the kernel does not keep per container is refused (the host's value never changes).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
conf=$WORKDIR/limits.conf
host_shmmax=$(cat /proc/sys/kernel/shmmax)
cat >"$conf" <<CONF
lxc.rootfs.path = dir:$tree
lxc.prlimit.nofile = 256:512
lxc.limit.core = 0
lxc.sysctl.kernel.shmmax = 7654321
lxc.net.0.type = empty
lxc.sysctl.net.ipv4.ip_forward = 1
CONF
nsboot_run -q --config="$conf" /bin/sh -c 'ulimit -n; ulimit -Hn; ulimit -c; cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward'
assert_rc 0
assert_eq "256 512 0 7654321 1" "$(output | tr '\n' ' ' | sed 's/ $//')" "limits and sysctls inside"
assert_eq "$host_shmmax" "$(cat /proc/sys/kernel/shmmax)" "the host's kernel.shmmax"
assert_file_contains "$NSBOOT_ERR" "lxc.limit.core is LXC 2.0 syntax, nsboot reads it as lxc.prlimit.core" "legacy warning"

# lxc.init.cmd: the init and its first arguments, with -b (testinit's mode "exit 9").
echo 'lxc.init.cmd = /sbin/init exit 9' >>"$conf"
nsboot_run -q --config="$conf" -b
assert_rc 9

# lxc.cgroup2.*: written into the machine's cgroup2 directory when the host offers the controller
# there, else (hybrid host) through cgroup v1 (test-limits.sh checks the files on both).
cgconf=$WORKDIR/cgroup.conf
printf 'lxc.rootfs.path = dir:%s\nlxc.cgroup2.pids.max = 77\n' "$tree" >"$cgconf"
if grep -qw pids "$(cgroup2_root)/cgroup.controllers" 2>/dev/null; then
        nsboot_run -q --config="$cgconf" cat /sys/fs/cgroup/pids.max
        assert_rc 0
        assert_eq 77 "$(output)" "pids.max inside"
else
        nsboot_run -q --config="$cgconf" /bin/true
        assert_rc 0
fi

echo 'lxc.sysctl.kernel.panic = 1' >>"$conf"
nsboot_run -q --config="$conf" /bin/true
assert_rc 1
assert_file_contains "$NSBOOT_ERR" "sysctl kernel.panic is not kept per container" "refusal names the sysctl"
exit 0
