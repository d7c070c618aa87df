#!/bin/bash
# Run a test in the system-tier VM: Debian with systemd as PID 1, D-Bus, systemd-machined, pure
# cgroup v2, the cloud kernel and its modules, under qemu (TCG: no usable KVM here).
#
#   run.sh [OPTIONS] DIR
#
# DIR holds run.sh (run with bash as root in the VM, in DIR, with stdin /dev/null) and whatever
# it needs: the nsboot binary, guest trees, data. It is packed into an ext4 image labelled
# TESTDISK (mkfs.ext4 -d, no mount), which the VM mounts at /mnt/test; the test finds it there
# (also as $TESTDIR) and may write into it. The root image (test/vm/mkimage.sh, built on first
# use) is attached with snapshot=on, so it stays pristine and runs are independent.
#
# Prints the test's output (its stdout and stderr, interleaved) and exits with its exit status;
# 124 if the VM or the test ran out of time, 125 if the VM produced no exit status. The VM's
# serial console log is shown (last lines) when something went wrong.
#
# Options:
#   --timeout S       bound for the whole VM run: boot, test and power-off (default 600). The
#                     test itself gets S minus 90 s (boot and power-off under TCG take ~25 s).
#   --results DEST    copy DIR/results from the test disk back to DEST after the run (created;
#                     must not exist), so that a test can return files.
#   --console FILE    keep the VM's full serial console log in FILE.
#   --image DIR       use this image directory (root.raw, vmlinuz, initrd.img) instead of
#                     building/reusing the cached one with mkimage.sh.
#   --memory MB       guest memory (default 2048).
#   --append ARGS     extra kernel command-line arguments.
#
# Leaves nothing behind: the temporary directory (test.img, qemu's snapshot overlay) is removed
# and qemu is killed whatever happens, also when this script is interrupted.
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
QEMU=${QEMU:-qemu-system-x86_64}
# Boot (~15 s), power-off (~5 s) and slack on a loaded 2-core machine.
VM_OVERHEAD=90
# udev loads KVM for qemu's emulated CPU (-cpu max has SVM) while the test starts: nested
# virtualization serves no test, and its initialization (on every CPU, under emulation) is the
# slowest module load of the boot. Once, on a loaded CI host, a VM hung for good in a module's
# initialization (finit_module) and a netlink request, at the first start of a test's guest.
MODULE_BLACKLIST=module_blacklist=kvm,kvm_amd,kvm_intel

timeout_s=600
results=""
console_copy=""
image=""
memory=2048
append=""

TMP=""
QEMU_PID=""

log() { echo "vm/run: $*" >&2; }
die() { log "$*"; exit 125; }

usage() {
        awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
        local rc=$? pid
        set +e
        trap - EXIT HUP INT TERM PIPE
        if [[ -n $QEMU_PID ]] && kill -0 "$QEMU_PID" 2>/dev/null; then
                # The timeout wrapper forwards TERM to qemu; make sure, by qemu's own PID too.
                kill -TERM "$QEMU_PID" 2>/dev/null
                if [[ -s $TMP/qemu.pid ]]; then
                        pid=$(<"$TMP/qemu.pid")
                        [[ $(cat "/proc/$pid/comm" 2>/dev/null) == qemu-system-* ]] && kill -TERM "$pid" 2>/dev/null
                fi
                timeout 10 tail --pid="$QEMU_PID" -f /dev/null
                kill -KILL "$QEMU_PID" 2>/dev/null
                [[ -n ${pid:-} && $(cat "/proc/$pid/comm" 2>/dev/null) == qemu-system-* ]] &&
                        kill -KILL "$pid" 2>/dev/null
                wait "$QEMU_PID" 2>/dev/null
        fi
        [[ -z $TMP || ! -d $TMP ]] || rm -rf --one-file-system "$TMP"
        exit "$rc"
}

show_console() {
        [[ -s $TMP/console.log ]] || { log "(the VM printed nothing on its console)"; return 0; }
        log "last lines of the VM console:"
        tail -n "${1:-60}" "$TMP/console.log" | tr -d '\r' | sed 's/^/    /' >&2
}

