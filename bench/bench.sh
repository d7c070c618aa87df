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
#       --nsboot=PATH      nsboot binary (default: build/nsboot of this checkout)
#       --nspawn=PATH      systemd-nspawn binary (default: from $PATH)
#       --keep-logs=DIR    copy every run's console log to DIR
#   -h, --help             this text
#
# Every run gets a fresh overlayfs (the tree is the read-only lower layer, nothing is
# written to it) so both tools start from exactly the same state. Runs are interleaved
# (nsboot, nspawn, nsboot, nspawn, ...) after one untimed warm-up run of each, timed
# with CLOCK_MONOTONIC around fork..wait of `timeout ... TOOL ...`, stdin </dev/null.
# Must run as root. Prints a table and a machine-readable block between
# "--- BEGIN NSBOOT-BENCH ---" and "--- END NSBOOT-BENCH ---".
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

ROUNDS_TRUE=10
ROUNDS_BOOT=5
ROUNDS_RSS=3
TREE=${NSBOOT_BENCH_TREE:-}
NSBOOT=$SRCDIR/build/nsboot
NSPAWN=""
KEEP_LOGS=""

TIMEOUT_TRUE=30         # seconds, per /bin/true run
TIMEOUT_BOOT=120        # seconds, per boot run
RSS_HOLD=3              # seconds the guest stays up after multi-user.target in the RSS test
MACHINE=nsbench-$$
MACHINE_ID=6e73626f6f7462656e63680000000001   # fixed, so no run is a "first boot"
MARKER_REL=var/lib/nsboot-bench.marker
CONSOLE_TAG="NSBOOT-BENCH multi-user.target="

# Targets (reported, not asserted).
TARGET_TRUE_RATIO=0.15
TARGET_BOOT_RATIO=0.9
TARGET_RSS_KIB=2048

log() { echo "bench: $*" >&2; }
die() { echo "bench: ERROR: $*" >&2; exit 1; }

