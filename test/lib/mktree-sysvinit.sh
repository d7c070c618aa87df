#!/bin/bash
# Build (or reuse) a Debian bookworm tree that boots with sysvinit (sysvinit-core), print its path.
#
#   mktree-sysvinit.sh [OUT]
#
# OUT defaults to /var/cache/nsboot/trees/sysvinit-HASH, HASH covering this script (the package
# list and the touches below). Like mktree-debian.sh: complete only when OUT.done exists, builds
# serialised with flock on OUT.lock, progress on stderr, only the path on stdout. Copy the tree
# before booting it: tests never change the cache.
set -euo pipefail

CACHE_ROOT=${NSBOOT_CACHE:-/var/cache/nsboot}
RELEASE=bookworm
PACKAGES=sysvinit-core,procps,iproute2

log() { echo "mktree-sysvinit: $*" >&2; }
die() { log "$*"; exit 1; }

# shellcheck source=test/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

build() {
        local work=$1 mirror=$2

        command -v debootstrap >/dev/null || die "debootstrap not installed"
        log "building with debootstrap from $mirror (about 40 s)"
        debootstrap --variant=minbase --include="$PACKAGES" "$RELEASE" "$work/tree" "$mirror" </dev/null >&2
        [[ -x $work/tree/sbin/init && -f $work/tree/etc/inittab ]] || die "the tree has no sysvinit"
        # Root logs in without a password on the console, as in the systemd test tree.
        sed -i 's/^root:[^:]*:/root::/' "$work/tree/etc/shadow"
        rm -rf "$work/tree/var/cache/apt/archives/"*.deb
}

main() {
        local out mirror work

        [[ $(id -u) == 0 ]] || die "must run as root"
        out=${1:-$CACHE_ROOT/trees/sysvinit-$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)}
        out=$(realpath -m "$out")
        mkdir -p "$(dirname "$out")"
        exec 9>"$out.lock"
        flock -w 1800 9 || die "timed out waiting for the build lock $out.lock"
        if [[ -f $out.done && -x $out/sbin/init ]]; then
                log "reusing $out"
                echo "$out"
                return 0
        fi
        safe_rm "$out" "$out.done"
        mirror=$(host_mirror)
        work=$(mktemp -d "$out.build.XXXXXX")
        # shellcheck disable=SC2064 # expand $work now
        trap "safe_rm '$work'" EXIT
        build "$work" "$mirror"
        mv "$work/tree" "$out"
        echo "built=$(date -u +%FT%TZ)" >"$out.done"
        safe_rm "$work"
        trap - EXIT
        log "tree ready: $out"
        echo "$out"
}

main "$@"
