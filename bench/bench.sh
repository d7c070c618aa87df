#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench.sh — measure nsboot against systemd-nspawn on the same tree.
#
#   bench/bench.sh [OPTIONS]
#
#   -D, --directory=TREE   tree to run (default: $NSBOOT_BENCH_TREE, else what
#                          test/lib/mktree-debian.sh prints, else /var/tmp/nsb/debian)
#   -n, --rounds=N         rounds for the /bin/true test (default 10)
#   -b, --boot-rounds=N    rounds for the boot-to-poweroff test (default 5)
#   -r, --rss-rounds=N     rounds for the RSS test (default 3)
#       --variants=LIST    comma-separated subset of nsboot,nsboot-priv,nspawn-U,nspawn
#                          (default: all four; nsboot is always run)
#       --density[=N]      also boot N guests at once per variant, each on its own overlay
#                          of one copy (default N: 100; slow: minutes per variant)
#       --density-only     only the density measure (N = 100 unless --density=N)
#       --density-variants=LIST  variants of the density measure (default: nsboot,nspawn-U)
#       --density-rounds=R density: R rounds per variant, alternating (default 1): medians
#       --density-v1-cgroups  density, on a hybrid host: each systemd-nspawn guest also gets a
#                          cgroup of its own in every v1 controller hierarchy, as machined's
#                          Delegate=yes scope gives it under systemd (nsboot makes its own)
#       --stall=SECS       density: stop the guests still running when none has ended for
#                          SECS seconds (guests hung at a host limit; default 90)
#       --nsboot=PATH      nsboot binary (default: build/nsboot of this checkout)
#       --nspawn=PATH      systemd-nspawn binary (default: from $PATH)
#       --keep-logs=DIR    copy every run's console log to DIR
#   -h, --help             this text
#
# The tree is copied once onto a tmpfs of the script's own (tmpfs can be mounted idmapped,
# overlayfs cannot, and nsboot's default mode idmaps the tree). Each variant gets its own
# copy for the /bin/true runs, reused across rounds; every boot gets a fresh copy. Nothing
# is written to TREE. Runs are interleaved (each round runs every variant, the order
# rotating from round to round) after one untimed warm-up run of each, each in a fresh
# cgroup, timed with CLOCK_MONOTONIC from the exec of `timeout ... TOOL ...` (stdin
# </dev/null) to its reaping, with its CPU time. Must run as root. Prints a table and a
# machine-readable block between "--- BEGIN NSBOOT-BENCH ---" and "--- END NSBOOT-BENCH ---".
# The density guests share one more copy, each below an overlay made by the tool itself.
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

ROUNDS_TRUE=10
ROUNDS_BOOT=5
ROUNDS_RSS=3
DENSITY=0
DENSITY_DEFAULT=100
DENSITY_ONLY=0
DENSITY_VARIANTS=(nsboot nspawn-U)
DENSITY_STALL=90
DENSITY_ROUNDS=1
DENSITY_V1=0
DENSITY_TIMEOUT=900     # seconds, per guest of the density measure
TREE=${NSBOOT_BENCH_TREE:-}
NSBOOT=$SRCDIR/build/nsboot
NSPAWN=""
KEEP_LOGS=""
ALL_VARIANTS=(nsboot nsboot-priv nspawn-U nspawn)
VARIANTS=("${ALL_VARIANTS[@]}")

TIMEOUT_TRUE=30         # seconds, per /bin/true run
TIMEOUT_BOOT=120        # seconds, per boot run
RSS_HOLD=3              # seconds the guest stays up after multi-user.target in the RSS test
MACHINE=nsbench-$$
MACHINE_ID=6e73626f6f7462656e63680000000001   # fixed, so no run is a "first boot"
MARKER_REL=var/lib/nsboot-bench.marker
CONSOLE_TAG="NSBOOT-BENCH multi-user.target="

# Targets (reported, not asserted): issue 14 (against the floor and systemd-nspawn) and
# issue 8 (the user namespace default against the privileged mode).
TARGET_TRUE_FLOOR=1.2
TARGET_TRUE_NSPAWN=0.15
TARGET_USERNS=1.10
TARGET_BOOT_NSPAWN=0.85
TARGET_RSS_KIB=2048

log() { echo "bench: $*" >&2; }
die() { echo "bench: ERROR: $*" >&2; exit 1; }

