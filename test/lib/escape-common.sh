# shellcheck shell=bash
# Shared by test/integration/test-escape-*.sh (after lib.sh): a busybox tree on a tmpfs of its own
# with the escape prober (test/fixtures/escape.c) in it, facts about the host for the prober, runs
# of it, checks of its report against test/integration/escape-expect/MODE.txt, and checks of the
# host's own state (mount table with superblock options, sysctls) after every run.
#
# Environment:
#   ESCAPE_BIN          the prober (default: test/fixtures/escape next to NSBOOT; else compiled)
#   ESCAPE_REPORT_ONLY  1: report unexpected escapes but do not fail on them (the host checks still
#                       fail); for listing what a branch leaves open

ESCAPE_BIN=${ESCAPE_BIN:-$(dirname "$NSBOOT")/test/fixtures/escape}
ESCAPE_EXPECT_DIR=$SRCDIR/test/integration/escape-expect
ESCAPE_FS=""
ESCAPE_TREE=""
ESCAPE_NAME=""
ESCAPE_HOST_STATE=""
ESCAPE_FAILURES=()
ESCAPE_SYSCTLS=(vm/overcommit_ratio kernel/printk_ratelimit)
ESCAPE_KNOBS=(/sys/kernel/mm/transparent_hugepage/enabled /sys/kernel/mm/transparent_hugepage/defrag)
# The machine's pids limit in every run: the prober tries to lift it from inside (cgroup-own-limits).
ESCAPE_PIDS_MAX=200

_escape_bin() {
        if [[ -x $ESCAPE_BIN ]]; then
                echo "$ESCAPE_BIN"
                return
        fi
        if [[ ! -x $WORKDIR/escape ]]; then
                log "no $ESCAPE_BIN, compiling test/fixtures/escape*.c"
                cc -std=gnu11 -O2 -static -o "$WORKDIR/escape" "$SRCDIR"/test/fixtures/escape*.c ||
                        fail "cannot build the escape prober"
        fi
        echo "$WORKDIR/escape"
}

# escape_fs: a tmpfs of its own at $WORKDIR/escfs, so that nothing a guest does to the tree's
# superblock reaches a file system of the machine; unmounted last, however the test ends.
escape_fs() {
        ESCAPE_FS=$WORKDIR/escfs
        mkdir -p "$ESCAPE_FS"
        mount -t tmpfs -o size=1200m,mode=0755 "nsbt-escape-$$" "$ESCAPE_FS"
        at_exit "mount -o remount,rw '$ESCAPE_FS' 2>/dev/null; _umount '$ESCAPE_FS'"
        # Whatever ends the test, the host's /sys is read-write again afterwards.
        _superblock_ro /sys || at_exit "escape_restore_sys"
        # A file next to the tree on the same file system: the guest must not reach it.
        head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$ESCAPE_FS/outside-secret"
        echo >>"$ESCAPE_FS/outside-secret"
}

# escape_tree: a busybox tree on the tmpfs with the prober as /escape and the host's facts as
# /escape.env. Sets ESCAPE_TREE and ESCAPE_NAME.
escape_tree() {
        [[ -n $ESCAPE_FS ]] || escape_fs
        new_name ESCAPE_NAME
        busybox_tree ESCAPE_TREE "escfs/$ESCAPE_NAME"
        _escape_tree_finish
}

# escape_tree_copy SRC: the same with a copy of the tree SRC.
escape_tree_copy() {
        [[ -n $ESCAPE_FS ]] || escape_fs
        new_name ESCAPE_NAME
        ESCAPE_TREE=$ESCAPE_FS/$ESCAPE_NAME
        cp -a "$1" "$ESCAPE_TREE"
        _escape_tree_finish
}

_escape_tree_finish() {
        install -m 0755 "$(_escape_bin)" "$ESCAPE_TREE/escape"
        escape_host_facts >"$ESCAPE_TREE/escape.env"
}

