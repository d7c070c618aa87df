#!/bin/bash
# run-fuzz.sh [SECONDS]: builds the config-file fuzz target with clang's libFuzzer, AddressSanitizer
# and UndefinedBehaviorSanitizer, and runs it for SECONDS (default 60) on a seed corpus of the
# unit-test config files. Any crash, leak or sanitizer report fails (exit 1); no clang/libFuzzer
# here means skip (77).
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECONDS_TO_RUN=${1:-60}
command -v clang >/dev/null || { echo "SKIP: clang is not installed"; exit 77; }

work=$(mktemp -d /tmp/nsboot-fuzz.XXXXXX)
trap 'rm -rf "$work" /tmp/nsboot-fuzz-??????' EXIT
sources=()
includes=(-I"$SRCDIR/src")
for d in "$SRCDIR"/src/*/; do includes+=(-I"$d"); done
for f in "$SRCDIR"/src/*/*.c; do
        case $(basename "$f") in main.c | generator.c) ;; *) sources+=("$f") ;; esac
done
# shellcheck disable=SC2046 # pkg-config output is meant to split
if ! clang -g -O1 -std=gnu11 -D_GNU_SOURCE -DNSBOOT_VERSION='"fuzz"' -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=undefined "${includes[@]}" "${sources[@]}" "$SRCDIR/test/fuzz/fuzz-config.c" \
        $(pkg-config --cflags --libs libsystemd libcap libnl-route-3.0 libip4tc) -o "$work/fuzz-config" 2>"$work/build.log"; then
        if grep -q -e 'fuzzer' -e 'libclang_rt' "$work/build.log"; then
                echo "SKIP: clang has no libFuzzer runtime here"; cat "$work/build.log"; exit 77
        fi
        cat "$work/build.log"; exit 1
fi
mkdir -p "$work/corpus"
cp "$SRCDIR"/test/unit/data/*.conf "$SRCDIR"/test/unit/data/*.nsboot "$work/corpus/"
cd "$work"
# -timeout: one input may take at most 5 s; a hang (e.g. reading a device) is a failure too.
"$work/fuzz-config" -max_total_time="$SECONDS_TO_RUN" -timeout=5 -max_len=4096 -rss_limit_mb=1024 \
        -print_final_stats=1 "$work/corpus" 2>&1 | tail -n 25
status=${PIPESTATUS[0]}
[[ $status == 0 ]] || { echo "fuzz-config found a problem (exit $status)"; exit 1; }
echo "fuzz-config: no crash in $SECONDS_TO_RUN s"
