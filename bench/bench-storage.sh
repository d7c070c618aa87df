#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# bench-storage.sh — start latency of nsboot's storage modes, and of systemd-nspawn's -x.
#
#   bench/bench-storage.sh [ROUNDS]      (default 5)
#
# One copy of the cached Debian tree (test/lib/mktree-debian.sh) in a work directory under
# /var/tmp, and a GPT image of it (Discoverable Partitions root, made with mkfs.ext4 -d). Each
# round runs /bin/true, interleaved: nsboot -D, nsboot -x, nsboot -i, nsboot -i -x,
# systemd-nspawn -D, systemd-nspawn -x (which copies the tree unless it is on btrfs) and
# systemd-nspawn -i (left out where it cannot run); times are fork..wait, medians printed in
# ms. Must run as root.
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${1:-5}
NSBOOT=${NSBOOT:-$SRCDIR/build/nsboot}
NSPAWN=$(command -v systemd-nspawn || true)

log() { echo "bench: $*" >&2; }
fail() { echo "bench: ERROR: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || fail "must run as root"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || fail "ROUNDS: '$ROUNDS' is not a positive integer"

work=$(mktemp -d /var/tmp/nsboot-bench-storage.XXXXXX)
trap 'rm -rf --one-file-system "$work"' EXIT
lower=$("$SRCDIR/test/lib/mktree-debian.sh") || fail "no Debian tree"
cp -a "$lower" "$work/tree"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"
make_gpt_image "$work/debian.raw" "$DPS_ROOT_X86_64:$work/tree"
log "tree $(du -sh "$work/tree" | cut -f1), image $(du -h --apparent-size "$work/debian.raw" | cut -f1)"

declare -A cmds=(
        ["nsboot -D"]="$NSBOOT -q -D $work/tree -M nsbench$$"
        ["nsboot -x"]="$NSBOOT -q -D $work/tree -x"
        ["nsboot -i"]="$NSBOOT -q -i $work/debian.raw -M nsbench$$"
        ["nsboot -i -x"]="$NSBOOT -q -i $work/debian.raw -x"
)
if [[ -n $NSPAWN ]]; then
        cmds["nspawn -D"]="$NSPAWN -q --register=no --keep-unit -D $work/tree -M nsbench$$"
        cmds["nspawn -x"]="$NSPAWN -q --register=no --keep-unit -D $work/tree -x"
        cmds["nspawn -i"]="$NSPAWN -q --register=no --keep-unit -i $work/debian.raw -M nsbench$$"
fi
order=("nsboot -D" "nsboot -x" "nsboot -i" "nsboot -i -x" "nspawn -D" "nspawn -x" "nspawn -i")
declare -A times
for ((round = 0; round <= ROUNDS; round++)); do
        for name in "${order[@]}"; do
                [[ -n ${cmds[$name]:-} ]] || continue
                start=$(date +%s%N)
                # shellcheck disable=SC2086 # the command line is split on purpose
                if ! timeout 120 ${cmds[$name]} /bin/true </dev/null >/dev/null 2>"$work/err"; then
                        # systemd-nspawn -i needs udev, which a host without systemd lacks.
                        [[ $round == 0 && $name == nspawn* ]] || fail "$name failed: $(tail -n 3 "$work/err")"
                        log "$name left out: $(tail -n 1 "$work/err")"
                        unset "cmds[$name]"
                        continue
                fi
                ((round == 0)) || times[$name]+="$((($(date +%s%N) - start) / 1000000)) "
        done
done
printf '%-14s %10s   %s\n' mode "median ms" "all runs"
for name in "${order[@]}"; do
        [[ -n ${times[$name]:-} ]] || continue
        median=$(tr ' ' '\n' <<<"${times[$name]}" | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
        printf '%-14s %10s   %s\n' "$name" "$median" "${times[$name]}"
done
