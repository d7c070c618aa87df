#!/bin/bash
# run-fuzz.sh [SECONDS]: builds the config-file fuzz target with clang's libFuzzer, AddressSanitizer
# and UndefinedBehaviorSanitizer, and runs it for SECONDS (default 60) on a seed corpus: the
# unit-test config files, the config files Debian's LXC packages ship (test/lib/lxc-configs.sh)
# and every config line the integration tests write. Any crash, hang, leak or sanitizer report
# fails (exit 1, also for libFuzzer's own "77" and "70"); no clang/libFuzzer here means skip (77).
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECONDS_TO_RUN=${1:-60}
command -v clang >/dev/null || { echo "SKIP: clang is not installed"; exit 77; }

work=$(mktemp -d /tmp/nsboot-fuzz.XXXXXX)
trap 'rm -rf "$work" /tmp/nsboot-fuzz-??????*' EXIT
sources=()
includes=(-I"$SRCDIR/src")
for d in "$SRCDIR"/src/*/; do includes+=(-I"$d"); done
# Every source but the programs' own (a file that defines main(): nsboot, the generator, nsbootctl).
for f in "$SRCDIR"/src/*/*.c; do
        grep -qE '^int main\(' "$f" || sources+=("$f")
done
# The libraries nsboot-core links: every dependency('NAME') of meson.build that pkg-config knows.
mapfile -t deps < <(sed -n "s/.*dependency('\([^']*\)'.*/\1/p" "$SRCDIR/meson.build" | sort -u |
        while read -r d; do pkg-config --exists "$d" && echo "$d"; done)
# Whether clang can build a fuzz target at all: only that is a reason to skip.
echo 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }' >"$work/probe.c"
if ! clang -fsanitize=fuzzer,address,undefined "$work/probe.c" -o "$work/probe" 2>"$work/probe.log"; then
        echo "SKIP: clang has no libFuzzer runtime here"
        cat "$work/probe.log"
        exit 77
fi
# What meson.build defines beside the version: where libseccomp's file is (seccomp-dlopen.c).
libseccomp_libdir=$(pkg-config --variable=libdir libseccomp)
# shellcheck disable=SC2046 # pkg-config output is meant to split
if ! clang -g -O1 -std=gnu11 -D_GNU_SOURCE -DNSBOOT_VERSION='"fuzz"' -DLIBSECCOMP_LIBDIR="\"$libseccomp_libdir\"" \
        -fsanitize=fuzzer,address,undefined \
        -fno-sanitize-recover=undefined "${includes[@]}" "${sources[@]}" "$SRCDIR/test/fuzz/fuzz-config.c" \
        $(pkg-config --cflags --libs "${deps[@]}") -o "$work/fuzz-config" 2>"$work/build.log"; then
        cat "$work/build.log"
        echo "cannot build the fuzz target"
        exit 1
fi
mkdir -p "$work/corpus"
find "$SRCDIR/test/unit/data" -type f -exec cp --backup=numbered -t "$work/corpus/" {} +
if lxc=$("$SRCDIR/test/lib/lxc-configs.sh"); then
        n=0
        while IFS= read -r -d '' f; do
                n=$((n + 1))
                cp "$f" "$work/corpus/lxc-$n-$(basename "$f")"
        done < <(find "$lxc/usr/share/lxc/config" -type f -name '*.conf' -print0)
        echo "seed corpus: $n config files of Debian's LXC packages"
else
        echo "seed corpus: without Debian's LXC configs (cannot download them)"
fi
# Each config line an integration test writes (printf '...\n...' or a heredoc), one seed per test.
for t in "$SRCDIR"/test/integration/test-*.sh; do
        grep -ohE '(lxc|nsboot)\.[a-z0-9_.]+ *= *[^\\'"'"'"$]*' "$t" >"$work/corpus/it-$(basename "$t" .sh)" || true
done
find "$work/corpus" -type f -empty -delete
echo "seed corpus: $(find "$work/corpus" -type f | wc -l) files"
cd "$work"
# -timeout: one input may take at most 5 s; a hang (e.g. reading a device) is a failure too.
# libFuzzer's own exit status on a finding is 77 (crash, leak) or 70 (timeout), which a caller
# would take for "skipped": make every finding exit 1, and keep its status past the log's tail.
status=0
"$work/fuzz-config" -max_total_time="$SECONDS_TO_RUN" -timeout=5 -max_len=4096 -rss_limit_mb=1024 \
        -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 "$work/corpus" >"$work/fuzz.log" 2>&1 ||
        status=$?
tail -n 40 "$work/fuzz.log"
[[ $status == 0 ]] || { echo "fuzz-config found a problem (exit $status)"; exit 1; }
grep -q '^Done [0-9]* runs' "$work/fuzz.log" || { echo "fuzz-config did not finish its runs"; exit 1; }
echo "fuzz-config: no crash in $SECONDS_TO_RUN s"