# A process of the host the guest must neither see nor trace, named by a mark.
_escape_target() {
        local mark=nsboot-escape-target-$$
        if [[ -z ${_ESCAPE_TARGET_PID:-} ]]; then
                # Its descriptors are not ours: an inherited one open for writing on the tmpfs would
                # make a guest's read-only remount fail with EBUSY, hiding the attack.
                bash -c "exec -a $mark sleep 600" </dev/null >/dev/null 2>&1 &
                _ESCAPE_TARGET_PID=$!
                at_exit "kill -KILL $_ESCAPE_TARGET_PID 2>/dev/null; wait $_ESCAPE_TARGET_PID 2>/dev/null"
        fi
        echo "HOST_PID=$_ESCAPE_TARGET_PID"
        echo "HOST_PID_MARK=$mark"
}

escape_host_facts() {
        local bin
        bin=$(_escape_bin)
        echo "HOST_SYS_DEV=$(stat -c %d /sys)"
        echo "MACHINE_PIDS_MAX=$ESCAPE_PIDS_MAX"
        echo "HOST_NSBOOT=$(stat -L -c %d:%i "${_NSBOOT_REAL:-$NSBOOT}")"
        _escape_target
        "$bin" --host-info
        echo "HOST_SECRET_HANDLE=$("$bin" --host-handle "$ESCAPE_FS/outside-secret")"
        echo "HOST_SECRET=$(<"$ESCAPE_FS/outside-secret")"
}

# ---------------------------------------------------------------------------------------------
# The host's state: mount table lines of /, /sys, /proc, the tmpfs and the tree (superblock
# options included), and the host-global values the prober writes back.

escape_host_state() {
        awk -v fs="$ESCAPE_FS" -v tree="$ESCAPE_TREE" '
                $5 == "/" || $5 == "/sys" || $5 == "/proc" || $5 == fs || $5 == tree' /proc/self/mountinfo
        local s k
        for s in "${ESCAPE_SYSCTLS[@]}"; do
                echo "sysctl $s=$(cat "/proc/sys/$s" 2>/dev/null)"
        done
        for k in "${ESCAPE_KNOBS[@]}"; do
                echo "knob $k=$(cat "$k" 2>/dev/null)"
        done
}

# Other tests on the machine may have left the host's /sys read-only (a guest of theirs did it):
# that is repaired first, so that it is not taken for what our guest did.
escape_state_snapshot() {
        if _superblock_ro /sys; then
                log "WARNING: the host's /sys is read-only before our run (someone else's guest?)"
                escape_restore_sys
        fi
        ESCAPE_HOST_STATE=$(escape_host_state)
}

# _superblock_ro MOUNTPOINT: the superblock options (after " - FSTYPE SOURCE") say ro.
_superblock_ro() {
        awk -v mp="$1" '$5 == mp {
                for (i = 7; i < NF; i++) if ($i == "-") so = $(i + 3)
        } END { exit !(so ~ /(^|,)ro(,|$)/) }' /proc/self/mountinfo
}

escape_restore_sys() {
        _superblock_ro /sys || return 0
        log "restoring the host's /sys read-write"
        mount -o remount,rw /sys
}

# escape_state_check WHAT: the host's state is as in the snapshot; what a guest changed is put
# back (read-write /sys and tmpfs) and recorded as a failure.
escape_state_check() {
        local what=$1 now
        now=$(escape_host_state)
        [[ $now != "$ESCAPE_HOST_STATE" ]] || return 0
        echo "--- host state changed by $what (< before, > after):"
        diff <(echo "$ESCAPE_HOST_STATE") <(echo "$now") | grep '^[<>]' || true
        ESCAPE_FAILURES+=("$what: the host's mount table or sysctls changed")
        escape_restore_sys
        if _superblock_ro "$ESCAPE_FS"; then
                log "restoring the test tmpfs read-write"
                mount -o remount,rw "$ESCAPE_FS"
        fi
        ESCAPE_HOST_STATE=$(escape_host_state)
}

# ---------------------------------------------------------------------------------------------
# Reports

