#!/bin/bash
# run-all.sh BUILDDIR [PATTERN...]
#
# Runs every unit test executable meson built in BUILDDIR (test-*, Criterion: each prints its own
# "Synthesis:" line), then every test/integration/test-*.sh against BUILDDIR/nsboot, each under a
# timeout. PATTERNs (shell globs on the script name, e.g. 'test-debian-*') limit the integration
# scripts run; a PATTERN that selects no script is an error. The last line is always "N passed,
# N failed, N skipped", counting Criterion test cases and integration scripts; the exit status is
# non-zero if anything failed.
#
# Skips must be expected: test/expected-skips lists, one "NAME: reason" a line, the tests that
# cannot run on the kind of machine CI uses (a missing kernel module, say). A skip not in the list
# fails the run, and so does a listed test that ran instead of skipping (the list is stale, or the
# machine is of another kind: point EXPECTED_SKIPS at a list for it). Finding no unit test
# executable (nsboot configured without Criterion) fails the run too.
#
# Environment: TEST_TIMEOUT (seconds per executable or script, default 300); EXPECTED_SKIPS (the
# list, default test/expected-skips). Each integration script gets NSBOOT, TESTINIT and BUILDDIR.
set -uo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TEST_TIMEOUT=${TEST_TIMEOUT:-300}

