# shellcheck shell=bash
# Sourced by every test/integration/test-*.sh. Gives each test a private work directory, trees
# (busybox or an overlay over the cached Debian tree), bounded nsboot runs, a way into the guest,
# and assertions; undoes everything it set up when the test exits, however it exits.
#
# Exit status of a test: 0 pass, 1 fail, 77 skip (with "SKIP: reason" as its last line).
#
# Environment:
#   NSBOOT          the binary under test (default: build/nsboot in the source tree)
#   BUILDDIR        its build directory (default: the directory of NSBOOT), for tests that link
#                   nsboot's core library
#   TESTINIT        static test init (default: test/fixtures/testinit next to NSBOOT; else
#                   compiled here from test/fixtures/testinit.c)
#   NSBOOT_TIMEOUT  default bound in seconds for one nsboot run (default 60)
#   NSBOOTCTL       the nsbootctl under test, $CTL (default: BUILDDIR/nsbootctl)
#   KEEP_WORKDIR=1  keep the work directory for inspection (mounts are still undone)

set -euo pipefail
shopt -s inherit_errexit

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TEST_NAME=$(basename "$0" .sh)
NSBOOT=${NSBOOT:-$SRCDIR/build/nsboot}
BUILDDIR=${BUILDDIR:-$(dirname "$NSBOOT")}
TESTINIT=${TESTINIT:-$(dirname "$NSBOOT")/test/fixtures/testinit}
NSBOOT_TIMEOUT=${NSBOOT_TIMEOUT:-60}
CTL=${NSBOOTCTL:-$BUILDDIR/nsbootctl}
# Commands run in a guest get a clean, predictable environment, not the caller's.
GUEST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

WORKDIR=""
NSBOOT_PID=""
NSBOOT_RC=""
NSBOOT_OUT=""
NSBOOT_ERR=""
LEADER=""
BOOT_STATE=""
_NSBOOT_NAME=""
_RUN_SEQ=0
_NAME_SEQ=0
_CLEANUP=()
_MOUNTS_BEFORE=""
_TMUX_SOCKET=""
_CTL_TIMEOUT=60

# ---------------------------------------------------------------------------------------------
# Reporting

log() { echo "[$TEST_NAME] $*"; }

# On stderr, so that a failure inside $(...) is still seen.
fail() {
        echo "FAIL: $*" >&2
        exit 1
}

skip() {
        echo "SKIP: $*" >&2
        exit 77
}

require_root() {
        [[ $(id -u) == 0 ]] || skip "needs root"
}

require_cmd() {
        local c
        for c in "$@"; do
                command -v "$c" >/dev/null || skip "needs '$c'"
        done
}

# ---------------------------------------------------------------------------------------------
# Cleanup: commands run in reverse order of registration when the test exits.

at_exit() {
        _CLEANUP+=("$*")
}

# shellcheck source=test/lib/common.sh
. "$SRCDIR/test/lib/common.sh"