# escape_check_report WHAT MODE FILE [ID...]: FILE holds the prober's output for the probes ID (all
# by default); each must have a line, and each ESCAPED one must be "allowed" in MODE's file.
escape_check_report() {
        local what=$1 mode=$2 file=$3 expect id line result
        shift 3
        expect=$ESCAPE_EXPECT_DIR/$mode.txt
        [[ -f $expect ]] || fail "no expectation file $expect"
        local ids=() arg
        for arg in "$@"; do
                [[ $arg == -* ]] || ids+=("$arg")
        done
        ((${#ids[@]} > 0)) || mapfile -t ids < <("$(_escape_bin)" --list | awk '{ print $1 }')
        for id in "${ids[@]}"; do
                # Not anchored: a terminal echoes what TIOCSTI typed in front of the line.
                line=$(grep -ao "ESCAPE name=$id .*" "$file" | tail -n 1 | tr -d '\r') || true
                if [[ -z $line ]]; then
                        ESCAPE_FAILURES+=("$what: no result for probe $id")
                        continue
                fi
                result=$(sed -n 's/.* result=\([^ ]*\) .*/\1/p' <<<"$line")
                case $result in
                blocked|n/a) ;;
                ESCAPED)
                        awk -v id="$id" '$1 == id && $2 == "allowed" { f = 1 } END { exit !f }' "$expect" ||
                                ESCAPE_FAILURES+=("$what: $line")
                        ;;
                *)      ESCAPE_FAILURES+=("$what: $line") ;;
                esac
        done
}