[[ $# -ge 1 ]] || { echo "usage: $0 BUILDDIR [PATTERN...]" >&2; exit 2; }
BUILDDIR=$(realpath "$1")
shift
[[ -d $BUILDDIR ]] || { echo "run-all: no build directory '$BUILDDIR'" >&2; exit 2; }
export BUILDDIR
LOGDIR=$BUILDDIR/test-logs
mkdir -p "$LOGDIR"

passed=0
failed=0
skipped=0
failures=()

# --- Expected skips --------------------------------------------------------------------------

EXPECTED_SKIPS=${EXPECTED_SKIPS:-$SRCDIR/test/expected-skips}
declare -A expected_skip=()
if [[ -n $EXPECTED_SKIPS ]]; then
        [[ -r $EXPECTED_SKIPS ]] || { echo "run-all: cannot read the expected-skip list '$EXPECTED_SKIPS'" >&2; exit 2; }
        while IFS= read -r line; do
                line=${line%%#*}
                [[ $line =~ [^[:space:]] ]] || continue
                if [[ ! $line =~ ^([A-Za-z0-9_./-]+):[[:space:]]*([^[:space:]].*)$ ]]; then
                        echo "run-all: $EXPECTED_SKIPS: not 'NAME: reason': $line" >&2
                        exit 2
                fi
                expected_skip[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
        done <"$EXPECTED_SKIPS"
fi

# skip_result NAME REASON: count a skip; one not in the list is a failure.
skip_result() {
        local name=$1 reason=$2
        if [[ -n ${expected_skip[$name]+set} ]]; then
                skipped=$((skipped + 1))
                echo "SKIP $name: $reason (expected: ${expected_skip[$name]})"
        else
                failed=$((failed + 1))
                failures+=("$name (skipped, not in $EXPECTED_SKIPS: $reason)")
                echo "FAIL $name: skipped, and not in the expected-skip list: $reason"
        fi
}

# ran_result NAME: a test that did not skip; one that should have is a failure (a stale list).
ran_result() {
        local name=$1
        [[ -n ${expected_skip[$name]+set} ]] || return 0
        failed=$((failed + 1))
        failures+=("$name (listed in $EXPECTED_SKIPS as skipping, but it ran)")
        echo "FAIL $name: listed as an expected skip (${expected_skip[$name]}), but it ran"
}

# --- Selection of the integration scripts ----------------------------------------------------

patterns=("$@")
selected() {
        local pat
        ((${#patterns[@]} == 0)) && return 0
        for pat in "${patterns[@]}"; do
                # shellcheck disable=SC2053 # a glob on purpose
                [[ $1 == $pat || $1 == $pat.sh ]] && return 0
        done
        return 1
}

scripts=()
for script in "$SRCDIR"/test/integration/test-*.sh; do
        selected "$(basename "$script")" && scripts+=("$script")
done
# A pattern that selects nothing is a typo or a renamed test: say so, rather than pass.
for pat in "${patterns[@]}"; do
        hit=0
        for script in "$SRCDIR"/test/integration/test-*.sh; do
                # shellcheck disable=SC2053 # a glob on purpose
                [[ $(basename "$script") == $pat || $(basename "$script") == $pat.sh ]] && { hit=1; break; }
        done
        ((hit)) || { echo "run-all: the pattern '$pat' selects no test in test/integration" >&2; exit 2; }
done
# Every name in the expected-skip list must be a test: a stale entry would hide nothing, but lie.
for name in "${!expected_skip[@]}"; do
        [[ -f $SRCDIR/test/integration/$name.sh || $name == */* ]] ||
                { echo "run-all: $EXPECTED_SKIPS names '$name', which is no test in test/integration" >&2; exit 2; }
done

# --- Unit tests ------------------------------------------------------------------------------

# Criterion's line: "[====] Synthesis: Tested: 12 | Passing: 11 | Failing: 1 | Crashing: 0";
# Failing already includes Crashing. Skipped tests appear only in the TAP report.
count_criterion() {
        local name=$1 log=$2 tap=$3 rc=$4 synthesis p f s
        synthesis=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -a 'Synthesis:' | tail -n 1)
        if [[ -z $synthesis ]]; then
                # Not a Criterion run (or it died before its summary): one result by exit status.
                if [[ $rc == 0 ]]; then
                        passed=$((passed + 1))
                else
                        failed=$((failed + 1))
                        failures+=("$name (exit status $rc, no Criterion summary)")
                fi
                return
        fi
        p=$(sed -n 's/.*Passing: \([0-9]*\).*/\1/p' <<<"$synthesis")
        f=$(sed -n 's/.*Failing: \([0-9]*\).*/\1/p' <<<"$synthesis")
        s=$(grep -c '# SKIP' "$tap" 2>/dev/null)
        passed=$((passed + ${p:-0}))
        failed=$((failed + ${f:-0}))
        if ((${s:-0} > 0)); then
                skip_result "$name" "$s Criterion test(s) skipped"
        else
                ran_result "$name"
        fi
        if ((${f:-0} > 0)); then
                failures+=("$name ($f failing)")
        elif [[ $rc != 0 ]]; then
                # e.g. killed by the timeout after the summary, or a failing fini.
                failed=$((failed + 1))
                failures+=("$name (exit status $rc)")
        fi
}

unit_tests=()
while IFS= read -r -d '' exe; do
        unit_tests+=("$exe")
done < <(find "$BUILDDIR" -path "$LOGDIR" -prune -o -type f -name 'test-*' -perm -u+x \
                 ! -name '*.sh' ! -name '*.p' -print0 | sort -z)

echo "=== Unit tests (${#unit_tests[@]} executables)"
if ((${#unit_tests[@]} == 0)); then
        failed=$((failed + 1))
        failures+=("unit tests (no test-* executable in $BUILDDIR: was Criterion found at 'meson setup'?)")
        echo "FAIL: no unit test executables in $BUILDDIR (install libcriterion-dev and reconfigure)"
fi
for exe in "${unit_tests[@]}"; do
        name=${exe#"$BUILDDIR"/}
        log=$LOGDIR/unit-${name//\//_}.log
        tap=$LOGDIR/unit-${name//\//_}.tap
        rm -f "$tap"
        echo "--- $name"
        # In the build directory, as "meson test" does.
        (cd "$BUILDDIR" && timeout -k 10 "$TEST_TIMEOUT" "$exe" --tap="$tap") </dev/null 2>&1 | tee "$log"
        rc=${PIPESTATUS[0]}
        count_criterion "$name" "$log" "$tap" "$rc"
done

# --- Integration tests -----------------------------------------------------------------------

# The Debian tree takes ~40 s to build the first time: do it once up front, so that its time
# does not count against the first Debian test's timeout. A failure here shows up in those tests.
if [[ $(id -u) == 0 && " ${scripts[*]##*/} " == *" test-debian-"* ]]; then
        echo "=== Preparing the Debian tree"
        timeout 1800 "$SRCDIR/test/lib/mktree-debian.sh" </dev/null || echo "(Debian tree not available)"
fi

# Likewise the system tier's VM image (~50 s the first time).
if [[ $(id -u) == 0 && " ${scripts[*]##*/} " == *" test-vm-"* ]]; then
        echo "=== Preparing the VM image"
        timeout 1800 "$SRCDIR/test/vm/mkimage.sh" </dev/null >/dev/null || echo "(VM image not available)"
fi

echo "=== Integration tests (${#scripts[@]} scripts)"
for script in "${scripts[@]}"; do
        name=$(basename "$script" .sh)
        log=$LOGDIR/$name.log
        start=$SECONDS
        # A script that needs longer (a VM boot with guests inside) says so in a header line.
        limit=$(sed -n 's/^# nsboot-test-timeout: \([0-9]*\)$/\1/p' "$script" | head -n 1)
        NSBOOT=$BUILDDIR/nsboot TESTINIT=$BUILDDIR/test/fixtures/testinit \
                timeout -k 10 "${limit:-$TEST_TIMEOUT}" bash "$script" </dev/null >"$log" 2>&1
        rc=$?
        secs=$((SECONDS - start))
        case $rc in
        0)
                passed=$((passed + 1))
                echo "PASS $name (${secs}s)"
                ran_result "$name"
                ;;
        77)
                reason=$(grep -a '^SKIP: ' "$log" | tail -n 1)
                skip_result "$name" "${reason#SKIP: }"
                ;;
        *)
                failed=$((failed + 1))
                [[ $rc == 124 || $rc == 137 ]] && rc="$rc, timed out after ${limit:-$TEST_TIMEOUT}s"
                failures+=("$name (exit status $rc)")
                echo "FAIL $name (exit status $rc, ${secs}s), log $log:"
                sed 's/^/    /' "$log" | tail -n 80
                ;;
        esac
done

if ((${#failures[@]} > 0)); then
        echo "=== Failures"
        printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
