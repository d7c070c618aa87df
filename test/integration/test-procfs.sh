#!/bin/bash
# The guest's /proc view, served by its own nsboot: /proc/meminfo, swaps, cpuinfo, stat, loadavg and
# /sys/devices/system/cpu/online show the machine's memory limit, usage, CPUs and load (through
# read() and sendfile() alike); --proc-virtualize=no shows the host's. Killing nsboot while the guest
# reads in a loop takes the guest with it and nothing hangs; a stopped nsboot does not hang readers
# for longer than the kernel's request timeout.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[[ -c /dev/fuse ]] || skip "no /dev/fuse"
grep -qw fuse /proc/filesystems || skip "no FUSE in this kernel"
busybox_tree tree
name=$(basename "$tree")
host_kb=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
ncpu=$(nproc)

conf=$WORKDIR/view.conf
printf 'lxc.rootfs.path = dir:%s\nnsboot.memory.max = 64M\nnsboot.memory.swap.max = 0\n' "$tree" >"$conf"
((ncpu > 1)) && echo 'nsboot.cpuset.cpus = 0' >>"$conf"
want_cpus=1
((ncpu > 1)) || want_cpus=$ncpu

nsboot_run -q --config="$conf" -M "$name" /bin/sh -c '
        echo "total=$(awk "/^MemTotal:/ { print \$2 }" /proc/meminfo)"
        echo "sysinfo=$(free | awk "/^Mem:/ { print \$2 }")"
        echo "sendfile=$(cat /proc/cpuinfo | md5sum | cut -c1-8) read=$(dd if=/proc/cpuinfo bs=64k 2>/dev/null | md5sum | cut -c1-8) size=$(cat /proc/cpuinfo | wc -c)"
        free1=$(awk "/^MemFree:/ { print \$2 }" /proc/meminfo)
        head -c 20000000 /dev/zero >/dev/shm/fill
        echo "used_kb=$((free1 - $(awk "/^MemFree:/ { print \$2 }" /proc/meminfo)))"
        rm /dev/shm/fill
        echo "swaps=$(wc -l </proc/swaps)"
        echo "cpuinfo=$(grep -c ^processor /proc/cpuinfo) stat=$(grep -c "^cpu[0-9]" /proc/stat) nproc=$(nproc)"
        echo "online=$(cat /sys/devices/system/cpu/online)"
        echo "fuse=$(grep -c fuse.nsboot-proc /proc/self/mountinfo)"
        while :; do :; done & sleep 11; kill $!
        echo "load=$(cut -d" " -f1 /proc/loadavg)"'
assert_rc 0
assert_eq 65536 "$(output | sed -n 's/^total=//p')" "MemTotal inside with a 64M limit"
assert_eq 65536 "$(output | sed -n 's/^sysinfo=//p')" "sysinfo() total memory (busybox free)"
line=$(output | grep '^sendfile=')
read -r sf rd sz <<<"$line"
[[ ${sf#sendfile=} == "${rd#read=}" && ${sz#size=} -gt 100 ]] || fail "sendfile() and read() of /proc/cpuinfo differ: $line"
used=$(output | sed -n 's/^used_kb=//p')
((used > 15000 && used < 30000)) || fail "20 MB written to /dev/shm took $used kB of MemFree"
assert_eq 1 "$(output | sed -n 's/^swaps=//p')" "/proc/swaps with memory.swap.max = 0: the header only"
assert_eq "cpuinfo=$want_cpus stat=$want_cpus nproc=$want_cpus" "$(output | grep '^cpuinfo=')" "CPUs seen inside"
((ncpu > 1)) && assert_eq 0 "$(output | sed -n 's/^online=//p')" "/sys/devices/system/cpu/online"
(($(output | sed -n 's/^fuse=//p') >= 6)) || fail "the /proc view's binds are missing in mountinfo"
load=$(output | sed -n 's/^load=//p')
awk -v l="$load" 'BEGIN { exit !(l >= 0.1 && l <= 1.5) }' || fail "loadavg after 11 s of one busy loop: $load"

# Turned off: the host's values, no FUSE mount.
nsboot_run -q --config="$conf" -M "$name" --proc-virtualize=no /bin/sh -c \
        'awk "/^MemTotal:/ { print \$2 }" /proc/meminfo; free | awk "/^Mem:/ { print \$2 }"
         grep -c fuse.nsboot-proc /proc/self/mountinfo || true'
assert_rc 0
assert_eq "$host_kb $host_kb 0" "$(output | tr '\n' ' ' | sed 's/ $//')" \
        "MemTotal, sysinfo() and FUSE mounts with --proc-virtualize=no"

# nsboot SIGKILLed while the guest reads /proc/meminfo in a loop: everything ends, nothing hangs.
boot_sleeping "$tree" --config="$conf" -M "$name"
in_guest "$LEADER" sh -c 'while :; do cat /proc/meminfo >/dev/null; done' &
reader=$!
at_exit "_kill_if_alive $reader"
sleep 1
kill -KILL "$NSBOOT_PID"
wait_pid_exit "$LEADER" 10 || fail "the guest's PID 1 outlived its nsboot"
wait_pid_exit "$reader" 10 || fail "a reader of /proc/meminfo hangs after nsboot was killed"
wait "$NSBOOT_PID" 2>/dev/null || true
NSBOOT_PID=""

# A stopped nsboot: the kernel aborts the connection after its request timeout (Linux 6.14), the
# reader gets an error instead of hanging.
if [[ -e /proc/sys/fs/fuse/max_request_timeout ]]; then
        boot_sleeping "$tree" --config="$conf" -M "$name"
        kill -STOP "$NSBOOT_PID"
        at_exit "kill -CONT $NSBOOT_PID 2>/dev/null"
        start=$SECONDS
        if IN_GUEST_TIMEOUT=90 in_guest "$LEADER" cat /proc/meminfo >/dev/null 2>&1; then
                fail "reading /proc/meminfo worked while nsboot was stopped"
        fi
        took=$((SECONDS - start))
        ((took < 60)) || fail "a read while nsboot was stopped took $took s"
        log "a read while nsboot was stopped failed after $took s"
        kill -CONT "$NSBOOT_PID"
        poweroff_guest
fi
exit 0