usage() {
        sed -n '4,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

positive_int() {
        [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1: '$2' is not a positive integer"
}

parse_args() {
        local opts
        opts=$(getopt -o D:n:b:r:h -l directory:,rounds:,boot-rounds:,rss-rounds:,nsboot:,nspawn:,keep-logs:,help \
                -n bench.sh -- "$@") || { usage >&2; exit 1; }
        eval set -- "$opts"
        while true; do
                case $1 in
                -D|--directory)   TREE=$2; shift 2 ;;
                -n|--rounds)      positive_int "$1" "$2"; ROUNDS_TRUE=$2; shift 2 ;;
                -b|--boot-rounds) positive_int "$1" "$2"; ROUNDS_BOOT=$2; shift 2 ;;
                -r|--rss-rounds)  positive_int "$1" "$2"; ROUNDS_RSS=$2; shift 2 ;;
                --nsboot)         NSBOOT=$2; shift 2 ;;
                --nspawn)         NSPAWN=$2; shift 2 ;;
                --keep-logs)      KEEP_LOGS=$2; shift 2 ;;
                -h|--help)        usage; exit 0 ;;
                --)               shift; break ;;
                esac
        done
        [[ $# -eq 0 ]] || die "unexpected argument '$1'"
}

# ---------------------------------------------------------------------------------------
# Work directory, cleanup

WORK=""
HELPER_PID=""   # the timing helper of the run in progress

mounts_under() {
        # Mount points at or below $1, deepest first.
        awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# The timing helper writes the process group of the run in progress (timeout(1) leads it).
stop_current_run() {
        local pgid="" i
        [[ -n $RUN_DIR && -f $RUN_DIR/pgid ]] && pgid=$(<"$RUN_DIR/pgid")
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

cleanup() {
        local rc=$?
        trap - EXIT INT TERM HUP
        stop_current_run
        stop_helper
        if [[ -n $WORK && -d $WORK ]]; then
                umount_under "$WORK"
                if [[ -n $(mounts_under "$WORK") ]]; then
                        log "leaving $WORK behind: something is still mounted below it"
                else
                        rm -rf --one-file-system -- "$WORK"
                fi
        fi
        # Left behind by nspawn when /run is not a tmpfs (it refuses to remove it itself).
        rmdir "/run/systemd/nspawn/propagate/$MACHINE" 2>/dev/null || true
        rmdir "/sys/fs/cgroup/unified/machine.slice/machine-$MACHINE.scope" \
              "/sys/fs/cgroup/machine.slice/machine-$MACHINE.scope" 2>/dev/null || true
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
        cat >"$WORK/timed.py" <<'EOF'
import os, signal, subprocess, sys, time

# timed.py PGIDFILE LOG MARKER|- RSSOUT|- HOLD -- CMD...
pgidfile, logpath, marker, rssout, hold = sys.argv[1:6]
assert sys.argv[6] == "--"
cmd = sys.argv[7:]

def status_fields(pid):
    d = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            d[k] = v.strip()
    return d

def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1

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
    with open(f"/proc/{sup}/maps") as f:
        libs = sorted({l.split()[5] for l in f if len(l.split()) >= 6 and ".so" in l.split()[5]})
    return (f"pid={sup} comm={st['Name']} vmrss_kib={kib('VmRSS')} vmhwm_kib={kib('VmHWM')} "
            f"rssanon_kib={kib('RssAnon')} rssfile_kib={kib('RssFile')} rssshmem_kib={kib('RssShmem')} "
            f"pss_kib={pss_kib(sup)} children={nkids} libs={len(libs)}\n")

log = open(logpath, "wb")
t0 = time.monotonic_ns()
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
with open(pgidfile, "w") as f:
    f.write(f"{p.pid}\n")   # timeout(1) makes itself a process group leader

def stop(signum, frame):
    try:
        os.killpg(p.pid, signal.SIGTERM)
    except OSError:
        pass
    sys.exit(128 + signum)
signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGTERM, stop)

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
print(t1 - t0, rc)
EOF
}

# ---------------------------------------------------------------------------------------
# One run

RUN_NO=0
RUN_DIR=""
RUN_ROOT=""

# prepare MODE: fresh overlay; MODE is true, boot or rss
prepare() {
        local mode=$1 unit
        RUN_NO=$((RUN_NO + 1))
        RUN_DIR=$WORK/run$RUN_NO
        RUN_ROOT=$RUN_DIR/root
        mkdir -p "$RUN_DIR"/{upper,work,root}
        mount -t overlay overlay -o "lowerdir=$TREE,upperdir=$RUN_DIR/upper,workdir=$RUN_DIR/work" "$RUN_ROOT"
        echo "$MACHINE_ID" >"$RUN_ROOT/etc/machine-id"
        chmod 0444 "$RUN_ROOT/etc/machine-id"
        [[ $mode != true ]] || return 0

        unit=$RUN_ROOT/etc/systemd/system/nsboot-bench.service
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
        mkdir -p "$RUN_ROOT/etc/systemd/system/multi-user.target.wants"
        ln -s /etc/systemd/system/nsboot-bench.service "$RUN_ROOT/etc/systemd/system/multi-user.target.wants/"
}

finish() {
        umount "$RUN_ROOT" 2>/dev/null || umount -l "$RUN_ROOT"
        rm -rf --one-file-system -- "$RUN_DIR"
}

# cmdline TOOL MODE -> prints the command, one word a line
cmdline() {
        local tool=$1 mode=$2
        case $tool in
        nsboot) printf '%s\n' "$NSBOOT" -q -M "$MACHINE" -D "$RUN_ROOT" ;;
        nspawn) printf '%s\n' "$NSPAWN" --register=no --keep-unit -q -M "$MACHINE" -D "$RUN_ROOT" ;;
        esac
        case $mode in
        true)     printf '%s\n' --pipe /bin/true ;;
        check)    printf '%s\n' --pipe /bin/cat /etc/machine-id ;;
        boot|rss) printf '%s\n' --console=read-only -b ;;
        esac
}

LAST_NS=0
LAST_RC=0
LAST_LOG=""
LAST_RSS=""

