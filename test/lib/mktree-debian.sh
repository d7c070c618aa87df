#!/bin/bash
# Build (or reuse) the Debian bookworm tree described by mkosi.conf + mkosi.postinst.
#
#   mktree-debian.sh [OUT]                      build or reuse the tree, print its path
#   mktree-debian.sh --copy DEST [OUT]          ... then copy it to DEST with a fresh machine ID,
#                                               print DEST (DEST must not exist yet)
#   mktree-debian.sh --set-machine-id DIR [VAL] write DIR/etc/machine-id; VAL is fresh (default),
#                                               empty, uninitialized or 32 hex digits
#
# OUT defaults to /var/cache/nsboot/trees/debian-HASH, HASH covering every input that shapes the
# tree, so a changed config gets a new tree and an old one is never silently reused. The tree
# counts as complete only when OUT.done exists (written last); builds are serialised with flock
# on OUT.lock, so parallel test runs build once. mkosi is preferred (the tree people get from
# mkosi.conf); debootstrap is the fallback when mkosi fails (e.g. a newer, incompatible mkosi).
# NSBOOT_MKTREE_METHOD=debootstrap skips mkosi (to exercise the fallback).
# All progress goes to stderr: stdout carries only the resulting path.
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE_ROOT=${NSBOOT_CACHE:-/var/cache/nsboot}
RELEASE=bookworm
# Keep in step with Packages= in mkosi.conf (mkosi itself adds libpam-systemd).
PACKAGES=systemd,systemd-sysv,dbus,libpam-systemd,libnss-systemd,login,passwd,util-linux,iproute2,procps

log() { echo "mktree-debian: $*" >&2; }
die() { log "$*"; exit 1; }

new_machine_id() {
        local uuid
        uuid=$(</proc/sys/kernel/random/uuid)
        echo "${uuid//-/}"
}

# Several copies of one tree with the same machine ID confuse journal linking and machined.
set_machine_id() {
        local dir=$1 val=${2:-fresh}

        [[ -d $dir/etc ]] || die "'$dir' has no etc/"
        case $val in
        fresh)          new_machine_id >"$dir/etc/machine-id" ;;
        empty)          : >"$dir/etc/machine-id" ;;
        uninitialized)  echo uninitialized >"$dir/etc/machine-id" ;;
        *)
                [[ $val =~ ^[0-9a-f]{32}$ ]] || die "invalid machine ID '$val'"
                echo "$val" >"$dir/etc/machine-id"
                ;;
        esac
        chmod 0444 "$dir/etc/machine-id"
}

# shellcheck source=test/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

inputs_hash() {
        cat "$SRCDIR/mkosi.conf" "$SRCDIR/mkosi.postinst" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-12
}

build_with_mkosi() {
        local work=$1 mirror=$2

        [[ ${NSBOOT_MKTREE_METHOD:-} != debootstrap ]] || return 1
        command -v mkosi >/dev/null || { log "mkosi not installed"; return 1; }
        log "building with mkosi (about 40 s)"
        # -C: mkosi picks up mkosi.conf and mkosi.postinst from the repository root. The package
        # cache outlives the tree, so a config change does not download everything again.
        mkdir -p "$CACHE_ROOT/mkosi-packages"
        mkosi -C "$SRCDIR" \
                --force \
                --mirror="$mirror" \
                --cache="$CACHE_ROOT/mkosi-packages" \
                --output="$work/tree" \
                build </dev/null >&2
}

build_with_debootstrap() {
        local work=$1 mirror=$2

        command -v debootstrap >/dev/null || { log "debootstrap not installed"; return 1; }
        log "building with debootstrap from $mirror (about 40 s)"
        mkdir -p "$work/tree"
        debootstrap --variant=minbase --include="$PACKAGES" \
                "$RELEASE" "$work/tree" "$mirror" </dev/null >&2
        # Same final touches as the mkosi build; chroot suffices, the script needs no /proc.
        install -m 0755 "$SRCDIR/mkosi.postinst" "$work/tree/root/postinst"
        chroot "$work/tree" /root/postinst final </dev/null >&2
        rm -f "$work/tree/root/postinst"
        rm -rf "$work/tree/var/cache/apt/archives/"*.deb
}

tree_is_complete() {
        [[ -f $1.done && -x $1/usr/lib/systemd/systemd && -f $1/etc/os-release ]]
}

# Build OUT unless a complete one exists; print OUT.
ensure_tree() {
        local out=$1 mirror work

        mkdir -p "$(dirname "$out")"
        exec 9>"$out.lock"
        # Bounded: a hung build elsewhere must not block CI forever.
        flock -w 1800 9 || die "timed out waiting for the build lock $out.lock"

        if tree_is_complete "$out"; then
                log "reusing $out"
                exec 9>&-
                echo "$out"
                return 0
        fi

        # A tree without stamp is a leftover of an interrupted build.
        safe_rm "$out" "$out.done"
        mirror=$(host_mirror)
        work=$(mktemp -d "$out.build.XXXXXX")
        # shellcheck disable=SC2064 # expand $work now: it is local
        trap "safe_rm '$work'" EXIT

        if build_with_mkosi "$work" "$mirror"; then
                echo "method=mkosi" >"$work/stamp"
        else
                log "mkosi failed, falling back to debootstrap"
                safe_rm "$work/tree" "$work/tree.manifest"
                build_with_debootstrap "$work" "$mirror" || die "debootstrap failed too"
                echo "method=debootstrap" >"$work/stamp"
        fi
        [[ -x $work/tree/usr/lib/systemd/systemd ]] || die "the built tree has no systemd"

        mv "$work/tree" "$out"
        {
                cat "$work/stamp"
                echo "inputs=$(inputs_hash)"
                echo "built=$(date -u +%FT%TZ)"
        } >"$out.done.tmp"
        mv "$out.done.tmp" "$out.done"
        safe_rm "$work"
        trap - EXIT
        exec 9>&-
        log "tree ready: $out"
        echo "$out"
}

main() {
        local copy="" out tree

        [[ $(id -u) == 0 ]] || die "must run as root"
        case ${1:-} in
        --set-machine-id)
                [[ $# -ge 2 ]] || die "usage: $0 --set-machine-id DIR [fresh|empty|uninitialized|ID]"
                set_machine_id "$2" "${3:-fresh}"
                return 0
                ;;
        --copy)
                [[ $# -ge 2 ]] || die "usage: $0 --copy DEST [OUT]"
                copy=$2
                shift 2
                ;;
        -h|--help)
                awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
                return 0
                ;;
        -*)
                die "unknown option '$1'"
                ;;
        esac

        out=${1:-$CACHE_ROOT/trees/debian-$(inputs_hash)}
        out=$(realpath -m "$out")
        tree=$(ensure_tree "$out")

        if [[ -n $copy ]]; then
                [[ ! -e $copy ]] || die "'$copy' already exists"
                mkdir -p "$(dirname "$copy")"
                log "copying to $copy"
                cp -a --reflink=auto "$tree" "$copy.tmp"
                set_machine_id "$copy.tmp" fresh
                mv "$copy.tmp" "$copy"
                echo "$copy"
        else
                echo "$tree"
        fi
}

main "$@"