usage() {
        sed -n '4,37p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

positive_int() {
        [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1: '$2' is not a positive integer"
}

# parse_variants OPTION LIST ARRAY: the variants of LIST, nsboot first and always
parse_variants() {
        local v w ok
        local -a list
        local -n _pv_ret=$3
        IFS=, read -r -a list <<<"$2"
        _pv_ret=(nsboot)
        for v in "${list[@]}"; do
                ok=0
                for w in "${ALL_VARIANTS[@]}"; do [[ $v == "$w" ]] && ok=1; done
                [[ $ok == 1 ]] || die "$1: unknown variant '$v' (known: ${ALL_VARIANTS[*]})"
                [[ $v == nsboot || " ${_pv_ret[*]} " == *" $v "* ]] || _pv_ret+=("$v")
        done
}

parse_args() {
        local opts
        opts=$(getopt -o D:n:b:r:h \
                -l directory:,rounds:,boot-rounds:,rss-rounds:,variants:,density::,density-only,density-variants:,stall: \
                -l density-rounds:,density-v1-cgroups \
                -l nsboot:,nspawn:,keep-logs:,help \
                -n bench.sh -- "$@") || { usage >&2; exit 1; }
        eval set -- "$opts"
        while true; do
                case $1 in
                -D|--directory)   TREE=$2; shift 2 ;;
                -n|--rounds)      positive_int "$1" "$2"; ROUNDS_TRUE=$2; shift 2 ;;
                -b|--boot-rounds) positive_int "$1" "$2"; ROUNDS_BOOT=$2; shift 2 ;;
                -r|--rss-rounds)  positive_int "$1" "$2"; ROUNDS_RSS=$2; shift 2 ;;
                --variants)       parse_variants "$1" "$2" VARIANTS; shift 2 ;;
                --density)        DENSITY=${2:-$DENSITY_DEFAULT}; positive_int "$1" "$DENSITY"; shift 2 ;;
                --density-only)   DENSITY_ONLY=1; shift ;;
                --density-variants) parse_variants "$1" "$2" DENSITY_VARIANTS; shift 2 ;;
                --stall)          positive_int "$1" "$2"; DENSITY_STALL=$2; shift 2 ;;
                --density-rounds) positive_int "$1" "$2"; DENSITY_ROUNDS=$2; shift 2 ;;
                --density-v1-cgroups) DENSITY_V1=1; shift ;;
                --nsboot)         NSBOOT=$2; shift 2 ;;
                --nspawn)         NSPAWN=$2; shift 2 ;;
                --keep-logs)      KEEP_LOGS=$2; shift 2 ;;
                -h|--help)        usage; exit 0 ;;
                --)               shift; break ;;
                esac
        done
        [[ $# -eq 0 ]] || die "unexpected argument '$1'"
        [[ $DENSITY_ONLY == 0 || $DENSITY -gt 0 ]] || DENSITY=$DENSITY_DEFAULT
}

# ---------------------------------------------------------------------------------------
# Work directory, cleanup

WORK=""
STORE=""        # the tmpfs holding the copies of the tree
HELPER_PID=""   # the timing helper of the run in progress
RUN_DIR=""

mounts_under() {
        # Mount points at or below $1, deepest first.
        awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# The timing helper writes the process group of the run in progress (timeout(1) leads it).
stop_group() {
        local pgid=$1 i
        [[ $pgid =~ ^[0-9]+$ ]] || return 0
        kill -0 -- "-$pgid" 2>/dev/null || return 0
        log "stopping the run in progress (process group $pgid)"
        kill -TERM -- "-$pgid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
                kill -0 -- "-$pgid" 2>/dev/null || return 0
                sleep 0.1
        done
        kill -KILL -- "-$pgid" 2>/dev/null || true
        sleep 0.5
}

stop_current_run() {
        local f
        for f in "$RUN_DIR"/pgid "$WORK"/density/*.pgid; do
                [[ -f $f ]] && stop_group "$(<"$f")"
        done
        return 0
}

stop_helper() {
        [[ -n $HELPER_PID ]] || return 0
        kill -TERM "$HELPER_PID" 2>/dev/null || true
        wait "$HELPER_PID" 2>/dev/null || true
        HELPER_PID=""
}

umount_under() {
        local m
        for m in $(mounts_under "$1"); do
                umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
        done
}

# Every run starts in a fresh cgroup of its own below CG_BASE (on the cgroup2 hierarchy):
# systemd-nspawn --keep-unit makes the cgroup it runs in the container's, and with -U it must be
# one it can hand to the guest (the root cgroup is not).
CG_BASE=""

setup_cgroups() {
        local v2
        v2=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break; if ($(i + 1) == "cgroup2") { print $5; exit } }' \
                /proc/self/mountinfo)
        [[ -n $v2 ]] || die "no cgroup2 hierarchy is mounted"
        CG_BASE=$v2/nsboot-bench-$$
        mkdir "$CG_BASE"
}

# remove_cgroup DIR: DIR and what the run made below it, deepest first; for up to 10 s while
# processes stopped a moment ago are still leaving it
remove_cgroup() {
        local try
        [[ -n $1 && -d $1 ]] || return 0
        for ((try = 0; try < 20; try++)); do
                find "$1" -depth -type d -exec rmdir {} + 2>/dev/null || true
                [[ -d $1 ]] || return 0
                sleep 0.5
        done
        log "could not remove the cgroup $1"
}

cleanup() {
        local rc=$?
        trap - EXIT INT TERM HUP
        [[ -z $WORK ]] || stop_current_run
        stop_helper
        if [[ -n $WORK && -d $WORK ]]; then
                umount_under "$WORK"
                if [[ -n $(mounts_under "$WORK") ]]; then
                        log "leaving $WORK behind: something is still mounted below it"
                else
                        rm -rf --one-file-system -- "$WORK"
                fi
        fi
        remove_cgroup "$CG_BASE"
        density_v1_remove
        # systemd-nspawn mirrors its cgroup in the name=systemd hierarchy of a hybrid host.
        [[ -z $CG_BASE ]] || remove_cgroup "/sys/fs/cgroup/systemd/${CG_BASE##*/}"
        # What an nsboot killed at a stall left (its cgroups in every hierarchy, its state).
        local m
        for m in $(ls /run/nsboot/machines 2>/dev/null | sed -n "s/^\($MACHINE-[^.]*\)\..*/\1/p" | sort -u); do
                "$NSBOOT" --cleanup -M "$m" >/dev/null 2>&1 || log "nsboot --cleanup -M $m failed"
        done
        # Left behind by nspawn when /run is not a tmpfs (it refuses to remove it itself).
        local d
        for d in "/run/systemd/nspawn/propagate/$MACHINE"* \
                 /sys/fs/cgroup/unified/machine.slice/machine-"$MACHINE"*.scope \
                 /sys/fs/cgroup/machine.slice/machine-"$MACHINE"*.scope; do
                [[ -d $d ]] && rmdir "$d" 2>/dev/null
        done
        exit "$rc"
}

on_signal() {
        log "interrupted"
        exit 130
}

# ---------------------------------------------------------------------------------------
# The timing helper: forks `timeout ... CMD`, times fork..wait with CLOCK_MONOTONIC,
# optionally samples the supervisor's memory once the guest has written the marker.

write_helper() {
        # What both helpers do when the bench is interrupted: signal the process groups they
        # started, then leave with 128 + the signal.
        cat >"$WORK/benchstop.py" <<'EOF'
import signal, sys

def on_stop(kill):
    def stop(signum, frame):
        kill()
        sys.exit(128 + signum)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
EOF
        cat >"$WORK/timed.py" <<'EOF'
import fcntl, os, signal, sys, time
from benchstop import on_stop

# timed.py PGIDFILE LOG MARKER|- RSSOUT|- HOLD CGROUP|- -- CMD...
pgidfile, logpath, marker, rssout, hold, cgroup = sys.argv[1:7]
assert sys.argv[7] == "--"
cmd = sys.argv[8:]

# Says it is ready on fd 9, waits for the go on fd 8, then becomes CMD (same PID). A small process: exec() out of a fork()ed
# Python costs ~7-20 ms on a paravirtualized host (its whole address space copied on write, then
# torn down), which timed with the run would add the same constant to every figure and pull every
# ratio towards 1.
TRAMPOLINE = ["/bin/sh", "-c", 'echo >&9; exec 9>&-; read -r _ <&8; exec 8<&-; exec "$@"', "sh"]

class Child:
    """fork()ed, moved into CGROUP, exec()ed into the trampoline, which waits on a pipe: the
    clock starts at the go, so neither the fork, the cgroup move nor the exec out of Python is
    timed; then the trampoline exec()s CMD."""
    def __init__(self, cmd, log, cgroup):
        r, w = os.pipe()
        ready_r, ready_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            try:
                os.close(w)
                os.close(ready_r)
                if cgroup != "-":
                    with open(f"{cgroup}/cgroup.procs", "w") as f:
                        f.write("0")
                fd = os.open("/dev/null", os.O_RDONLY)
                os.dup2(fd, 0)
                os.dup2(log.fileno(), 1)
                os.dup2(log.fileno(), 2)
                # Out of the way first: either may be 8 or 9, or the log (3) below them.
                go, ready = fcntl.fcntl(r, fcntl.F_DUPFD, 10), fcntl.fcntl(ready_w, fcntl.F_DUPFD, 10)
                os.dup2(go, 8)      # inheritable
                os.dup2(ready, 9)
                os.execv(TRAMPOLINE[0], TRAMPOLINE + cmd)
            finally:
                os._exit(127)
        os.close(r)
        os.close(ready_w)
        os.read(ready_r, 1)     # the trampoline runs: from here on only CMD is timed
        os.close(ready_r)
        # The CPU time it has had so far (in the fork, the exec, the shell), not the run's: taken
        # off the total at the end. schedstat's first field is the time on a CPU, in ns.
        with open(f"/proc/{self.pid}/schedstat") as f:
            self.cpu_before_ns = int(f.read().split()[0])
        self.go_fd = w
        self.returncode = None
    def go(self):
        os.write(self.go_fd, b"x\n")
        os.close(self.go_fd)
    def reaped(self, st, ru):
        self.returncode = os.waitstatus_to_exitcode(st)
        # CPU time of the run and of every descendant that was waited for (the guest's
        # processes are reaped by its init, which the supervisor reaps).
        self.cpu_ns = int((ru.ru_utime + ru.ru_stime) * 1e9) - self.cpu_before_ns
    def poll(self):
        if self.returncode is None:
            pid, st, ru = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.reaped(st, ru)
        return self.returncode
    def wait(self):
        if self.returncode is None:
            _, st, ru = os.wait4(self.pid, 0)
            self.reaped(st, ru)
        return self.returncode

def status_fields(pid):
    d = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            d[k] = v.strip()
    return d

def rollup_kib(pid):
    # Pss: shared pages divided among their users; USS (Private_Clean + Private_Dirty): what the
    # supervisor alone holds, freed when it exits.
    d = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                k, _, v = line.partition(":")
                if v.strip().endswith("kB"):
                    d[k] = int(v.split()[0])
    except OSError:
        pass
    return (d.get("Pss", -1), d.get("Private_Clean", 0) + d.get("Private_Dirty", 0) if d else -1,
            d.get("Private_Dirty", -1))

def sample(p):
    # timeout(1) forks once and execs the tool: the supervisor is its only child.
    with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
        kids = f.read().split()
    if len(kids) != 1:
        raise RuntimeError(f"timeout has children {kids}, expected exactly the supervisor")
    sup = int(kids[0])
    st = status_fields(sup)
    kib = lambda k: int(st.get(k, "-1 kB").split()[0])
    with open(f"/proc/{sup}/task/{sup}/children") as f:
        nkids = len(f.read().split())
    pss, uss, dirty = rollup_kib(sup)
    with open(f"/proc/{sup}/maps") as f:
        libs = sorted({l.split()[5] for l in f if len(l.split()) >= 6 and ".so" in l.split()[5]})
    return (f"pid={sup} comm={st['Name']} vmrss_kib={kib('VmRSS')} vmhwm_kib={kib('VmHWM')} "
            f"rssanon_kib={kib('RssAnon')} rssfile_kib={kib('RssFile')} rssshmem_kib={kib('RssShmem')} "
            f"pss_kib={pss} uss_kib={uss} private_dirty_kib={dirty} children={nkids} libs={len(libs)}\n")

log = open(logpath, "wb")
p = Child(cmd, log, cgroup)
t0 = time.monotonic_ns()
p.go()
with open(pgidfile, "w") as f:
    f.write(f"{p.pid}\n")   # timeout(1) makes itself a process group leader

def kill_group():
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except OSError:
        pass
on_stop(kill_group)

if marker != "-":
    result = "error=guest exited before reaching multi-user.target\n"
    while p.poll() is None:
        if os.path.exists(marker):
            time.sleep(1.0)     # let the guest settle after multi-user.target
            try:
                result = sample(p)
            except Exception as e:
                result = f"error={e}\n"
            break
        time.sleep(0.01)
    with open(rssout, "w") as f:
        f.write(result)

rc = p.wait()
t1 = time.monotonic_ns()
print(t1 - t0, rc, p.cpu_ns)
EOF
}

# ---------------------------------------------------------------------------------------
# Storage: one tmpfs, the master copy of the tree, copies made from it

setup_store() {
        local kib copies
        kib=$(du -sk --one-file-system "$TREE" | cut -f1)
        # master + one /bin/true copy per variant + one boot copy + the density copy and overlays
        copies=$(( ${#VARIANTS[@]} + 2 + (DENSITY > 0 ? 2 : 0) ))
        STORE=$WORK/store
        mkdir -p "$STORE"
        mount -t tmpfs -o "size=$(( kib * copies * 11 / 10 / 1024 + 64 ))m,mode=0755" nsboot-bench "$STORE"
        log "copying the tree onto a tmpfs ($(( kib / 1024 )) MiB)"
        cp -a "$TREE" "$STORE/master"
        rm -f "$STORE/master/etc/machine-id"
        echo "$MACHINE_ID" >"$STORE/master/etc/machine-id"
        chmod 0444 "$STORE/master/etc/machine-id"
}

# copy_tree DEST: a fresh copy of the master
copy_tree() {
        rm -rf --one-file-system -- "$1"
        cp -a "$STORE/master" "$1"
}

# install_bench_unit ROOT MODE: the unit that reports multi-user.target and powers off
install_bench_unit() {
        local root=$1 mode=$2 unit=$1/etc/systemd/system/nsboot-bench.service
        {
                echo "[Unit]"
                echo "Description=nsboot bench: power off once multi-user.target is reached"
                echo "After=multi-user.target"
                echo "[Service]"
                echo "Type=oneshot"
                echo "ExecStart=/bin/sh -c 's=\$(systemctl is-active multi-user.target); echo \"$CONSOLE_TAG\$s\" >/dev/console; echo \"\$s\" >/$MARKER_REL; [ \"\$s\" = active ]'"
                [[ $mode != rss ]] || echo "ExecStart=/bin/sleep $RSS_HOLD"
                echo "ExecStart=/bin/systemctl poweroff --no-block"
                echo "[Install]"
                echo "WantedBy=multi-user.target"
        } >"$unit"
        mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
        ln -s /etc/systemd/system/nsboot-bench.service "$root/etc/systemd/system/multi-user.target.wants/"
}

# ---------------------------------------------------------------------------------------
# One run

RUN_NO=0
RUN_ROOT=""

# prepare VARIANT MODE: the tree for one run; MODE is true, check, boot or rss
prepare() {
        local variant=$1 mode=$2
        RUN_NO=$((RUN_NO + 1))
        RUN_DIR=$WORK/run$RUN_NO
        mkdir -p "$RUN_DIR"
        case $mode in
        true|check)
                if [[ $variant == floor ]]; then
                        RUN_ROOT=$STORE/master          # chroot + /bin/true writes nothing
                else
                        RUN_ROOT=$STORE/true-$variant
                        [[ -d $RUN_ROOT ]] || copy_tree "$RUN_ROOT"
                fi ;;
        boot|rss)
                RUN_ROOT=$STORE/boot
                copy_tree "$RUN_ROOT"
                install_bench_unit "$RUN_ROOT" "$mode" ;;
        esac
}

finish() {
        remove_cgroup "$CG_BASE/run$RUN_NO"
        rm -rf --one-file-system -- "$RUN_DIR"
        [[ $RUN_ROOT != "$STORE/boot" ]] || rm -rf --one-file-system -- "$RUN_ROOT"
}

# cmdline VARIANT MODE ROOT NAME -> prints the command, one word a line
cmdline() {
        local variant=$1 mode=$2 root=$3 name=$4
        case $variant in
        nsboot)      printf '%s\n' "$NSBOOT" -q -M "$name" -D "$root" ;;
        nsboot-priv) printf '%s\n' "$NSBOOT" -q --private-users=no -M "$name" -D "$root" ;;
        nspawn)      printf '%s\n' "$NSPAWN" --register=no --keep-unit -q -M "$name" -D "$root" ;;
        nspawn-U)    printf '%s\n' "$NSPAWN" --register=no --keep-unit -q -U -M "$name" -D "$root" ;;
        floor)       printf '%s\n' unshare -m -p -f -u -i -C chroot "$root" /bin/true; return ;;
        esac
        case $mode in
        true)     printf '%s\n' --pipe /bin/true ;;
        check)    printf '%s\n' --pipe /bin/cat /etc/machine-id ;;
        boot|rss) printf '%s\n' --console=read-only -b ;;
        esac
}

