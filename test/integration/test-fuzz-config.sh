#!/bin/bash
# The config-file parser under libFuzzer with ASan and UBSan for a bounded time (FUZZ_SECONDS,
# default 60): any crash, hang, leak or sanitizer report fails.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rc=0
"$SRCDIR/test/fuzz/run-fuzz.sh" "${FUZZ_SECONDS:-60}" || rc=$?
[[ $rc == 77 ]] && skip "no clang with libFuzzer on this machine"
[[ $rc == 0 ]] || fail "the config-file fuzzer failed (exit $rc)"
exit 0