# run TOOL MODE LABEL: one run on a fresh overlay; sets LAST_*
run() {
        local tool=$1 mode=$2 label=$3 tmo=$TIMEOUT_TRUE marker=- rssout=- out
        local -a cmd
        prepare "$( [[ $mode == check ]] && echo true || echo "$mode")"
        mapfile -t cmd < <(cmdline "$tool" "$mode")
        [[ $mode == true || $mode == check ]] || tmo=$TIMEOUT_BOOT
        if [[ $mode == rss ]]; then
                marker=$RUN_DIR/upper/$MARKER_REL
                rssout=$RUN_DIR/rss
        fi
        LAST_LOG=$WORK/$label.log
        # In the background and waited for, so that a signal to this script is handled at once.
        /usr/bin/python3 "$WORK/timed.py" "$RUN_DIR/pgid" "$LAST_LOG" "$marker" "$rssout" "$RSS_HOLD" -- \
                timeout -k 5 "$tmo" "${cmd[@]}" >"$RUN_DIR/result" &
        HELPER_PID=$!
        wait "$HELPER_PID" || die "$label: the timing helper failed"
        HELPER_PID=""
        rm -f "$RUN_DIR/pgid"
        out=$(<"$RUN_DIR/result")
        read -r LAST_NS LAST_RC <<<"$out"
        LAST_RSS=""
        [[ $rssout == - ]] || LAST_RSS=$(<"$rssout")
        if [[ $mode == boot || $mode == rss ]]; then
                check_boot "$tool" "$label"
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
        local tool=$1 label=$2 marker=$RUN_DIR/upper/$MARKER_REL
        [[ $LAST_RC == 124 || $LAST_RC == 137 ]] && fail_run "$label" "timed out after ${TIMEOUT_BOOT}s (exit $LAST_RC)"
        [[ $LAST_RC == 0 ]] || fail_run "$label" "$tool exited $LAST_RC, expected 0 (poweroff)"
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

main() {
        parse_args "$@"
        [[ $(id -u) == 0 ]] || die "must run as root"
        [[ -x $NSBOOT ]] || die "no nsboot binary at '$NSBOOT' (build it: meson setup build && meson compile -C build)"
        NSPAWN=${NSPAWN:-$(command -v systemd-nspawn || true)}
        [[ -x $NSPAWN ]] || die "systemd-nspawn not found"
        [[ -x /usr/bin/python3 ]] || die "/usr/bin/python3 is needed for the timing helper"
        command -v timeout >/dev/null || die "timeout(1) not found"
        resolve_tree

        trap cleanup EXIT
        trap on_signal INT TERM HUP
        WORK=$(mktemp -d /var/tmp/nsboot-bench.XXXXXX)
        write_helper

        local nsboot_version nspawn_version date_utc kernel cpus host_os loadavg
        nsboot_version=$("$NSBOOT" --version 2>&1 | head -n1)
        nspawn_version=$("$NSPAWN" --version 2>&1 | head -n1)
        date_utc=$(date -u +%FT%TZ)
        kernel=$(uname -r)
        cpus=$(nproc)
        # shellcheck disable=SC1091
        host_os=$(. /etc/os-release && echo "${PRETTY_NAME:-$ID}")
        loadavg=$(cut -d' ' -f1-3 /proc/loadavg)

        log "tree:    $TREE"
        log "nsboot:  $NSBOOT ($nsboot_version)"
        log "nspawn:  $NSPAWN ($nspawn_version)"
        log "rounds:  /bin/true $ROUNDS_TRUE, boot $ROUNDS_BOOT, rss $ROUNDS_RSS"

        # Sanity: both really run the command inside the tree (overlay's machine ID).
        local tool out
        for tool in nsboot nspawn; do
                run "$tool" check "check-$tool"
                out=$(tr -d '\r' <"$LAST_LOG" | grep -v '^Attempted to remove disk file system' || true)
                [[ $LAST_RC == 0 && $out == "$MACHINE_ID" ]] ||
                        fail_run "check-$tool" "expected exit 0 and the overlay's machine ID, got exit $LAST_RC"
        done

        # Floor: what timeout(1) + fork/exec of /bin/true costs on the host (not in a container).
        local -a base=()
        local i o
        for ((i = 0; i < ROUNDS_TRUE; i++)); do
                o=$(/usr/bin/python3 "$WORK/timed.py" "$WORK/pgid" "$WORK/base.log" - - 0 -- timeout -k 5 10 /bin/true)
                base+=("${o% *}")
        done

        # 1. /bin/true
        local -a t_nsb=() t_nsp=()
        log "/bin/true: warm-up"
        run nsboot true warm-true-nsboot
        run nspawn true warm-true-nspawn
        for ((i = 1; i <= ROUNDS_TRUE; i++)); do
                for tool in nsboot nspawn; do
                        run "$tool" true "true-$tool-$i"
                        [[ $LAST_RC == 0 ]] || fail_run "true-$tool-$i" "$tool exited $LAST_RC, expected 0"
                        if [[ $tool == nsboot ]]; then t_nsb+=("$LAST_NS"); else t_nsp+=("$LAST_NS"); fi
                done
                log "/bin/true round $i/$ROUNDS_TRUE: nsboot $(ns2ms "${t_nsb[-1]}") ms, nspawn $(ns2ms "${t_nsp[-1]}") ms"
        done

        # 2. boot to multi-user.target, poweroff
        local -a b_nsb=() b_nsp=()
        log "boot: warm-up"
        run nsboot boot warm-boot-nsboot
        run nspawn boot warm-boot-nspawn
        for ((i = 1; i <= ROUNDS_BOOT; i++)); do
                for tool in nsboot nspawn; do
                        run "$tool" boot "boot-$tool-$i"
                        if [[ $tool == nsboot ]]; then b_nsb+=("$LAST_NS"); else b_nsp+=("$LAST_NS"); fi
                done
                log "boot round $i/$ROUNDS_BOOT: nsboot $(ns2ms "${b_nsb[-1]}") ms, nspawn $(ns2ms "${b_nsp[-1]}") ms"
        done

        # 3. supervisor memory while a booted guest runs
        local -a r_nsb=() r_nsp=() s_nsb=() s_nsp=()
        for ((i = 1; i <= ROUNDS_RSS; i++)); do
                for tool in nsboot nspawn; do
                        run "$tool" rss "rss-$tool-$i"
                        if [[ $tool == nsboot ]]; then r_nsb+=("$(field vmrss_kib "$LAST_RSS")"); s_nsb+=("$LAST_RSS")
                        else r_nsp+=("$(field vmrss_kib "$LAST_RSS")"); s_nsp+=("$LAST_RSS"); fi
                done
                log "rss round $i/$ROUNDS_RSS: nsboot ${r_nsb[-1]} KiB, nspawn ${r_nsp[-1]} KiB"
        done

        # ---- report
        local m_base m_tn m_tp m_bn m_bp m_rn m_rp r_t r_b r_r
        m_base=$(printf '%s\n' "${base[@]}" | median)
        m_tn=$(printf '%s\n' "${t_nsb[@]}" | median)
        m_tp=$(printf '%s\n' "${t_nsp[@]}" | median)
        m_bn=$(printf '%s\n' "${b_nsb[@]}" | median)
        m_bp=$(printf '%s\n' "${b_nsp[@]}" | median)
        m_rn=$(printf '%s\n' "${r_nsb[@]}" | median)
        m_rp=$(printf '%s\n' "${r_nsp[@]}" | median)
        r_t=$(ratio "$m_tn" "$m_tp")
        r_b=$(ratio "$m_bn" "$m_bp")
        r_r=$(ratio "$m_rn" "$m_rp")

        local ok_t ok_b ok_r
        ok_t=$(leq "$r_t" "$TARGET_TRUE_RATIO" && echo met || echo MISSED)
        ok_b=$(leq "$r_b" "$TARGET_BOOT_RATIO" && echo met || echo MISSED)
        ok_r=$(leq "$m_rn" "$TARGET_RSS_KIB" && echo met || echo MISSED)

        local mm_tn mm_tp mm_bn mm_bp mm_rn mm_rp
        mm_tn=$(printf '%s\n' "${t_nsb[@]}" | minmax); mm_tp=$(printf '%s\n' "${t_nsp[@]}" | minmax)
        mm_bn=$(printf '%s\n' "${b_nsb[@]}" | minmax); mm_bp=$(printf '%s\n' "${b_nsp[@]}" | minmax)
        mm_rn=$(printf '%s\n' "${r_nsb[@]}" | minmax); mm_rp=$(printf '%s\n' "${r_nsp[@]}" | minmax)

        rng_ms() { echo "$(ns2ms "${1% *}")-$(ns2ms "${1#* }")"; }
        # The last RSS sample of each tool, for the breakdown.
        local ln=${s_nsb[-1]} lp=${s_nsp[-1]}

        echo
        echo "nsboot vs systemd-nspawn — $date_utc, $(uname -n), $cpus CPUs, $host_os, kernel $kernel"
        echo "tree: $TREE"
        echo "host load average at start: $loadavg (other work on the host skews the timings)"
        echo "nsboot: $nsboot_version   systemd-nspawn: $nspawn_version"
        echo
        printf '%-34s %12s %12s %9s %8s  %s\n' "measure (median)" nsboot nspawn ratio target status
        printf '%-34s %12s %12s %9s %8s  %s\n' "----------------" ------ ------ ----- ------ ------
        printf '%-34s %9s ms %9s ms %9s %8s  %s\n' "/bin/true, n=$ROUNDS_TRUE" \
                "$(ns2ms "$m_tn")" "$(ns2ms "$m_tp")" "$r_t" "<=$TARGET_TRUE_RATIO" "$ok_t"
        printf '%-34s %9s ms %9s ms %9s %8s  %s\n' "boot to multi-user + poweroff, n=$ROUNDS_BOOT" \
                "$(ns2ms "$m_bn")" "$(ns2ms "$m_bp")" "$r_b" "<=$TARGET_BOOT_RATIO" "$ok_b"
        printf '%-34s %8s KiB %8s KiB %9s %8s  %s\n' "supervisor VmRSS, booted, n=$ROUNDS_RSS" \
                "$m_rn" "$m_rp" "$r_r" "<=2MiB" "$ok_r"
        echo
        printf '%-34s %22s %22s\n' "range (min-max)" nsboot nspawn
        printf '%-34s %19s ms %19s ms\n' "/bin/true" "$(rng_ms "$mm_tn")" "$(rng_ms "$mm_tp")"
        printf '%-34s %19s ms %19s ms\n' "boot + poweroff" "$(rng_ms "$mm_bn")" "$(rng_ms "$mm_bp")"
        printf '%-34s %18s KiB %18s KiB\n' "VmRSS" "${mm_rn% *}-${mm_rn#* }" "${mm_rp% *}-${mm_rp#* }"
        echo
        echo "floor: 'timeout 10 /bin/true' on the host (no container): $(ns2ms "$m_base") ms (included in both /bin/true figures)"
        echo "supervisor memory, last sample (KiB):"
        local k
        printf '  %-12s %8s %8s\n' "" nsboot nspawn
        for k in vmrss vmhwm rssanon rssfile pss; do
                printf '  %-12s %8s %8s\n' "$k" "$(field "${k}_kib" "$ln")" "$(field "${k}_kib" "$lp")"
        done
        printf '  %-12s %8s %8s\n' "shared libs" "$(field libs "$ln")" "$(field libs "$lp")"
        printf '  %-12s %8s %8s\n' "children" "$(field children "$ln")" "$(field children "$lp")"

        echo
        echo "--- BEGIN NSBOOT-BENCH ---"
        echo "date=$date_utc"
        echo "kernel=$kernel"
        echo "cpus=$cpus"
        echo "host_os=$host_os"
        echo "loadavg_start=$loadavg"
        echo "tree=$TREE"
        echo "nsboot_version=$nsboot_version"
        echo "nspawn_version=$nspawn_version"
        echo "rounds_true=$ROUNDS_TRUE"
        echo "rounds_boot=$ROUNDS_BOOT"
        echo "rounds_rss=$ROUNDS_RSS"
        echo "floor_true_ms=$(ns2ms "$m_base")"
        echo "nsboot_true_ms=$(ns2ms "$m_tn")"
        echo "nspawn_true_ms=$(ns2ms "$m_tp")"
        echo "ratio_true=$r_t"
        echo "target_ratio_true=$TARGET_TRUE_RATIO"
        echo "status_true=$ok_t"
        echo "nsboot_boot_ms=$(ns2ms "$m_bn")"
        echo "nspawn_boot_ms=$(ns2ms "$m_bp")"
        echo "ratio_boot=$r_b"
        echo "target_ratio_boot=$TARGET_BOOT_RATIO"
        echo "status_boot=$ok_b"
        echo "nsboot_rss_kib=$m_rn"
        echo "nspawn_rss_kib=$m_rp"
        echo "ratio_rss=$r_r"
        echo "target_nsboot_rss_kib=$TARGET_RSS_KIB"
        echo "status_rss=$ok_r"
        echo "nsboot_true_samples_ms=$(for k in "${t_nsb[@]}"; do ns2ms "$k"; done | paste -sd,)"
        echo "nspawn_true_samples_ms=$(for k in "${t_nsp[@]}"; do ns2ms "$k"; done | paste -sd,)"
        echo "nsboot_boot_samples_ms=$(for k in "${b_nsb[@]}"; do ns2ms "$k"; done | paste -sd,)"
        echo "nspawn_boot_samples_ms=$(for k in "${b_nsp[@]}"; do ns2ms "$k"; done | paste -sd,)"
        echo "nsboot_rss_samples_kib=$(IFS=,; echo "${r_nsb[*]}")"
        echo "nspawn_rss_samples_kib=$(IFS=,; echo "${r_nsp[*]}")"
        echo "nsboot_mem_last=$ln"
        echo "nspawn_mem_last=$lp"
        echo "--- END NSBOOT-BENCH ---"
}

main "$@"
