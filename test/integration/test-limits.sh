#!/bin/bash
# Resource limits hold on this host, whatever its cgroup layout: native keys, lxc.cgroup2.*, the v1
# lxc.cgroup.* keys and --property= land in the machine's cgroup files (cgroup v1 ones on a hybrid
# host); from inside, a memory hog over the limit is OOM-killed while the guest lives on and nsboot
# says so, and a loop of forks stops at pids.max. Everything is gone after the machine ends; --check
# names the limits this host cannot apply.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
name=$(basename "$tree")
hybrid=0
[[ $(cgroup2_root) == /sys/fs/cgroup/unified ]] && hybrid=1

# The file of the machine's limit as the kernel shows it: the v1 hierarchy of CONTROLLER below this
# shell's own cgroup there (as nsboot places it), or the cgroup2 directory.
limit_file() {
        local controller=$1 file=$2 own
        if ((hybrid)); then
                own=$(awk -F: -v c="$controller" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/self/cgroup)
                [[ $own == / ]] && own=
                echo "/sys/fs/cgroup/$controller$own/machine.slice/machine-$name.scope/$file"
        else
                echo "$(machine_cgroup "$name")/$file"
        fi
}

conf=$WORKDIR/limits.conf
cat >"$conf" <<CONF
lxc.rootfs.path = dir:$tree
lxc.cgroup2.memory.max = 64M
nsboot.memory.swap.max = 0
lxc.cgroup.pids.max = 40
nsboot.cpu.max = 50%
lxc.cgroup.cpuset.cpus = 0
CONF

boot_sleeping "$tree" --config="$conf" -M "$name" --property=CPUWeight=200
if ((hybrid)); then
        assert_eq 67108864 "$(cat "$(limit_file memory memory.limit_in_bytes)")" "memory.limit_in_bytes (v1)"
        assert_eq 67108864 "$(cat "$(limit_file memory memory.memsw.limit_in_bytes)")" "memsw: no swap on top"
        assert_eq 40 "$(cat "$(limit_file pids pids.max)")" "pids.max (v1)"
        assert_eq 2048 "$(cat "$(limit_file cpu cpu.shares)")" "cpu.shares from CPUWeight=200"
        assert_eq 50000 "$(cat "$(limit_file cpu cpu.cfs_quota_us)")" "cfs quota from 50%"
        assert_eq 100000 "$(cat "$(limit_file cpu cpu.cfs_period_us)")" "cfs period"
        assert_eq 0 "$(cat "$(limit_file cpuset cpuset.cpus)")" "cpuset.cpus (v1)"
        assert_eq "$(cat /sys/fs/cgroup/cpuset/cpuset.mems)" "$(cat "$(limit_file cpuset cpuset.mems)")" \
                "cpuset.mems copied from the parent"
        # With a user namespace the guest is in the machine's v1 cgroups themselves (no payload
        # below them: its root cannot write a v1 file, all are the host root's; test-cgroup tries).
        for c in memory pids cpu cpuset; do
                grep -qx "$LEADER" "$(limit_file "$c" cgroup.procs)" || fail "the guest's PID 1 is not in its $c cgroup"
                [[ ! -e $(limit_file "$c" payload) ]] || fail "a v1 $c payload cgroup for a guest in a user namespace"
        done
else
        assert_eq 67108864 "$(cat "$(limit_file memory memory.max)")" "memory.max"
        assert_eq 0 "$(cat "$(limit_file memory memory.swap.max)")" "memory.swap.max"
        assert_eq 40 "$(cat "$(limit_file pids pids.max)")" "pids.max"
        assert_eq 200 "$(cat "$(limit_file cpu cpu.weight)")" "cpu.weight"
        assert_eq "50000 100000" "$(cat "$(limit_file cpu cpu.max)")" "cpu.max"
fi
poweroff_guest
for c in memory pids cpu cpuset blkio; do
        assert_file_not_exists "$(dirname "$(limit_file "$c" x)")" "the machine's $c cgroup after exit"
done

# From inside: the hog is killed, its shell and the guest carry on; nsboot reports the kill.
nsboot_run -q --config="$conf" -M "$name" /bin/sh -c \
        'sh -c "x=\$(head -c 200000000 /dev/zero | tr \"\\0\" a); echo hog survived"; echo "hog rc=$?"; echo guest alive'
assert_rc 0
assert_contains "$(output)" "hog rc=137" "the hog was killed by SIGKILL"
assert_not_contains "$(output)" "hog survived" "the hog got its 200 MB"
assert_contains "$(output)" "guest alive" "the guest after the OOM kill"
assert_file_contains "$NSBOOT_ERR" "Machine $name hit its memory limit: the OOM killer killed" "nsboot's report"

# A fork loop stops at pids.max: of 100 sleeps, fewer than 40 start. The inner shell gives up at the
# first failed fork; the sleeps end by themselves (bounded).
nsboot_run -q --config="$conf" -M "$name" /bin/sh -c \
        'sh -c "for i in \$(seq 100); do sleep 3 & echo x >>/tmp/n; done" 2>/dev/null; sleep 4; echo "started=$(wc -l </tmp/n)"'
assert_rc 0
started=$(output | sed -n 's/^started=//p')
[[ -n $started ]] && ((started > 30 && started < 40)) || fail "sleeps running at once: '$started', expected 31-39"

# A SIGKILLed nsboot leaves its cgroups; the next start of the machine removes them (so does the
# next start of any machine, through the machine's stale lock, unless an nsboot without cgroup v1
# support got there first).
boot_sleeping "$tree" --config="$conf" -M "$name"
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$LEADER" 10 || fail "the guest outlived its nsboot"
wait "$NSBOOT_PID" 2>/dev/null || true
NSBOOT_PID=""
assert_file_exists "$(dirname "$(limit_file memory x)")" "the memory cgroup a SIGKILLed nsboot left"
nsboot_run -q --config="$conf" -M "$name" /bin/true
assert_rc 0
for c in memory pids cpu cpuset blkio; do
        assert_file_not_exists "$(dirname "$(limit_file "$c" x)")" "the $c cgroup after the next start"
done

# --check: every limit that cannot be applied here is named, the rest passes.
if ((hybrid)); then
        printf 'nsboot.memory.high = 32M\nnsboot.io.weight = 300\n' >>"$conf"
        nsboot_run --config="$conf" -M "$name" --check
        assert_rc 1
        assert_file_contains "$NSBOOT_ERR" "Limit memory.high=33554432: cgroup v1 has no equivalent of memory.high" \
                "--check names memory.high"
        if [[ ! -e /sys/fs/cgroup/blkio/blkio.weight ]]; then
                assert_file_contains "$NSBOOT_ERR" "Limit io.weight=300: the kernel's cgroup v1 has no file for it" \
                        "--check names io.weight"
        fi
        for ok in memory.max memory.swap.max pids.max cpu.max cpu.weight cpuset.cpus; do
                assert_file_not_contains "$NSBOOT_ERR" "Limit $ok" "--check does not name the applicable $ok"
        done
        nsboot_run -q --config="$conf" -M "$name" /bin/true
        assert_rc 1
fi
exit 0