LAST_NS=0
LAST_CPU=0
LAST_RC=0
LAST_LOG=""
LAST_RSS=""

# run VARIANT MODE LABEL: one run; sets LAST_*
run() {
        local variant=$1 mode=$2 label=$3 tmo=$TIMEOUT_TRUE marker=- rssout=- out
        local -a cmd
        prepare "$variant" "$mode"
        mapfile -t cmd < <(cmdline "$variant" "$mode" "$RUN_ROOT" "$MACHINE")
        [[ $mode == true || $mode == check ]] || tmo=$TIMEOUT_BOOT
        if [[ $mode == rss ]]; then
                marker=$RUN_ROOT/$MARKER_REL
                rssout=$RUN_DIR/rss
        fi
        LAST_LOG=$WORK/$label.log
        # In the background and waited for, so that a signal to this script is handled at once.
        mkdir "$CG_BASE/run$RUN_NO"
        /usr/bin/python3 "$WORK/timed.py" "$RUN_DIR/pgid" "$LAST_LOG" "$marker" "$rssout" "$RSS_HOLD" \
                "$CG_BASE/run$RUN_NO" -- \
                timeout -k 5 "$tmo" "${cmd[@]}" >"$RUN_DIR/result" &
        HELPER_PID=$!
        wait "$HELPER_PID" || die "$label: the timing helper failed"
        HELPER_PID=""
        rm -f "$RUN_DIR/pgid"
        out=$(<"$RUN_DIR/result")
        read -r LAST_NS LAST_RC LAST_CPU <<<"$out"
        LAST_RSS=""
        [[ $rssout == - ]] || LAST_RSS=$(<"$rssout")
        if [[ $mode == boot || $mode == rss ]]; then
                check_boot "$variant" "$label" "$RUN_ROOT/$MARKER_REL"
        fi
        if [[ -n $KEEP_LOGS ]]; then
                mkdir -p "$KEEP_LOGS"
                cp "$LAST_LOG" "$KEEP_LOGS/$label.log"
        fi
        finish
}