# show_kernel_reports: what the VM's kernel said about tasks that hung or CPUs that locked up (the
# hung task detector, the soft lockup and RCU stall watchdogs, sysrq): each report's first line and
# the functions of its stack that are certain (not the "?" guesses), the first 200 lines of that.
show_kernel_reports() {
        local re='blocked for more than|soft lockup|rcu_(sched|preempt) (self-)?detected|task:.* state:|sysrq: Show'
        [[ -s $TMP/console.log ]] && grep -Eq "$re" "$TMP/console.log" || return 0
        log "the VM's kernel reported hung tasks or lockups (first lines and certain stack frames):"
        tr -d '\r' <"$TMP/console.log" | awk -v re="$re" '
                $0 ~ re { on = 1; print "    " $0; next }
                on && /<\/TASK>/ { on = 0; next }
                on && /\] +[a-zA-Z_][a-zA-Z0-9_.]*\+0x/ && !/\] +\? / { print "        " $0 }' | head -n 200 >&2
}

# debugfs_exists IMG PATH: whether the test disk has PATH (debugfs exits 0 either way).
debugfs_exists() {
        local out
        out=$(debugfs -R "stat $2" "$1" 2>&1 >/dev/null) || return 1
        [[ $out != *"File not found"* ]]
}

# debugfs_cat IMG PATH: a file of the test disk on stdout, without mounting it.
debugfs_cat() {
        debugfs_exists "$1" "$2" || return 1
        debugfs -R "cat $2" "$1" 2>/dev/null
}

while [[ $# -gt 0 ]]; do
        case $1 in
        --timeout) timeout_s=${2:?}; shift 2 ;;
        --timeout=*) timeout_s=${1#*=}; shift ;;
        --results) results=${2:?}; shift 2 ;;
        --results=*) results=${1#*=}; shift ;;
        --console) console_copy=${2:?}; shift 2 ;;
        --console=*) console_copy=${1#*=}; shift ;;
        --image) image=${2:?}; shift 2 ;;
        --image=*) image=${1#*=}; shift ;;
        --memory) memory=${2:?}; shift 2 ;;
        --memory=*) memory=${1#*=}; shift ;;
        --append) append=${2:?}; shift 2 ;;
        --append=*) append=${1#*=}; shift ;;
        -h|--help) usage; exit 0 ;;
        --) shift; break ;;
        -*) die "unknown option '$1'" ;;
        *) break ;;
        esac