_cleanup() {
        local rc=$? i
        set +e
        trap - EXIT HUP INT PIPE TERM
        for ((i = ${#_CLEANUP[@]} - 1; i >= 0; i--)); do
                eval "${_CLEANUP[i]}"
        done
        [[ $rc != 0 ]] || echo "PASS: $TEST_NAME"
        if [[ -n $WORKDIR && -d $WORKDIR ]]; then
                if has_mounts_under "$WORKDIR"; then
                        # Never rm -rf through a mount; and a leftover mount is a bug to report.
                        echo "FAIL: mounts left under $WORKDIR:"
                        grep -F " $WORKDIR" /proc/self/mountinfo
                        [[ $rc != 0 ]] || rc=1
                elif [[ ${KEEP_WORKDIR:-0} == 1 ]]; then
                        log "kept $WORKDIR"
                else
                        rm -rf --one-file-system "$WORKDIR"
                fi
        fi
        exit "$rc"
}

# Unmount what we mounted; lazily as a last resort, so that the host is never left with it.
_umount() {
        local dir=$1 i
        for i in 1 2 3 4 5; do
                mountpoint -q "$dir" || return 0
                umount -R "$dir" 2>/dev/null && return 0
                sleep 0.2
        done
        echo "WARNING: $dir busy, detaching it lazily"
        umount -R -l "$dir"
}

_kill_if_alive() {
        local pid=$1
        kill -0 "$pid" 2>/dev/null || return 0
        log "killing leftover process $pid ($(cat "/proc/$pid/comm" 2>/dev/null))"
        kill -KILL "$pid" 2>/dev/null
        timeout 10 tail --pid="$pid" -f /dev/null
}

# ---------------------------------------------------------------------------------------------
# Assertions

assert_eq() {
        [[ $1 == "$2" ]] || fail "${3:-values differ}: expected '$1', got '$2'"
}

assert_ne() {
        [[ $1 != "$2" ]] || fail "${3:-values equal}: both are '$1'"
}

assert_contains() {
        [[ $1 == *"$2"* ]] || fail "${3:-missing text}: '$2' not found in:"$'\n'"$1"
}

assert_not_contains() {
        [[ $1 != *"$2"* ]] || fail "${3:-unexpected text}: '$2' found in:"$'\n'"$1"
}

assert_match() {
        [[ $1 =~ $2 ]] || fail "${3:-no match}: '$1' does not match /$2/"
}

assert_file_exists() {
        [[ -e $1 || -L $1 ]] || fail "${2:-file missing}: $1"
}

assert_file_not_exists() {
        [[ ! -e $1 && ! -L $1 ]] || fail "${2:-file exists}: $1"
}

assert_file_contains() {
        grep -qF -- "$2" "$1" || fail "${3:-missing text}: '$2' not in $1:"$'\n'"$(tail -n 30 "$1")"
}

assert_file_not_contains() {
        ! grep -qF -- "$2" "$1" || fail "${3:-unexpected text}: '$2' in $1:"$'\n'"$(grep -F -- "$2" "$1")"
}

# Exit status of the last nsboot_run / nsboot_wait / tmux_wait_exit (their output is in the log).
assert_rc() {
        [[ $NSBOOT_RC == "$1" ]] || fail "${2:-nsboot exit status}: expected $1, got $NSBOOT_RC"
}

assert_rc_ne() {
        [[ $NSBOOT_RC != "$1" ]] || fail "${2:-nsboot exit status}: expected anything but $1"
}

# assert_refused MACHINE WHAT MESSAGE NSBOOT-ARGS...: nsboot -M MACHINE NSBOOT-ARGS exits 1, saying
# MESSAGE, and leaves no machine record or lock behind (bad input is refused before anything starts).
assert_refused() {
        local machine=$1 what=$2 msg=$3
        shift 3
        nsboot_run -M "$machine" "$@"
        assert_rc 1 "$what"
        assert_file_contains "$NSBOOT_ERR" "$msg" "$what: the message"
        assert_file_not_exists "/run/nsboot/machines/$machine.state" "$what: a machine record"
        assert_file_not_exists "/run/nsboot/locks/machine-$machine" "$what: a machine lock"
}

# ---------------------------------------------------------------------------------------------
# Host state

# The guest's mounts live in its own namespace; none may appear in, or linger on, the host.
# A leak shows up under the tree (propagation) or on the API file systems (a mount made in the
# wrong namespace), so changes elsewhere come from someone else on the machine and are only
# reported, unless NSBOOT_TEST_STRICT_MOUNTS=1.
mounts_snapshot() {
        _MOUNTS_BEFORE=$(cat /proc/self/mountinfo)
}

mounts_check() {
        local now changes relevant
        now=$(cat /proc/self/mountinfo)
        [[ $now == "$_MOUNTS_BEFORE" ]] && return 0
        changes=$(diff <(echo "$_MOUNTS_BEFORE") <(echo "$now") | grep '^[<>]') || true
        # In diff's "< ID PARENT MAJ:MIN ROOT MOUNTPOINT ..." the mount point is field 6.
        relevant=$(awk -v w="$WORKDIR" -v strict="${NSBOOT_TEST_STRICT_MOUNTS:-0}" '
                strict == 1 || $6 == w || index($6, w "/") == 1 ||
                $6 ~ /^\/(dev|proc|sys|run|tmp)?$/ || $6 ~ /^\/(dev|proc|sys)\// { print }' <<<"$changes")
        if [[ -n $relevant ]]; then
                echo "$changes"
                fail "host mount table changed (${1:-})"
        fi
        log "WARNING: mount changes elsewhere on the host, not ours:"$'\n'"$changes"
        _MOUNTS_BEFORE=$now
}

# cgroup2 hierarchy nsboot uses: the root on pure v2, the "unified" one on a hybrid host.
cgroup2_root() {
        if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
                echo /sys/fs/cgroup
        elif [[ $(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null) == cgroup2fs ]]; then
                echo /sys/fs/cgroup/unified
        else
                return 1
        fi
}

machine_cgroup() {
        local root
        root=$(cgroup2_root) || return 1
        echo "$root/machine.slice/machine-$1.scope"
}

# ---------------------------------------------------------------------------------------------
# Trees

# new_name VAR: a machine name unique to this test run. Alphanumerics only, so that no
# unit-name escaping can make the cgroup path differ from "machine-NAME.scope".
new_name() {
        local -n _nn_ret=$1
        _NAME_SEQ=$((_NAME_SEQ + 1))
        _nn_ret=nsbt$$x$_NAME_SEQ
}

_testinit_path() {
        if [[ -x $TESTINIT ]]; then
                echo "$TESTINIT"
                return
        fi
        if [[ ! -x $WORKDIR/testinit ]]; then
                log "no $TESTINIT, compiling test/fixtures/testinit.c"
                cc -std=gnu11 -O2 -static -o "$WORKDIR/testinit" "$SRCDIR/test/fixtures/testinit.c" ||
                        fail "cannot build testinit"
        fi
        echo "$WORKDIR/testinit"
}

# fixture_binary NAME [PATH]: a static test program of test/fixtures: PATH if set, else the one the
# build made, else compiled from NAME.c into the work directory.
fixture_binary() {
        local name=$1 path=${2:-$(dirname "$NSBOOT")/test/fixtures/$1}
        if [[ ! -x $path ]]; then
                log "no $path, compiling test/fixtures/$name.c" >&2
                path=$WORKDIR/$name
                cc -std=gnu11 -O2 -static -o "$path" "$SRCDIR/test/fixtures/$name.c" >&2 || fail "cannot build $name"
        fi
        echo "$path"
}

# Real hosts (systemd) mount everything shared: a guest mount that propagates back shows up at
# once. This host mounts everything private, so make the tree a shared mount of its own.
_shared_mount() {
        local dir=$1
        mount --bind "$dir" "$dir"
        at_exit "_umount '$dir'"
        mount --make-shared "$dir"
}

# busybox_tree VAR [NAME]: a fresh busybox tree with testinit as /sbin/init at
# $WORKDIR/NAME (so NAME is also nsboot's default machine name); its path goes into VAR.
busybox_tree() {
        local -n _bt_ret=$1
        local _bt_name=${2:-} _bt_dir _bt_init
        [[ -n $_bt_name ]] || new_name _bt_name
        _bt_dir=$WORKDIR/$_bt_name
        _bt_init=$(_testinit_path)
        "$SRCDIR/test/fixtures/mktree-busybox.sh" "$_bt_dir" "$_bt_init" || fail "mktree-busybox.sh failed"
        _shared_mount "$_bt_dir"
        _bt_ret=$_bt_dir
}

# busybox_image VAR IMG NAME: IMG, a 64 MiB ext4 image of a fresh busybox tree (testinit as
# /sbin/init, built at $WORKDIR/NAME.tree) with host name NAME and a new machine ID; that ID goes
# into VAR.
busybox_image() {
        local -n _bi_ret=$1
        local _bi_img=$2 _bi_tree=$WORKDIR/$3.tree
        "$SRCDIR/test/fixtures/mktree-busybox.sh" "$_bi_tree" "$(_testinit_path)" >/dev/null ||
                fail "mktree-busybox.sh failed"
        set_machine_id "$_bi_tree" fresh
        echo "$3" >"$_bi_tree/etc/hostname"
        truncate -s 64M "$_bi_img"
        mkfs.ext4 -q -d "$_bi_tree" "$_bi_img" || fail "mkfs.ext4 failed on $_bi_img"
        _bi_ret=$(cat "$_bi_tree/etc/machine-id")
}

# _copy_tree VAR CACHE NAME: a copy of the cached tree CACHE at $WORKDIR/NAME, shared, with a fresh
# machine ID, so that tests never change the cache. A copy, not an overlay: overlayfs cannot be
# mounted idmapped, which the default user namespace mode needs for a root-owned tree (a few seconds
# for ~300 MB).
_copy_tree() {
        local -n _ct_ret=$1
        local _ct_cache=$2 _ct_dir=$WORKDIR/$3
        cp -a "$_ct_cache" "$_ct_dir" || fail "cannot copy the tree $_ct_cache"
        _shared_mount "$_ct_dir"
        set_machine_id "$_ct_dir" fresh
        _ct_ret=$_ct_dir
}

# debian_tree VAR [NAME]: a copy of the cached Debian tree (built on first use, ~40 s) at
# $WORKDIR/NAME.
debian_tree() {
        local _dt_name=${2:-} _dt_cache
        [[ -n $_dt_name ]] || new_name _dt_name
        _dt_cache=$("$SRCDIR/test/lib/mktree-debian.sh") || fail "cannot build the Debian tree"
        _copy_tree "$1" "$_dt_cache" "$_dt_name"
}

# init_tree VAR KIND [NAME]: a copy of the cached Debian tree whose init is KIND (sysvinit, openrc,
# runit, busybox; test/lib/mktree-init.sh, built on first use), as debian_tree. Its boot and
# shutdown sequences print "NSBOOT-INIT: boot" / "NSBOOT-INIT: shutdown" and append "boot" /
# "shutdown" to /var/log/nsboot-marker.
init_tree() {
        local _it_name=${3:-} _it_cache
        [[ -n $_it_name ]] || new_name _it_name
        require_cmd debootstrap
        _it_cache=$("$SRCDIR/test/lib/mktree-init.sh" "$2") || fail "cannot build the $2 tree"
        _copy_tree "$1" "$_it_cache" "$_it_name"
}

# set_machine_id DIR [fresh|empty|uninitialized|ID]
set_machine_id() {
        "$SRCDIR/test/lib/mktree-debian.sh" --set-machine-id "$@"
}

# ---------------------------------------------------------------------------------------------
# Running nsboot

# The machine name nsboot will use for these arguments (-M, else basename of -D).
_machine_name_of() {
        local name="" dir=""
        while [[ $# -gt 0 ]]; do
                case $1 in
                -M|--machine) name=${2:-}; shift ;;
                --machine=*) name=${1#*=} ;;
                -M?*) name=${1#-M} ;;
                -D|--directory) dir=${2:-}; shift ;;
                --directory=*) dir=${1#*=} ;;
                -D?*) dir=${1#-D} ;;
                esac
                shift
        done
        [[ -n $name ]] || name=$(basename "${dir:-/}")
        echo "$name"
}

_next_output_files() {
        _RUN_SEQ=$((_RUN_SEQ + 1))
        NSBOOT_OUT=$WORKDIR/nsboot.$_RUN_SEQ.out
        NSBOOT_ERR=$WORKDIR/nsboot.$_RUN_SEQ.err
}

show_output() {
        local f
        for f in "$NSBOOT_OUT" "$NSBOOT_ERR"; do
                [[ -s $f ]] || continue
                echo "--- ${f##*/} (last 40 lines)"
                tail -n 40 "$f" | sed 's/\r$//'
        done
        echo "--- exit status: ${NSBOOT_RC:-running}"
}

# After every run: nothing of the guest may remain on the host. (A refused second start of a
# machine that runs in the background legitimately leaves that machine's cgroup alone.)
_after_run() {
        local name=$1 cg
        mounts_check "after nsboot run $_RUN_SEQ"
        if [[ $name == "$_NSBOOT_NAME" && -n $NSBOOT_PID ]] && kill -0 "$NSBOOT_PID" 2>/dev/null; then
                return 0
        fi
        if [[ $name =~ ^[A-Za-z0-9._-]+$ ]] && cg=$(machine_cgroup "$name") && [[ -d $cg ]]; then
                fail "cgroup $cg still exists after nsboot exited"
        fi
}

# nsboot_run [-t SECS] ARGS...: run nsboot to completion, stdin from $NSBOOT_STDIN (default
# /dev/null: the console is then "pipe" for commands and "read-only" with -b).
# Sets NSBOOT_RC, NSBOOT_OUT, NSBOOT_ERR.
# A timeout fails the test; exit status 124 is therefore not usable by tests.
nsboot_run() {
        local secs=$NSBOOT_TIMEOUT
        if [[ ${1:-} == -t ]]; then
                secs=$2
                shift 2
        fi
        _next_output_files
        mounts_snapshot
        log "nsboot $*"
        NSBOOT_RC=0
        timeout -k 5 "$secs" "$NSBOOT" "$@" <"${NSBOOT_STDIN:-/dev/null}" >"$NSBOOT_OUT" 2>"$NSBOOT_ERR" ||
                NSBOOT_RC=$?
        show_output
        if [[ $NSBOOT_RC == 124 ]]; then
                fail "nsboot did not exit within $secs s"
        fi
        _after_run "$(_machine_name_of "$@")"
}

# nsboot_start ARGS...: start nsboot in the background (stdin /dev/null); sets NSBOOT_PID.
# Finish with nsboot_wait; the cleanup kills it if the test ends first.
nsboot_start() {
        _next_output_files
        mounts_snapshot
        NSBOOT_RC=""
        _NSBOOT_NAME=$(_machine_name_of "$@")
        log "nsboot $* &"
        "$NSBOOT" "$@" </dev/null >"$NSBOOT_OUT" 2>"$NSBOOT_ERR" &
        NSBOOT_PID=$!
        at_exit "_kill_if_alive $NSBOOT_PID"
}

# wait_pid_exit PID SECS: true once PID is gone, false if it is still there after SECS.
wait_pid_exit() {
        local pid=$1 deadline=$((SECONDS + $2))
        while kill -0 "$pid" 2>/dev/null; do
                ((SECONDS < deadline)) || return 1
                sleep 0.1
        done
}

# wait_gone PID SECS: like wait_pid_exit, for a process that is not our child: true once it has
# exited, reaped or not (a zombie that no one reaps counts as gone).
wait_gone() {
        local deadline=$((SECONDS + $2))
        until [[ ! -e /proc/$1 || $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) == Z* ]]; do
                ((SECONDS < deadline)) || return 1
                sleep 0.1
        done
}

# nsboot_wait [SECS]: wait for the nsboot started by nsboot_start; sets NSBOOT_RC.
nsboot_wait() {
        local secs=${1:-$NSBOOT_TIMEOUT}
        if ! wait_pid_exit "$NSBOOT_PID" "$secs"; then
                show_output
                fail "nsboot (PID $NSBOOT_PID) did not exit within $secs s"
        fi
        NSBOOT_RC=0
        wait "$NSBOOT_PID" || NSBOOT_RC=$?
        show_output
        _after_run "$_NSBOOT_NAME"
}

# wait_output PATTERN [SECS] [FILE]: wait until FILE (default: the running nsboot's stdout)
# has a line matching the extended regex PATTERN.
wait_output() {
        local pattern=$1 deadline=$((SECONDS + ${2:-30})) file=${3:-$NSBOOT_OUT}
        until grep -qE -- "$pattern" "$file" 2>/dev/null; do
                if ((SECONDS >= deadline)); then
                        show_output
                        fail "no output matching '$pattern' within ${2:-30} s"
                fi
                if [[ -n $NSBOOT_PID && $file == "$NSBOOT_OUT" ]] && ! kill -0 "$NSBOOT_PID" 2>/dev/null; then
                        show_output
                        fail "nsboot exited before printing '$pattern'"
                fi
                sleep 0.1
        done
}

# output: nsboot's stdout without the CRs a pty console adds, and without colours.
output() {
        sed 's/\r$//; s/\x1b\[[0-9;]*[A-Za-z]//g' "$NSBOOT_OUT"
}

# fact KEY [FILE]: value of the last "NSBOOT-TEST: KEY=value" line testinit printed.
fact() {
        sed -n "s/^NSBOOT-TEST: $1=\(.*\)$/\1/p" "${2:-$NSBOOT_OUT}" | tr -d '\r' | tail -n 1
}

# leader_pid NSBOOT_PID [SECS]: host PID of the guest's PID 1, once it runs the guest's init.
# Until its execve it is still nsboot's code setting up (same executable as its parent), and
# entering it then would enter the host's root. (So this never finds the stub init of -a.)
leader_pid() {
        local parent=$1 deadline=$((SECONDS + ${2:-20})) child own_exe nspid
        own_exe=$(stat -L -c %d:%i "/proc/$parent/exe" 2>/dev/null) || fail "nsboot (PID $parent) is gone"
        for (( ; ; )); do
                for child in $(pgrep -P "$parent"); do
                        # a child may be gone by now (awk exits 2 on a vanished file): not the one
                        nspid=$(awk '$1 == "NSpid:" { print $NF }' "/proc/$child/status" 2>/dev/null) || continue
                        [[ $nspid == 1 ]] || continue
                        [[ $(stat -L -c %d:%i "/proc/$child/exe" 2>/dev/null) != "$own_exe" ]] || continue
                        echo "$child"
                        return 0
                done
                ((SECONDS < deadline)) || fail "no guest PID 1 under nsboot PID $parent after ${2:-20} s"
                kill -0 "$parent" 2>/dev/null || fail "nsboot (PID $parent) exited without a guest"
                sleep 0.1
        done
}

# in_guest LEADER CMD...: run CMD in all of the guest's namespaces (and root), bounded in time
# ($IN_GUEST_TIMEOUT, default 60 s), with a clean environment.
in_guest() {
        local leader=$1
        shift
        timeout -k 5 "${IN_GUEST_TIMEOUT:-60}" \
                nsenter -t "$leader" -a -- \
                /usr/bin/env -i PATH="$GUEST_PATH" HOME=/root TERM=dumb LANG=C.UTF-8 "$@"
}

# in_guest_cgroup LEADER CMD...: like in_guest, but from inside the guest's cgroup, as the guest's
# own processes are: nsenter alone leaves the process in our cgroup, outside the guest's device
# policy and limits.
in_guest_cgroup() {
        local leader=$1 root cg
        shift
        root=$(cgroup2_root) || return 1
        cg=$(sed -n 's/^0:://p' "/proc/$leader/cgroup")
        [[ -n $cg ]] || return 1
        timeout -k 5 "${IN_GUEST_TIMEOUT:-60}" \
                sh -c 'echo $$ > "$1/cgroup.procs" && l=$2 && shift 2 && exec nsenter -t "$l" -a -- "$0" "$@"' \
                /usr/bin/env "$root$cg" "$leader" -i PATH="$GUEST_PATH" HOME=/root TERM=dumb LANG=C.UTF-8 "$@"
}

# default_tasks_max: the pids.max nsboot gives a machine that sets none (15 % of the lower of
# kernel.pid_max and kernel.threads-max, at most 16384).
default_tasks_max() {
        local pid_max threads_max lower n
        pid_max=$(cat /proc/sys/kernel/pid_max)
        threads_max=$(cat /proc/sys/kernel/threads-max)
        lower=$((pid_max < threads_max ? pid_max : threads_max))
        n=$((lower * 15 / 100))
        echo $((n > 16384 ? 16384 : n))
}

# ctl_init [SECS]: the test uses nsbootctl ($CTL), which must exist; ctl bounds it by SECS (default
# 60).
# shellcheck disable=SC2120 # SECS is optional
ctl_init() {
        [[ -x $CTL ]] || fail "no nsbootctl at $CTL"
        _CTL_TIMEOUT=${1:-60}
}

# ctl ARGS...: nsbootctl ARGS, bounded by $CTL_TIMEOUT s if set (CTL_TIMEOUT=N ctl ... for one
# call that needs another bound), else by ctl_init's SECS.
ctl() {
        timeout -k 5 "${CTL_TIMEOUT:-$_CTL_TIMEOUT}" "$CTL" "$@"
}

# supervisor_of NAME: the nsboot PID of a running machine's state file.
supervisor_of() {
        sed -n 's/^SUPERVISOR=//p' "/run/nsboot/machines/$1.state" || fail "no state file of $1"
}

# stop_at_exit NAME: the cleanup stops a machine started in the background (nsbootctl start) if it
# still runs, else kills its nsboot.
_stop_machine() {
        local pid
        [[ -e /run/nsboot/machines/$1.state ]] || return 0
        timeout 30 "$CTL" stop "$1" 2>/dev/null && return 0
        pid=$(supervisor_of "$1") && _kill_if_alive "$pid"
}
stop_at_exit() {
        at_exit "_stop_machine '$1'"
}

# keep_unit_wrapper NAME: a cgroup NAME below the cgroup2 root as nsboot@.service's own (UNIT, removed
# by the cleanup) and a wrapper (UNIT_NSBOOT) that starts $NSBOOT in it, as the unit's ExecStart is
# started: for --keep-unit.
keep_unit_wrapper() {
        UNIT=$(cgroup2_root)/$1
        UNIT_NSBOOT=$WORKDIR/$1.nsboot
        mkdir "$UNIT"
        at_exit "rmdir '$UNIT/supervisor' '$UNIT' 2>/dev/null"
        printf '#!/bin/sh\necho $$ >%q/cgroup.procs || exit 1\nexec %q "$@"\n' "$UNIT" "$NSBOOT" >"$UNIT_NSBOOT"
        chmod 0755 "$UNIT_NSBOOT"
}

# boot_sleeping TREE [NSBOOT OPTIONS...]: boot TREE with testinit waiting for signals; sets
# NSBOOT_PID and LEADER once testinit is ready. End it with poweroff_guest.
boot_sleeping() {
        local tree=$1
        shift
        nsboot_start "$@" -D "$tree" -b sleep
        wait_output '^NSBOOT-TEST: ready=1'
        # shellcheck disable=SC2034 # for the test
        LEADER=$(leader_pid "$NSBOOT_PID")
}

# poweroff_guest: SIGTERM to nsboot; with -b and testinit that is a clean poweroff (exit 0).
poweroff_guest() {
        kill -TERM "$NSBOOT_PID"
        nsboot_wait 30
        assert_rc 0 "exit status after SIGTERM to nsboot"
}

# ---------------------------------------------------------------------------------------------
# systemd guests

# Units allowed to fail when the Debian tree boots under nsboot, because of the test host and not
# of nsboot. Every entry needs a reason.
DEBIAN_ALLOWED_FAILURES=(
)

# wait_booted LEADER [SECS]: wait until systemd in the guest finished starting up; sets
# BOOT_STATE (running or degraded).
wait_booted() {
        local leader=$1 secs=${2:-120} deadline
        deadline=$((SECONDS + secs))
        BOOT_STATE=""
        while ((SECONDS < deadline)); do
                # Until systemd listens on its private socket this says "offline" at once.
                BOOT_STATE=$(IN_GUEST_TIMEOUT=$((deadline - SECONDS + 1)) \
                        in_guest "$leader" systemctl is-system-running --wait 2>/dev/null) || true
                case $BOOT_STATE in
                running|degraded)
                        log "guest booted: $BOOT_STATE"
                        return 0
                        ;;
                esac
                kill -0 "$leader" 2>/dev/null || { show_output; fail "the guest's PID 1 exited while booting"; }
                sleep 0.5
        done
        show_output
        fail "the guest did not finish booting within $secs s (state '$BOOT_STATE')"
}

# assert_no_failed_units LEADER: no failed unit in the guest, except the allowed ones.
assert_no_failed_units() {
        local leader=$1 unit bad=() allowed=("${DEBIAN_ALLOWED_FAILURES[@]}")
        [[ $BOOT_STATE == degraded ]] || return 0
        in_guest "$leader" systemctl --failed --no-pager || true
        for unit in $(in_guest "$leader" systemctl --failed --no-legend --plain | awk '{ print $1 }'); do
                if [[ " ${allowed[*]} " == *" $unit "* ]]; then
                        log "failed unit $unit is allowed"
                        continue
                fi
                in_guest "$leader" systemctl status --no-pager -l "$unit" || true
                bad+=("$unit")
        done
        ((${#bad[@]} == 0)) || fail "failed units in the guest: ${bad[*]}"
}

# ---------------------------------------------------------------------------------------------
# Interactive console through tmux (a real pty on nsboot's side)

_tmux() {
        timeout 10 tmux -S "$_TMUX_SOCKET" "$@"
}

# tmux_start CMD...: run CMD in a detached 160x50 tmux pane, bounded by $NSBOOT_TIMEOUT*3 s even
# if this script dies; its exit status lands in $WORKDIR/tmux.rc. Sets NSBOOT_PID to CMD's PID.
tmux_start() {
        local cmd pane_pid bound
        require_cmd tmux
        _TMUX_SOCKET=$WORKDIR/tmux.sock
        bound=$((NSBOOT_TIMEOUT * 3))
        # --foreground: CMD stays in the terminal's foreground process group, so it can read it.
        printf -v cmd '%q ' timeout --foreground -k 5 "$bound" "$@"
        _tmux new-session -d -s nsboot -x 160 -y 50 "$cmd; echo \$? >$WORKDIR/tmux.rc; sleep $bound"
        at_exit "timeout 10 tmux -S '$_TMUX_SOCKET' kill-server 2>/dev/null"
        _tmux set-option -g history-limit 10000 >/dev/null
        pane_pid=$(_tmux display-message -p -t nsboot '#{pane_pid}')
        pane_pid=$(retry 10 pgrep -P "$pane_pid" -n -x timeout) ||
                fail "cannot find timeout in the tmux pane (exit status $(cat "$WORKDIR/tmux.rc" 2>/dev/null)); the pane shows:"$'\n'"$(tmux_screen)"
        NSBOOT_PID=$(retry 10 pgrep -P "$pane_pid" -n) || fail "cannot find the process tmux started"
        at_exit "_kill_if_alive $NSBOOT_PID"
}

tmux_screen() {
        _tmux capture-pane -p -J -S - -t nsboot
}

tmux_send() {
        _tmux send-keys -t nsboot "$@"
}

# tmux_wait PATTERN [SECS]: wait until the pane shows text matching the extended regex.
tmux_wait() {
        local deadline=$((SECONDS + ${2:-30}))
        until tmux_screen | grep -qE -- "$1"; do
                if ((SECONDS >= deadline)); then
                        tmux_screen | tail -n 30
                        fail "screen never showed '$1' within ${2:-30} s"
                fi
                sleep 0.2
        done
}

# tmux_wait_exit [SECS]: wait for the command in the pane to end; sets NSBOOT_RC.
tmux_wait_exit() {
        local deadline=$((SECONDS + ${1:-30}))
        until [[ -s $WORKDIR/tmux.rc ]]; do
                if ((SECONDS >= deadline)); then
                        tmux_screen | tail -n 30
                        fail "the command in tmux did not exit within ${1:-30} s"
                fi
                sleep 0.2
        done
        NSBOOT_RC=$(<"$WORKDIR/tmux.rc")
        echo "--- screen (last 30 lines)"
        tmux_screen | sed '/^$/d' | tail -n 30
        echo "--- exit status: $NSBOOT_RC"
}

# retry SECS CMD...: run CMD every 0.1 s until it succeeds (its output is passed on), at most SECS.
retry() {
        local deadline=$((SECONDS + $1))
        shift
        until "$@"; do
                ((SECONDS < deadline)) || return 1
                sleep 0.1
        done
}

# start_interruptible VAR CMD...: CMD in the background as a session leader (kill -INT -- -PID is
# a terminal's Ctrl-C to it and what it runs) that dies of SIGINT as a terminal's foreground job
# does: a background job of a script ignores SIGINT. Its PID goes into VAR; killed at exit.
start_interruptible() {
        local -n _si_ret=$1
        shift
        setsid python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
                "$@" &
        _si_ret=$!
        at_exit "_kill_if_alive $_si_ret"
}

# ---------------------------------------------------------------------------------------------
# Set-up common to every test

require_root
require_cmd timeout nsenter pgrep mount umount awk
[[ -x $NSBOOT ]] || fail "no nsboot binary at $NSBOOT (meson setup build && meson compile -C build)"
trap _cleanup EXIT
# Dying of a signal would skip the EXIT trap and leave mounts behind.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM
WORKDIR=$(mktemp -d "/var/tmp/nsboot-test.$TEST_NAME.XXXXXX")

# ---------------------------------------------------------------------------------------------
# Network test hosts
#
# A test host is a network namespace of our own (ip netns add nsbt…): veth pairs in it stand for
# physical links, bridges are made there, and nsboot runs inside it (nsboot_in_netns). The
# machine's own interfaces, routes and firewall are never touched, and traffic goes only between
# addresses made in such a namespace. Everything is deleted when the test exits, however it exits.

_NETNS_SEQ=0
_NSBOOT_REAL=""

# netns_create VAR: a fresh network namespace nsbt<PID>n<N> with lo up; its name goes into VAR.
netns_create() {
        local -n _nc_ret=$1
        local _nc_name
        require_cmd ip
        _NETNS_SEQ=$((_NETNS_SEQ + 1))
        _nc_name=nsbt$$n$_NETNS_SEQ
        [[ ! -e /run/netns/$_nc_name ]] || fail "network namespace $_nc_name exists already"
        ip netns add "$_nc_name" || fail "cannot create network namespace $_nc_name"
        at_exit "netns_delete '$_nc_name'"
        ip -n "$_nc_name" link set lo up
        _nc_ret=$_nc_name
}

# netns_delete NS: delete every link in NS, then NS itself (only a namespace we made: nsbt*).
netns_delete() {
        local ns=$1 link
        [[ $ns == nsbt* && -e /run/netns/$ns ]] || return 0
        for link in $(ip -n "$ns" -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
                [[ $link == lo ]] || ip -n "$ns" link del "$link" 2>/dev/null || true
        done
        ip netns del "$ns"
}

# in_net NS CMD...: run CMD in NS's network namespace (nothing else of it changes), bounded like
# in_guest.
in_net() {
        local ns=$1
        shift
        timeout -k 5 "${IN_GUEST_TIMEOUT:-60}" nsenter --net="/run/netns/$ns" -- "$@"
}

# net_ping NS ADDR: one ping from the test host NS to ADDR (busybox's ping: the host may have none),
# retried for up to 5 s (ARP, a bridge port coming up).
net_ping() {
        local ns=$1 addr=$2
        retry 5 in_net "$ns" busybox ping -c 1 -W 1 "$addr" >/dev/null
}

# guest_ping LEADER ADDR: the same from inside the guest.
guest_ping() {
        local leader=$1 addr=$2
        retry 5 in_guest "$leader" ping -c 1 -W 1 "$addr" >/dev/null
}

# nsboot_in_netns NS: from now on nsboot_run, nsboot_start and boot_sleeping run nsboot inside
# NS's network namespace, through nsenter, which execs nsboot (so NSBOOT_PID is nsboot's PID).
# Without NS: back to our own network namespace.
nsboot_in_netns() {
        local ns=${1:-} wrapper
        _NSBOOT_REAL=${_NSBOOT_REAL:-$NSBOOT}
        if [[ -z $ns ]]; then
                NSBOOT=$_NSBOOT_REAL
                return 0
        fi
        wrapper=$WORKDIR/nsboot-in-$ns
        printf '#!/bin/bash\nexec nsenter --net=%q -- %q "$@"\n' "/run/netns/$ns" "$_NSBOOT_REAL" >"$wrapper"
        chmod 0755 "$wrapper"
        NSBOOT=$wrapper
}

# nsboot_has_option OPTION: true if nsboot's --help lists OPTION. Only for a test that runs in a
# build with and without an option; an option nsboot has must be tested unconditionally.
nsboot_has_option() {
        # Not grep -q: stopping at the first match would kill nsboot with SIGPIPE, and pipefail
        # would make that a "no".
        "${_NSBOOT_REAL:-$NSBOOT}" --help 2>/dev/null | grep -E -- "(^|[ ,])$1([ =[]|$)" >/dev/null
}

# net_state NS: NS's links (name, MTU, admin state, master, MAC) and addresses (IPv6 link-local
# ones aside: the kernel adds those by itself), one per line, sorted: compare two of them.
net_state() {
        local ns=$1
        {
                ip -n "$ns" -o link show | awk '{
                        name = $2; sub(/:$/, "", name); sub(/@.*/, "", name)
                        up = ($3 ~ /[<,]UP[,>]/) ? "up" : "down"
                        mtu = "?"; master = "-"; mac = "-"
                        for (i = 4; i < NF; i++) {
                                if ($i == "mtu") mtu = $(i + 1)
                                if ($i == "master") master = $(i + 1)
                                if ($i ~ /^link\//) mac = $(i + 1)
                        }
                        print "link", name, "mtu=" mtu, up, "master=" master, "mac=" mac
                }'
                ip -n "$ns" -o addr show | awk '$3 == "inet" || ($3 == "inet6" && $0 !~ / scope link /) {
                        print "addr", $2, $4 }'
        } | sort
}

# net_links NS: the names of NS's links, one per line, sorted.
net_links() {
        ip -n "$1" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort
}

# assert_net_state NS BEFORE WHAT: NS's net_state is BEFORE, at once: nsboot undoes what it did to
# the test host before it exits (a guest's network namespace that the kernel tears down later
# does not count as undone).
assert_net_state() {
        local ns=$1 before=$2 what=$3 now
        now=$(net_state "$ns")
        [[ $now != "$before" ]] || return 0
        fail "$what: the test host's links or addresses differ (< before, > now):"$'\n'"$(diff <(echo "$before") <(echo "$now") | grep '^[<>]')"
}

# guest_save VAR / guest_use VAR: keep the state of a running guest (NSBOOT_PID, LEADER, its output
# files) in the array VAR, and make it the current one again, to run several guests at once.
guest_save() {
        local -n _gs_ret=$1
        _gs_ret=("$NSBOOT_PID" "$_NSBOOT_NAME" "$NSBOOT_OUT" "$NSBOOT_ERR" "$LEADER")
}

guest_use() {
        local -n _gu_from=$1
        NSBOOT_PID=${_gu_from[0]}
        _NSBOOT_NAME=${_gu_from[1]}
        NSBOOT_OUT=${_gu_from[2]}
        NSBOOT_ERR=${_gu_from[3]}
        LEADER=${_gu_from[4]}
        NSBOOT_RC=""
}

# guest_link LEADER NAME: the guest's view of its link NAME ("ip -o link show NAME"), empty if none.
guest_link() {
        in_guest "$1" ip -o link show "$2" 2>/dev/null || true
}

# guest_mac LEADER NAME: the MAC of the guest's link NAME.
guest_mac() {
        guest_link "$1" "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}

# ---------------------------------------------------------------------------------------------
# System tier (test/vm)

# vm_prepare: skip unless the VM can run here; build or reuse its image; make $WORKDIR/vm, the
# VM's test disk to be (/mnt/test there), with nsboot, check-lib.sh and a busybox tree "tree" in
# it. Sets VM_DIR and VM_IMAGE. The test then writes $VM_DIR/run.sh and calls test/vm/run.sh.
vm_prepare() {
        require_cmd qemu-system-x86_64 mkfs.ext4 debugfs e2fsck debootstrap setpriv
        qemu-system-x86_64 -accel help 2>/dev/null | grep -qx tcg || skip "qemu-system-x86_64 has no TCG accelerator"
        # shellcheck disable=SC2034 # for the test
        VM_IMAGE=$("$SRCDIR/test/vm/mkimage.sh") || fail "cannot build the VM image (test/vm/mkimage.sh)"
        VM_DIR=$WORKDIR/vm
        mkdir -p "$VM_DIR"
        cp "$NSBOOT" "$VM_DIR/nsboot"
        cp "$SRCDIR/test/vm/check-lib.sh" "$VM_DIR/"
        "$SRCDIR/test/fixtures/mktree-busybox.sh" "$VM_DIR/tree" "$(_testinit_path)" || fail "mktree-busybox.sh failed"
}

# vm_assert_checks OUTPUT RUNSH: every check that RUNSH (a run.sh using check-lib.sh) names,
# "check NAME ..." with NAME literal, printed "CHECK NAME: ok" in OUTPUT, and none FAILED: a check
# that never ran (the VM died, the script stopped early) fails as much as one that failed.
vm_assert_checks() {
        local out=$1 runsh=$2 name n=0
        while IFS= read -r name; do
                [[ $name != *'$'* ]] || fail "$runsh: check names must be literal, not '$name'"
                n=$((n + 1))
                grep -qxF "CHECK $name: ok" <<<"$out" || fail "check '$name' did not pass in the VM"
        done < <(sed -nE 's/^[[:space:]]*check[[:space:]]+("([^"]*)"|'"'"'([^'"'"']*)'"'"'|([^[:space:]"'"'"']+))[[:space:]].*/\2\3\4/p' "$runsh")
        ((n > 0)) || fail "$runsh names no check"
        assert_not_contains "$out" ": FAILED" "a check failed in the VM"
        log "all $n checks of $(basename "$runsh") passed in the VM"
}

# vm_add_host_tests SCRIPT...: put host-tier scripts (test/integration/SCRIPT.sh) and what they
# need (lib.sh, test/lib, the busybox tree maker, testinit) on the VM's test disk, for run.sh to
# run them there with vm_host_test (check-lib.sh): the tests that the host's kernel cannot run.
vm_add_host_tests() {
        local t
        mkdir -p "$VM_DIR/src/test/integration" "$VM_DIR/src/test/fixtures" "$VM_DIR/src/test/lib"
        cp "$SRCDIR/test/integration/lib.sh" "$VM_DIR/src/test/integration/"
        cp "$SRCDIR/test/lib/"*.sh "$VM_DIR/src/test/lib/"
        cp "$SRCDIR/test/fixtures/mktree-busybox.sh" "$VM_DIR/src/test/fixtures/"
        cp "$(_testinit_path)" "$VM_DIR/testinit"
        for t in "$@"; do
                cp "$SRCDIR/test/integration/$t.sh" "$VM_DIR/src/test/integration/" || fail "no test $t"
        done
}