fail_run() {
        local label=$1
        shift
        echo "bench: ERROR: $label: $*" >&2
        echo "bench: last lines of the console log:" >&2
        tail -n 25 "$LAST_LOG" | sed 's/^/    | /' >&2
        exit 1
}

check_boot() {
        local variant=$1 label=$2 marker=$3
        [[ $LAST_RC == 124 || $LAST_RC == 137 ]] && fail_run "$label" "timed out after ${TIMEOUT_BOOT}s (exit $LAST_RC)"
        [[ $LAST_RC == 0 ]] || fail_run "$label" "$variant exited $LAST_RC, expected 0 (poweroff)"
        [[ -f $marker && $(<"$marker") == active ]] ||
                fail_run "$label" "guest did not report multi-user.target active (marker: $(cat "$marker" 2>/dev/null || echo missing))"
        grep -qa "${CONSOLE_TAG}active" "$LAST_LOG" ||
                fail_run "$label" "no '${CONSOLE_TAG}active' line on the console"
        if [[ -n $LAST_RSS && $LAST_RSS == error=* ]]; then
                fail_run "$label" "RSS sampling failed: ${LAST_RSS#error=}"
        fi
}

# ---------------------------------------------------------------------------------------
# Statistics

median() { # numbers on stdin
        sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
                if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
minmax() { sort -g | awk 'NR == 1 { mn = $1 } { mx = $1 } END { printf "%s %s\n", mn, mx }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "nan"; else printf "%.3f\n", a / b }'; }
ns2ms() { awk -v n="$1" 'BEGIN { printf "%.2f\n", n / 1e6 }'; }
leq() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
field() { # field KEY "k=v k=v ..."
        local kv
        for kv in $2; do
                [[ $kv == "$1="* ]] && { echo "${kv#*=}"; return; }
        done
        echo nan
}

# ---------------------------------------------------------------------------------------

resolve_tree() {
        if [[ -z $TREE && -x $SRCDIR/test/lib/mktree-debian.sh ]]; then
                local mklog
                mklog=$(mktemp /tmp/nsboot-bench-mktree.XXXXXX)
                log "getting the tree from test/lib/mktree-debian.sh (builds it on first use, about 40 s)"
                TREE=$("$SRCDIR/test/lib/mktree-debian.sh" </dev/null 2>"$mklog") || TREE=""
                if [[ -z $TREE ]]; then
                        tail -n 15 "$mklog" | sed 's/^/    | /' >&2
                        log "mktree-debian.sh failed, falling back to /var/tmp/nsb/debian"
                fi
                rm -f "$mklog"
        fi
        [[ -n $TREE ]] || TREE=/var/tmp/nsb/debian
        TREE=$(realpath -e "$TREE") || die "tree '$TREE' does not exist"
        [[ -x $TREE/usr/lib/systemd/systemd || -x $TREE/lib/systemd/systemd ]] || die "'$TREE' has no systemd"
}

# ---------------------------------------------------------------------------------------
# Measures

declare -A SAMPLES=()   # "MEASURE/VARIANT" -> samples (ns or KiB), space-separated
declare -A MEM_LAST=()  # VARIANT -> the last memory sample's key=value line

add_sample() { SAMPLES[$1/$2]="${SAMPLES[$1/$2]:-} $3"; }
samples() { local -a s; read -r -a s <<<"${SAMPLES[$1/$2]:-}"; [[ ${#s[@]} == 0 ]] || printf "%s\n" "${s[@]}"; }
med() { samples "$1" "$2" | median; }

# rotated N: the variants of this measure, starting at index N (so no variant always runs first)
rotated() {
        local n=$1
        shift
        local -a v=("$@")
        local i
        for ((i = 0; i < ${#v[@]}; i++)); do echo "${v[(i + n) % ${#v[@]}]}"; done
}

# Both tools really run the command inside the copy, and leave its ownership alone.
sanity_check() {
        local v out owner
        for v in "${VARIANTS[@]}"; do
                run "$v" check "check-$v"
                out=$(tr -d '\r' <"$LAST_LOG" | grep -v '^Attempted to remove disk file system' || true)
                [[ $LAST_RC == 0 && $out == "$MACHINE_ID" ]] ||
                        fail_run "check-$v" "expected exit 0 and the copy's machine ID, got exit $LAST_RC"
                owner=$(stat -c %u:%g "$STORE/true-$v/usr/bin/true")
                [[ $owner == 0:0 ]] || die "check-$v: the copy's /usr/bin/true is now owned by $owner (chowned?)"
        done
}

measure_host_floor() {
        local i o
        for ((i = 0; i < ROUNDS_TRUE; i++)); do
                o=$(/usr/bin/python3 "$WORK/timed.py" "$WORK/pgid" "$WORK/base.log" - - 0 - -- timeout -k 5 10 /bin/true)
                add_sample true host "${o%% *}"
        done
}

# measure MEASURE ROUNDS VARIANT...: warm-up, then interleaved rounds
measure() {
        local m=$1 rounds=$2 i v line
        shift 2
        log "$m: warm-up"
        for v in "$@"; do
                [[ $m == rss ]] || run "$v" "$m" "warm-$m-$v"
        done
        for ((i = 1; i <= rounds; i++)); do
                line=""
                for v in $(rotated "$i" "$@"); do
                        run "$v" "$m" "$m-$v-$i"
                        [[ $LAST_RC == 0 ]] || fail_run "$m-$v-$i" "$v exited $LAST_RC, expected 0"
                        if [[ $m == rss ]]; then
                                add_sample rss "$v" "$(field vmrss_kib "$LAST_RSS")"
                                MEM_LAST[$v]=$LAST_RSS
                                line+=" $v $(field vmrss_kib "$LAST_RSS") KiB,"
                        else
                                add_sample "$m" "$v" "$LAST_NS"
                                add_sample "$m-cpu" "$v" "$LAST_CPU"
                                line+=" $v $(ns2ms "$LAST_NS") ms ($(ns2ms "$LAST_CPU") CPU),"
                        fi
                done
                log "$m round $i/$rounds:${line%,}"
        done
}

# ---------------------------------------------------------------------------------------
# Density

# N guests of one variant booted at once, each on its own overlay of one copy of the tree (the
# copy read-only below, a tmpfs of the guest's own above: nsboot -x, nspawn --volatile=overlay), each to
# multi-user.target and then powered off. Counted: guests that exited 0 after printing the
# console line "active"; timed: from the first start until the last of those exited. Guests that
# hang (at a host limit) are stopped once none has ended for $DENSITY_STALL seconds.
write_density_helper() {
        cat >"$WORK/density.py" <<'PY'
import os, signal, subprocess, sys, time
from benchstop import on_stop

# density.py DIR TIMEOUT STALL N CGROUP -- CMD... (CMD words may contain {i}; guest i runs in CGROUP-i)
d, tmo, stall, n, cgroup = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
assert sys.argv[6] == "--"
tmpl = sys.argv[7:]
# v1 hierarchies (--density-v1-cgroups): one base directory a line in DIR/v1-bases
try:
    with open(f"{d}/v1-bases") as f:
        v1_bases = f.read().split()
except FileNotFoundError:
    v1_bases = []
def mover(i):
    def move():
        for b in [cgroup] + v1_bases:
            with open(f"{b}-{i}/cgroup.procs", "w") as f:
                f.write("0")
    return move
procs = []
def signal_all(sig, which):
    for p, i in procs:
        if i in which:
            try:
                os.killpg(p.pid, sig)
            except OSError:
                pass
on_stop(lambda: signal_all(signal.SIGTERM, range(n)))
def host_cpu():
    # busy and idle time of all CPUs, in clock ticks (user nice system irq softirq steal; idle iowait)
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7], v[3] + v[4]
cpu0 = host_cpu()
t0 = time.monotonic_ns()
for i in range(n):
    # -k 60: a stop requested under this load takes a while; a killed supervisor leaves things
    cmd = ["timeout", "-k", "60", tmo] + [w.replace("{i}", str(i)) for w in tmpl]
    log = open(f"{d}/guest-{i}.log", "wb")
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                         preexec_fn=mover(i))
    with open(f"{d}/guest-{i}.pgid", "w") as f:
        f.write(f"{p.pid}\n")
    procs.append((p, i))
def output_size():
    return sum(os.path.getsize(f"{d}/guest-{i}.log") for i in range(n))
# Progress: a guest ended, or the guests' consoles printed something.
ends, stalled, last_progress, stopping, size = {}, set(), t0, 0, 0
while len(ends) < n:
    for p, i in procs:
        if i not in ends and p.poll() is not None:
            ends[i] = (time.monotonic_ns() - t0, p.returncode)
            last_progress = time.monotonic_ns()
            os.unlink(f"{d}/guest-{i}.pgid")
    now = time.monotonic_ns()
    if output_size() != size:
        size, last_progress = output_size(), now
    if not stopping and now - last_progress > stall * 1e9:
        stalled = set(range(n)) - set(ends)
        print(f"density: no progress for {stall} s: stopping the {len(stalled)} guests still running",
              file=sys.stderr, flush=True)
        signal_all(signal.SIGTERM, stalled)
        stopping = now
    elif stopping and now - stopping > 75e9:
        for i in stalled - set(ends):
            try:
                with open(f"{cgroup}-{i}/cgroup.kill", "w") as f:
                    f.write("1")
            except OSError:
                pass
        signal_all(signal.SIGKILL, stalled - set(ends))
        stopping = now
    time.sleep(0.2)
cpu1 = host_cpu()
hz = os.sysconf("SC_CLK_TCK")
for i in range(n):
    print(i, "stalled" if i in stalled else ends[i][1], ends[i][0])
print("cpu", (cpu1[0] - cpu0[0]) * 1000 // hz, (cpu1[1] - cpu0[1]) * 1000 // hz)
PY
}

# Per variant, one word per round.
declare -A DENSITY_OK=() DENSITY_NS=() DENSITY_FAIL=() DENSITY_STALLED=() DENSITY_BUSY=() DENSITY_IDLE=() DENSITY_OWN=()
# Over the rounds: the fewest booted, and medians.
declare -A DENSITY_OK_MIN=() DENSITY_NS_MED=() DENSITY_BUSY_MED=() DENSITY_OWN_MED=()

# density_variant VARIANT: boots DENSITY guests of VARIANT at once
density_variant() {
        local v=$1 dir=$WORK/density i idx rc ns ok=0 last=0 fails="" stalled=0 tmo=$DENSITY_TIMEOUT
        local busy_ms=0 idle_ms=0 own_us=0 u
        local -a cmd
        mkdir -p "$dir"
        mapfile -t cmd < <(cmdline "$v" boot "$STORE/dens" "$MACHINE-d{i}")
        # The same mounts in both: an overlay with a tmpfs upper over the read-only copy. (nsboot
        # locks a tree for --volatile=overlay as for a writable one; -x takes no lock. nspawn's -x
        # copies the tree, on a file system without snapshots.)
        case $v in
        nsboot*) cmd+=(-x) ;;
        *)       cmd+=(--volatile=overlay) ;;
        esac
        log "density $v: booting $DENSITY guests at once (bound: ${tmo}s each, stopped after ${DENSITY_STALL}s without progress)"
        for ((i = 0; i < DENSITY; i++)); do mkdir "$CG_BASE/density-$i"; done
        density_v1_setup "$v" "$dir"
        /usr/bin/python3 "$WORK/density.py" "$dir" "$tmo" "$DENSITY_STALL" "$DENSITY" "$CG_BASE/density" -- "${cmd[@]}" \
                >"$dir/result" &
        HELPER_PID=$!
        wait "$HELPER_PID" || die "density $v: the helper failed"
        HELPER_PID=""
        while read -r idx rc ns; do
                if [[ $idx == cpu ]]; then
                        busy_ms=$rc idle_ms=$ns
                        continue
                fi
                if [[ $rc == 0 ]] && grep -qa "${CONSOLE_TAG}active" "$dir/guest-$idx.log"; then
                        ok=$((ok + 1))
                        (( ns <= last )) || last=$ns
                elif [[ $rc == stalled ]]; then
                        stalled=$((stalled + 1))
                else
                        fails+=" $idx:rc=$rc"
                        log "density $v: guest $idx failed (exit $rc), last lines:"
                        tail -n 5 "$dir/guest-$idx.log" | sed 's/^/    | /' >&2
                fi
        done <"$dir/result"
        if [[ -n $KEEP_LOGS ]]; then
                mkdir -p "$KEEP_LOGS"
                for ((i = 0; i < DENSITY; i++)); do cp "$dir/guest-$i.log" "$KEEP_LOGS/density-$v-$i.log"; done
        fi
        # What ran in the guests' own cgroups here: everything for nspawn --keep-unit, the supervisor
        # alone for nsboot (its guest has a cgroup of its own, gone by now).
        for ((i = 0; i < DENSITY; i++)); do
                u=$(awk '$1 == "usage_usec" { print $2 }' "$CG_BASE/density-$i/cpu.stat" 2>/dev/null)
                own_us=$((own_us + ${u:-0}))
        done
        DENSITY_OK[$v]+="$ok "
        DENSITY_NS[$v]+="$last "
        DENSITY_FAIL[$v]+="${fails# } "
        DENSITY_STALLED[$v]+="$stalled "
        DENSITY_BUSY[$v]+="$busy_ms "
        DENSITY_IDLE[$v]+="$idle_ms "
        DENSITY_OWN[$v]+="$((own_us / 1000)) "
        log "density $v: $ok/$DENSITY booted and powered off, the last after $(ns2ms "$last") ms; $stalled stopped hung;" \
            "host CPU busy $busy_ms ms ($((busy_ms / DENSITY)) ms per guest), idle $idle_ms ms; in the tools' own cgroups $((own_us / 1000)) ms"
        for ((i = 0; i < DENSITY; i++)); do remove_cgroup "$CG_BASE/density-$i"; done
        density_v1_remove
        rm -rf -- "$dir"
}

# The v1 controller hierarchies of a hybrid host (not name=systemd, which systemd-nspawn manages
# itself): the mount point and this script's cgroup in each, one "MOUNT/CGROUP" a line.
v1_own_dirs() {
        awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
               if ($(i + 1) == "cgroup" && $(i + 3) !~ /name=/) print $5 }' /proc/self/mountinfo |
        while read -r m; do
                local ctl=${m##*/} path
                path=$(awk -F: -v c="$ctl" '{ n = split($2, a, ","); for (j = 1; j <= n; j++) if (a[j] == c) { print $3; exit } }' \
                        /proc/self/cgroup)
                [[ -n $path ]] && echo "$m${path%/}"
        done
}

DENSITY_V1_DIRS=()

# density_v1_setup VARIANT DIR: with --density-v1-cgroups, for systemd-nspawn, a cgroup per guest
# in each v1 hierarchy, two levels down as machine.slice/machine-NAME.scope would be, named like
# the cgroup2 one; their bases go to DIR/v1-bases for the helper. nsboot makes its machine's own.
density_v1_setup() {
        local v=$1 dir=$2 base d i
        DENSITY_V1_DIRS=()
        [[ $DENSITY_V1 == 1 && $v == nspawn* ]] || return 0
        while read -r base; do
                [[ -d $base ]] || continue
                mkdir "$base/nsboot-bench-$$" || die "cannot make a cgroup in $base"
                DENSITY_V1_DIRS+=("$base/nsboot-bench-$$")
                for ((i = -1; i < DENSITY; i++)); do
                        d=$base/nsboot-bench-$$
                        ((i < 0)) || { d+=/density-$i; mkdir "$d"; }
                        if [[ -e $base/cpuset.cpus ]]; then     # cpuset: empty until given its parent's
                                cat "$base/cpuset.cpus" >"$d/cpuset.cpus"
                                cat "$base/cpuset.mems" >"$d/cpuset.mems"
                        fi
                done
                echo "$base/nsboot-bench-$$/density" >>"$dir/v1-bases"
        done < <(v1_own_dirs)
        ((${#DENSITY_V1_DIRS[@]} > 0)) || die "--density-v1-cgroups: no cgroup v1 controller hierarchy is mounted"
}

density_v1_remove() {
        local d
        for d in "${DENSITY_V1_DIRS[@]}"; do remove_cgroup "$d"; done
        DENSITY_V1_DIRS=()
}

# words_median "W1 W2 ...": the median of the words
words_median() { tr ' ' '\n' <<<"$1" | grep . | median; }
# words_join "W1 W2 ...": comma-separated
words_join() { local w; w=$(echo $1); echo "${w// /,}"; }

measure_density() {
        local v r ok
        write_density_helper
        log "density: one more copy of the tree, with the bench unit, below every guest's overlay"
        copy_tree "$STORE/dens"
        install_bench_unit "$STORE/dens" boot
        # Rounds alternate the variants, the first one rotating, as for the other measures.
        for ((r = 0; r < DENSITY_ROUNDS; r++)); do
                local -a order=("${DENSITY_VARIANTS[@]:r % ${#DENSITY_VARIANTS[@]}}" "${DENSITY_VARIANTS[@]:0:r % ${#DENSITY_VARIANTS[@]}}")
                for v in "${order[@]}"; do density_variant "$v"; done
        done
        rm -rf --one-file-system -- "$STORE/dens"
        for v in "${DENSITY_VARIANTS[@]}"; do
                # booted: the worst round's; time and CPU: medians of the rounds
                ok=$(tr ' ' '\n' <<<"${DENSITY_OK[$v]}" | grep . | sort -n | head -n 1)
                DENSITY_OK_MIN[$v]=$ok
                DENSITY_NS_MED[$v]=$(words_median "${DENSITY_NS[$v]}")
                DENSITY_BUSY_MED[$v]=$(words_median "${DENSITY_BUSY[$v]}")
                DENSITY_OWN_MED[$v]=$(words_median "${DENSITY_OWN[$v]}")
                DENSITY_KV+=("${v//-/_}_density_ok=$ok/$DENSITY"
                             "${v//-/_}_density_ms=$(ns2ms "${DENSITY_NS_MED[$v]}")"
                             "${v//-/_}_density_samples_ms=$(for n in ${DENSITY_NS[$v]}; do ns2ms "$n"; done | paste -sd,)"
                             "${v//-/_}_density_ok_samples=$(words_join "${DENSITY_OK[$v]}")"
                             "${v//-/_}_density_stalled=$(words_join "${DENSITY_STALLED[$v]}")"
                             "${v//-/_}_density_failed=$(words_join "${DENSITY_FAIL[$v]}")"
                             "${v//-/_}_density_cpu_busy_ms=${DENSITY_BUSY_MED[$v]}"
                             "${v//-/_}_density_cpu_busy_samples_ms=$(words_join "${DENSITY_BUSY[$v]}")"
                             "${v//-/_}_density_cpu_idle_samples_ms=$(words_join "${DENSITY_IDLE[$v]}")"
                             "${v//-/_}_density_cpu_own_cgroups_ms=${DENSITY_OWN_MED[$v]}")
        done
        DENSITY_KV+=("density_n=$DENSITY" "density_rounds=$DENSITY_ROUNDS" "density_stall_s=$DENSITY_STALL"
                    "density_v1_cgroups=$DENSITY_V1")
        for v in nspawn nspawn-U; do
                [[ " ${DENSITY_VARIANTS[*]} " == *" $v "* ]] || continue
                DENSITY_KV+=("ratio_density_vs_${v//-/_}=$(ratio "${DENSITY_NS_MED[nsboot]}" "${DENSITY_NS_MED[$v]}")"
                             "ratio_density_cpu_vs_${v//-/_}=$(ratio "${DENSITY_BUSY_MED[nsboot]}" "${DENSITY_BUSY_MED[$v]}")"
                             "status_density_vs_${v//-/_}=$( [[ ${DENSITY_OK_MIN[nsboot]} == "$DENSITY" ]] &&
                                leq "$(ratio "${DENSITY_NS_MED[nsboot]}" "${DENSITY_NS_MED[$v]}")" 0.8 && echo met || echo MISSED)")
        done
}

print_density() {
        local v
        echo "density: $DENSITY guests booted at once, each on its own overlay of one tree, each to"
        echo "multi-user.target, then poweroff; $DENSITY_ROUNDS round(s) per variant, alternating: medians"
        [[ $DENSITY_V1 == 0 ]] || echo "(--density-v1-cgroups: every nspawn guest in a cgroup of its own in each v1 hierarchy too)"
        printf '  %-12s %10s %14s %14s %14s %8s  %s\n' variant booted "time (last)" "host CPU" "per guest" hung failed
        for v in "${DENSITY_VARIANTS[@]}"; do
                printf '  %-12s %10s %11s ms %11s ms %11s ms %8s  %s\n' "$v" "${DENSITY_OK_MIN[$v]}/$DENSITY" \
                        "$(ns2ms "${DENSITY_NS_MED[$v]}")" "${DENSITY_BUSY_MED[$v]}" "$((DENSITY_BUSY_MED[$v] / DENSITY))" \
                        "$(words_join "${DENSITY_STALLED[$v]}")" "$(words_join "${DENSITY_FAIL[$v]}" | tr -d ,)"
        done
        echo "  (time: until the last guest that booted had exited; host CPU: busy time of all CPUs during"
        echo "  the run, every process of the host; target: nsboot ${DENSITY}/${DENSITY}, <= 0.8 x nspawn's time)"
}

# ---------------------------------------------------------------------------------------
# Report

has_variant() { [[ " ${VARIANTS[*]} floor host " == *" $1 "* ]]; }

# Ratios of medians: KEY MEASURE NUMERATOR DENOMINATOR TARGET (empty: no target) WHY
RATIOS=(
        "true_vs_floor       true nsboot      floor       $TARGET_TRUE_FLOOR   issue-14"
        "true_cpu_vs_floor   true-cpu nsboot  floor       $TARGET_TRUE_FLOOR   issue-14"
        "true_cpu_userns_cost true-cpu nsboot nsboot-priv $TARGET_USERNS       issue-8"
        "true_userns_cost    true nsboot      nsboot-priv $TARGET_USERNS       issue-8"
        "true_vs_nspawn_U    true nsboot      nspawn-U    $TARGET_TRUE_NSPAWN  -"
        "true_priv_vs_nspawn true nsboot-priv nspawn      $TARGET_TRUE_NSPAWN  -"
        "true_nspawn_U_cost  true nspawn-U    nspawn      -                    -"
        "boot_userns_cost    boot nsboot      nsboot-priv $TARGET_USERNS       issue-8"
        "boot_vs_nspawn_U    boot nsboot      nspawn-U    $TARGET_BOOT_NSPAWN  issue-14"
        "boot_cpu_userns_cost boot-cpu nsboot nsboot-priv $TARGET_USERNS       issue-8"
        "boot_cpu_vs_nspawn_U boot-cpu nsboot nspawn-U    $TARGET_BOOT_NSPAWN  issue-14"
        "boot_priv_vs_nspawn boot nsboot-priv nspawn      $TARGET_BOOT_NSPAWN  -"
        "boot_nspawn_U_cost  boot nspawn-U    nspawn      -                    -"
        "rss_vs_nspawn_U     rss  nsboot      nspawn-U    -                    -"
)

fmt_median() { # MEASURE VARIANT
        local m
        m=$(med "$1" "$2")
        [[ $m != nan ]] || { echo "-"; return; }
        if [[ $1 == rss ]]; then echo "$m KiB"; else echo "$(ns2ms "$m") ms"; fi
}

fmt_range() {
        local mm
        [[ -n ${SAMPLES[$1/$2]:-} ]] || { echo "-"; return; }
        mm=$(samples "$1" "$2" | minmax)
        if [[ $1 == rss ]]; then echo "${mm% *}-${mm#* }"; else echo "$(ns2ms "${mm% *}")-$(ns2ms "${mm#* }")"; fi
}

print_medians() {
        local -a cols=("${VARIANTS[@]}")
        local m v
        printf '%-26s' "median (min-max)"
        for v in "${cols[@]}"; do printf ' %22s' "$v"; done
        printf ' %22s\n' "floor (unshare+chroot)"
        for m in true true-cpu boot boot-cpu rss; do
                printf '%-26s' "$(case $m in true) echo "/bin/true, n=$ROUNDS_TRUE" ;; true-cpu) echo "  CPU time (user+sys)" ;;
                        boot) echo "boot+poweroff, n=$ROUNDS_BOOT" ;; boot-cpu) echo "  CPU time (user+sys)" ;;
                        rss) echo "supervisor VmRSS, n=$ROUNDS_RSS" ;; esac)"
                for v in "${cols[@]}" floor; do printf ' %22s' "$(fmt_median "$m" "$v")"; done
                echo
                printf '%-26s' ""
                for v in "${cols[@]}" floor; do printf ' %22s' "$(fmt_range "$m" "$v")"; done
                echo
        done
}

# ratio_line KEY MEASURE NUM DEN TARGET WHY -> "KEY ratio target status"
ratio_line() {
        local key=$1 m=$2 a=$3 b=$4 target=$5 r status=info
        has_variant "$a" && has_variant "$b" || return 0
        [[ -n ${SAMPLES[$m/$a]:-} && -n ${SAMPLES[$m/$b]:-} ]] || return 0
        r=$(ratio "$(med "$m" "$a")" "$(med "$m" "$b")")
        if [[ $target != - ]]; then
                status=$(leq "$r" "$target" && echo met || echo MISSED)
        fi
        echo "$key $r $target $status"
}

print_ratios() {
        local row key m a b target why r t st
        printf '%-42s %7s %8s  %s\n' "ratio of medians" ratio target status
        for row in "${RATIOS[@]}"; do
                read -r key m a b target why <<<"$row"
                read -r _ r t st < <(ratio_line "$key" "$m" "$a" "$b" "$target") || continue
                [[ -n ${r:-} ]] || continue
                printf '%-42s %7s %8s  %s\n' "$m: $a / $b" "$r" "$([[ $t == - ]] && echo - || echo "<=$t")" \
                        "$st$([[ $why == - ]] || echo " ($why)")"
        done
        if [[ -n ${SAMPLES[rss/nsboot]:-} ]]; then
                printf '%-42s %7s %8s  %s\n' "rss: nsboot VmRSS (KiB)" "$(med rss nsboot)" "<=$TARGET_RSS_KIB" \
                        "$(leq "$(med rss nsboot)" "$TARGET_RSS_KIB" && echo met || echo MISSED) (issue-14)"
        fi
}

print_memory() {
        local k v
        echo "supervisor memory, last sample (KiB):"
        printf '  %-17s' ""
        for v in "${VARIANTS[@]}"; do printf ' %12s' "$v"; done
        echo
        for k in vmrss_kib vmhwm_kib rssanon_kib rssfile_kib pss_kib uss_kib private_dirty_kib libs children; do
                printf '  %-17s' "${k%_kib}"
                for v in "${VARIANTS[@]}"; do printf ' %12s' "$(field "$k" "${MEM_LAST[$v]:-}")"; done
                echo
        done
}

print_machine_block() {
        local m v row key a b target why r t st
        echo "--- BEGIN NSBOOT-BENCH ---"
        printf '%s\n' "${HEADER_KV[@]}"
        echo "variants=$(IFS=,; echo "${VARIANTS[*]}")"
        echo "rounds_true=$ROUNDS_TRUE"
        echo "rounds_boot=$ROUNDS_BOOT"
        echo "rounds_rss=$ROUNDS_RSS"
        echo "host_true_ms=$(ns2ms "$(med true host)")"
        for m in true true-cpu boot boot-cpu rss; do
                for v in "${VARIANTS[@]}" floor; do
                        [[ -n ${SAMPLES[$m/$v]:-} ]] || continue
                        if [[ $m == rss ]]; then
                                echo "${v//-/_}_rss_kib=$(med rss "$v")"
                                echo "${v//-/_}_rss_samples_kib=$(samples rss "$v" | paste -sd,)"
                        else
                                echo "${v//-/_}_${m//-/_}_ms=$(ns2ms "$(med "$m" "$v")")"
                                echo "${v//-/_}_${m//-/_}_samples_ms=$(for r in $(samples "$m" "$v"); do ns2ms "$r"; done | paste -sd,)"
                        fi
                done
        done
        for row in "${RATIOS[@]}"; do
                read -r key m a b target why <<<"$row"
                read -r _ r t st < <(ratio_line "$key" "$m" "$a" "$b" "$target") || continue
                [[ -n ${r:-} ]] || continue
                echo "ratio_$key=$r"
                [[ $t == - ]] || { echo "target_ratio_$key=$t"; echo "status_$key=$st"; }
        done
        if [[ -n ${SAMPLES[rss/nsboot]:-} ]]; then
                echo "target_nsboot_rss_kib=$TARGET_RSS_KIB"
                echo "status_rss=$(leq "$(med rss nsboot)" "$TARGET_RSS_KIB" && echo met || echo MISSED)"
        fi
        for v in "${VARIANTS[@]}"; do
                [[ -z ${MEM_LAST[$v]:-} ]] || echo "${v//-/_}_mem_last=${MEM_LAST[$v]}"
        done
        printf '%s\n' "${DENSITY_KV[@]}"
        echo "--- END NSBOOT-BENCH ---"
}

HEADER_KV=()
DENSITY_KV=()

main() {
        parse_args "$@"
        [[ $(id -u) == 0 ]] || die "must run as root"
        [[ -x $NSBOOT ]] || die "no nsboot binary at '$NSBOOT' (build it: meson setup build && meson compile -C build)"
        if [[ " ${VARIANTS[*]} ${DENSITY_VARIANTS[*]} " == *" nspawn"* ]]; then
                NSPAWN=${NSPAWN:-$(command -v systemd-nspawn || true)}
                [[ -x $NSPAWN ]] || die "systemd-nspawn not found (or leave it out with --variants)"
        fi
        [[ -x /usr/bin/python3 ]] || die "/usr/bin/python3 is needed for the timing helper"
        command -v timeout >/dev/null || die "timeout(1) not found"
        command -v unshare >/dev/null || die "unshare(1) not found"
        resolve_tree

        trap cleanup EXIT
        trap on_signal INT TERM HUP
        WORK=$(mktemp -d /var/tmp/nsboot-bench.XXXXXX)
        write_helper

        local nsboot_version nspawn_version=- date_utc host_os loadavg
        nsboot_version=$("$NSBOOT" --version 2>&1 | head -n1)
        [[ -z $NSPAWN ]] || nspawn_version=$("$NSPAWN" --version 2>&1 | head -n1)
        date_utc=$(date -u +%FT%TZ)
        # shellcheck disable=SC1091
        host_os=$(. /etc/os-release && echo "${PRETTY_NAME:-$ID}")
        loadavg=$(cut -d' ' -f1-3 /proc/loadavg)
        HEADER_KV=("date=$date_utc" "kernel=$(uname -r)" "cpus=$(nproc)" "host_os=$host_os"
                   "loadavg_start=$loadavg" "tree=$TREE" "nsboot_version=$nsboot_version"
                   "nspawn_version=$nspawn_version")

        log "tree:     $TREE"
        log "nsboot:   $NSBOOT ($nsboot_version)"
        log "nspawn:   ${NSPAWN:--} ($nspawn_version)"
        log "variants: ${VARIANTS[*]}"
        log "rounds:   /bin/true $ROUNDS_TRUE, boot $ROUNDS_BOOT, rss $ROUNDS_RSS, density ${DENSITY:-0}"

        setup_cgroups
        setup_store
        if [[ $DENSITY_ONLY == 0 ]]; then
                sanity_check
                measure_host_floor
                measure true "$ROUNDS_TRUE" "${VARIANTS[@]}" floor
                measure boot "$ROUNDS_BOOT" "${VARIANTS[@]}"
                measure rss "$ROUNDS_RSS" "${VARIANTS[@]}"
        fi
        (( DENSITY == 0 )) || measure_density

        echo
        echo "nsboot variants vs systemd-nspawn — $date_utc, $(uname -n), $(nproc) CPUs, $host_os, kernel $(uname -r)"
        echo "tree: $TREE (copied onto a tmpfs)"
        echo "host load average at start: $loadavg, at end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the host skews the timings)"
        echo "nsboot: $nsboot_version   systemd-nspawn: $nspawn_version"
        echo "variants: nsboot = default (user namespace, idmapped tree), nsboot-priv = --private-users=no,"
        echo "          nspawn-U = systemd-nspawn -U, nspawn = systemd-nspawn (privileged)"
        if [[ $DENSITY_ONLY == 0 ]]; then
                echo
                print_medians
                echo
                print_ratios
                echo
                echo "host floor: 'timeout 10 /bin/true' (no container): $(ns2ms "$(med true host)") ms, included in every /bin/true figure"
                print_memory
        fi
        (( DENSITY == 0 )) || print_density
        echo
        print_machine_block
}

main "$@"