done
[[ $# == 1 ]] || { usage >&2; exit 2; }
dir=$1
[[ -f $dir/run.sh ]] || die "'$dir' has no run.sh"
if [[ ! $timeout_s =~ ^[0-9]+$ ]] || ((timeout_s <= VM_OVERHEAD)); then
        die "--timeout must be more than $VM_OVERHEAD s"
fi
[[ -z $results || ! -e $results ]] || die "'$results' already exists"
[[ $(id -u) == 0 ]] || die "must run as root"
for c in "$QEMU" mkfs.ext4 debugfs e2fsck timeout setpriv; do
        command -v "$c" >/dev/null || die "needs '$c'"
done

if [[ -z $image ]]; then
        image=$("$SRCDIR/test/vm/mkimage.sh") || die "cannot build the VM image"
fi
for f in root.raw vmlinuz initrd.img; do
        [[ -s $image/$f ]] || die "no $f in '$image'"
done

trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM
TMP=$(mktemp -d /var/tmp/nsboot-vm.XXXXXX)

# The test disk: DIR's size plus room for the output, results and file system overhead. Sparse,
# so a generous margin costs nothing. Enough inodes for the trees in DIR, whatever their size.
start=$SECONDS
kib=$(du -skx --apparent-size "$dir" | cut -f1)
files=$(find "$dir" -xdev | wc -l)
size_mib=$((kib * 13 / 10 / 1024 + 512))
inodes=$((files * 2 + 16384))
mkfs.ext4 -q -F -L TESTDISK -N "$inodes" -E lazy_itable_init=0,lazy_journal_init=0 \
        -d "$dir" "$TMP/test.img" "${size_mib}M" >"$TMP/mkfs.log" 2>&1 ||
        { cat "$TMP/mkfs.log" >&2; die "mkfs.ext4 -d '$dir' failed"; }
log "test disk: ${size_mib} MiB, $files files, packed in $((SECONDS - start))s"

# The guest's own bound for run.sh; ours for the whole VM is the backstop.
test_timeout=$((timeout_s - VM_OVERHEAD))
log "booting the VM (timeout ${timeout_s}s, test ${test_timeout}s)"
start=$SECONDS
# No network device reaches the outside: one virtio NIC on a hub of its own, so that the guest has
# a real eth0 (e.g. as a vlan parent) that nothing is connected to. TMPDIR: qemu puts the
# snapshot=on overlay there, and we remove it. --pdeathsig: should this script be SIGKILLed (no
# cleanup then), timeout dies with it, and qemu with timeout.
TMPDIR=$TMP setpriv --pdeathsig KILL -- timeout -k 10 "$timeout_s" \
        setpriv --pdeathsig KILL -- "$QEMU" \
        -M q35 -accel tcg,thread=multi -cpu max -smp 2 -m "$memory" \
        -display none -vga none -monitor none -no-reboot -nodefaults \
        -serial "file:$TMP/console.log" \
        -pidfile "$TMP/qemu.pid" \
        -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
        -append "root=/dev/vda rw console=ttyS0 net.ifnames=0 panic=-1 $MODULE_BLACKLIST nsboot.vmtest nsboot.vmtest.timeout=$test_timeout $append" \
        -drive "file=$image/root.raw,if=virtio,format=raw,snapshot=on" \
        -drive "file=$TMP/test.img,if=virtio,format=raw" \
        -netdev hubport,id=net0,hubid=0 -device virtio-net-pci,netdev=net0,romfile= \
        </dev/null >"$TMP/qemu.log" 2>&1 &
QEMU_PID=$!
qemu_rc=0
wait "$QEMU_PID" || qemu_rc=$?
QEMU_PID=""
vm_secs=$((SECONDS - start))
[[ -z $console_copy ]] || cp "$TMP/console.log" "$console_copy" 2>/dev/null || true

if [[ $qemu_rc == 124 || $qemu_rc == 137 ]]; then
        log "the VM did not power off within ${timeout_s}s"
        show_kernel_reports
        show_console
        # What the test wrote so far, if the disk can be read (the journal replayed first).
        if e2fsck -p "$TMP/test.img" >/dev/null 2>&1 && debugfs_cat "$TMP/test.img" /output >"$TMP/output"; then
                log "the test's output so far:"
                cat "$TMP/output"
        fi
        exit 124
fi
if [[ $qemu_rc != 0 ]]; then
        log "qemu failed (exit status $qemu_rc):"
        sed 's/^/    /' "$TMP/qemu.log" >&2
        show_console
        exit 125
fi
log "the VM ran for ${vm_secs}s"

# The guest unmounts the disk cleanly; should it not have, replay the journal (debugfs does not).
e2fsck -p "$TMP/test.img" >"$TMP/fsck.log" 2>&1 || {
        log "e2fsck on the test disk said (exit status $?):"
        sed 's/^/    /' "$TMP/fsck.log" >&2
}

if ! debugfs_cat "$TMP/test.img" /output >"$TMP/output"; then
        log "the test left no output file"
fi
cat "$TMP/output"

if [[ -n $results ]]; then
        if debugfs_exists "$TMP/test.img" /results; then
                mkdir "$TMP/results"
                if ! debugfs -R "rdump /results $TMP/results" "$TMP/test.img" >/dev/null 2>&1 ||
                        ! mv "$TMP/results/results" "$results"; then
                        log "could not copy results/ back"
                fi
        else
                log "the test left no results/ directory"
        fi
fi

rc=$(debugfs_cat "$TMP/test.img" /rc 2>/dev/null | tr -d '[:space:]') || rc=""
if [[ ! $rc =~ ^[0-9]+$ ]]; then
        log "the VM produced no exit status"
        show_console
        exit 125
fi
if [[ $rc != 0 ]]; then
        log "the test exited with status $rc"
        [[ $rc != 124 ]] || { show_kernel_reports; show_console 30; }
fi
exit "$rc"