# escape_run WHAT MODE [NSBOOT OPTIONS...] -- [PROBER ARGS...]: run the prober as the command, with
# an extra descriptor (7) open on a host file for nsboot to pass on or not; check its report and
# the host's state.
escape_run() {
        local what=$1 mode=$2 opts=() args=()
        shift 2
        while [[ $# -gt 0 && $1 != -- ]]; do
                opts+=("$1")
                shift
        done
        [[ ${1:-} != -- ]] || shift
        args=("$@")
        cp "$ESCAPE_EXPECT_DIR/$mode.txt" "$ESCAPE_TREE/escape-expect.txt"
        escape_nsboot "$what" -M "$ESCAPE_NAME" "${opts[@]}" -D "$ESCAPE_TREE" \
                /escape --expect-file /escape-expect.txt "${args[@]}"
        escape_print "$what" "$NSBOOT_OUT"
        escape_check_report "$what" "$mode" "$NSBOOT_OUT" "${args[@]}"
}

# escape_lock_run WHAT MODE [NSBOOT OPTIONS...]: the probes of nsboot's mount locks, with a
# read-only root, a --bind-ro mount and an --inaccessible path (named to the prober in its env file)
# besides the /proc masks and the /proc view, which must all stay in place and read-only.
escape_lock_run() {
        local what=$1 mode=$2
        shift 2
        mkdir -p "$ESCAPE_TREE/escape-hidden" "$ESCAPE_TREE/escape-ro" "$ESCAPE_FS/escape-ro-src"
        echo "not for the guest" >"$ESCAPE_TREE/escape-hidden/file"
        grep -q '^HIDE_PATH=' "$ESCAPE_TREE/escape.env" ||
                printf 'HIDE_PATH=/escape-hidden\nBIND_RO_PATH=/escape-ro\n' >>"$ESCAPE_TREE/escape.env"
        escape_run "$what" "$mode" "$@" --read-only --bind-ro="$ESCAPE_FS/escape-ro-src:/escape-ro" \
                --inaccessible=/escape-hidden -- umount-sysrq umount-proc-masks remount-proc-sys \
                umount-proc-view umount-hide-mask move-proc-mounts remount-ro-rw setattr-ro-rw
}

# escape_nsboot WHAT ARGS...: nsboot_run, but the host's state is checked and repaired (/sys made
# read-write again) before lib.sh looks for leaked mounts, which would end the test at once.
escape_nsboot() {
        local what=$1
        shift
        _next_output_files
        escape_state_snapshot
        mounts_snapshot
        log "nsboot $*"
        NSBOOT_RC=0
        # Descriptor 7, on a host file outside the tree, is for nsboot to close, not to pass on.
        # shellcheck disable=SC2153 # NSBOOT_ERR is set by lib.sh's _next_output_files
        timeout -k 5 "$NSBOOT_TIMEOUT" "$NSBOOT" --property=TasksMax=$ESCAPE_PIDS_MAX "$@" </dev/null >"$NSBOOT_OUT" 2>"$NSBOOT_ERR" \
                7<"$ESCAPE_FS/outside-secret" || NSBOOT_RC=$?
        [[ ! -s $NSBOOT_ERR ]] || { echo "--- nsboot's standard error:"; tail -n 20 "$NSBOOT_ERR"; }
        log "exit status $NSBOOT_RC"
        escape_state_check "$what"
        [[ $NSBOOT_RC != 124 ]] || fail "$what: nsboot did not exit within $NSBOOT_TIMEOUT s"
        _after_run "$ESCAPE_NAME"
}

escape_print() {
        echo "--- escape report: $1"
        grep -ao 'ESCAPE.*' "$2" | tr -d '\r' || true
}

# escape_finish: pass, or fail listing everything unexpected (ESCAPE_REPORT_ONLY=1: only list
# escapes, but still fail on changes to the host's state).
escape_finish() {
        local f host=0
        ((${#ESCAPE_FAILURES[@]} > 0)) || return 0
        echo "--- unexpected:"
        for f in "${ESCAPE_FAILURES[@]}"; do
                echo "  $f"
                [[ $f != *"the host's mount table or sysctls changed"* ]] || host=1
        done
        if [[ ${ESCAPE_REPORT_ONLY:-0} == 1 && $host == 0 ]]; then
                log "ESCAPE_REPORT_ONLY=1: not failing on ${#ESCAPE_FAILURES[@]} unexpected results"
                return 0
        fi
        fail "${#ESCAPE_FAILURES[@]} unexpected escape results (see above)"
}

# escape_tty_run WHAT MODE [NSBOOT OPTIONS...]: the terminal probes, with nsboot's standard input a
# terminal (script(1)'s pty) and its output a pipe: the console is then "pipe", and the guest gets
# the caller's terminal as it is. TIOCSTI on it must fail.
escape_tty_run() {
        local what=$1 mode=$2 cmd out
        shift 2
        require_cmd script
        cp "$ESCAPE_EXPECT_DIR/$mode.txt" "$ESCAPE_TREE/escape-expect.txt"
        out=$WORKDIR/escape-tty.$RANDOM.out
        printf -v cmd '%q ' "$NSBOOT" -M "$ESCAPE_NAME" "$@" -D "$ESCAPE_TREE" \
                /escape --expect-file /escape-expect.txt tiocsti tioclinux
        escape_state_snapshot
        log "script -c '$cmd 2>&1 | cat'"
        timeout -k 5 "$NSBOOT_TIMEOUT" script -qfec "$cmd 2>&1 | cat" /dev/null </dev/null >"$out" ||
                log "exit status $? (the report decides)"
        escape_print "$what" "$out"
        escape_state_check "$what"
        escape_check_report "$what" "$mode" "$out" tiocsti tioclinux
}

# escape_link_run WHAT MODE [NSBOOT OPTIONS...]: nsboot in a test network namespace with a veth
# link escv0 in it, which the guest must not be able to take down.
escape_link_run() {
        local what=$1 mode=$2 ns before
        shift 2
        netns_create ns
        ip -n "$ns" link add escv0 type veth peer name escv1
        ip -n "$ns" link set escv0 up
        ip -n "$ns" link set escv1 up
        before=$(net_state "$ns")
        echo "NET_LINK=escv0" >>"$ESCAPE_TREE/escape.env"
        nsboot_in_netns "$ns"
        escape_run "$what" "$mode" "$@" -- net-host-link
        nsboot_in_netns
        sed -i '/^NET_LINK=/d' "$ESCAPE_TREE/escape.env"
        [[ $(net_state "$ns") == "$before" ]] || ESCAPE_FAILURES+=("$what: the test host's links changed")
}
