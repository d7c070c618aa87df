#!/bin/bash
# Build (or reuse) a Debian bookworm tree whose init is not systemd, for the stop, reboot and
# crash tests of each init nsboot knows.
#
#   mktree-init.sh KIND [OUT]   build or reuse the tree, print its path
#
# KIND: sysvinit (sysvinit-core), openrc (openrc on sysvinit-core), runit (runit-init) or busybox
# (busybox-static as /sbin/init with an /etc/inittab).
#
# Every tree carries a marker: "NSBOOT-INIT: boot" on the console and a "boot" line in
# /var/log/nsboot-marker when its boot sequence runs, "NSBOOT-INIT: shutdown" and a "shutdown" line
# when its own shutdown sequence runs (an rc0/rc6 K-script for sysvinit, an OpenRC service for
# openrc, runit's stage 3, busybox's ::shutdown entry): a test sees that the guest shut down cleanly,
# and a reboot as two boot lines.
#
# OUT defaults to /var/cache/nsboot/trees/init-KIND-HASH, HASH covering the recipe of KIND (the
# functions below that shape its tree), so a changed recipe gets a new tree. A tree counts as
# complete only when OUT.done exists (written last); builds are serialised with flock on OUT.lock.
# debootstrap keeps the packages it fetched in /var/cache/nsboot/init-debs, so each kind downloads
# only what the others did not.
# All progress goes to stderr: stdout carries only the resulting path.
set -euo pipefail

CACHE_ROOT=${NSBOOT_CACHE:-/var/cache/nsboot}
RELEASE=bookworm
COMMON_PACKAGES=procps,iproute2

log() { echo "mktree-init: $*" >&2; }
die() { log "$*"; exit 1; }

# shellcheck source=test/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

packages_of() {
        case $1 in
        sysvinit) echo sysvinit-core ;;
        openrc) echo sysvinit-core ;; # then openrc with apt: it replaces sysv-rc

        runit) echo runit-init ;;
        busybox) echo busybox-static ;;
        *) return 1 ;;
        esac
}

# The marker's two halves as shell commands.
marker_cmd() {
        echo "echo 'NSBOOT-INIT: $1' >/dev/console 2>/dev/null || echo 'NSBOOT-INIT: $1'; echo $1 >>/var/log/nsboot-marker"
}

setup_sysvinit() {
        local t=$1
        cat >"$t/etc/init.d/nsboot-marker" <<EOF
#!/bin/sh
### BEGIN INIT INFO
# Provides:          nsboot-marker
# Required-Start:
# Required-Stop:     sendsigs
# Default-Start:     2 3 4 5
# Default-Stop:      0 6
# Short-Description: nsboot test marker: boot and shutdown lines
### END INIT INFO
# Required-Stop: sendsigs, which kills every process, waits for this script.
case "\$1" in
start) $(marker_cmd boot) ;;
stop) $(marker_cmd shutdown) ;;
esac
exit 0
EOF
        chmod 0755 "$t/etc/init.d/nsboot-marker"
        chroot "$t" update-rc.d nsboot-marker defaults </dev/null >&2
        no_gettys_no_remount "$t"
}

# No gettys on tty1-6: a container has none, and init would only respawn them in vain. And no
# remounting read-only at the end of the shutdown (umountfs's "umount -r", umountroot's "mount -o
# remount,ro /", which sysvinit's, OpenRC's and runit's shutdown all run): without a user namespace
# (--private-users=no) that reaches the superblocks the host shares, the test's overlay and /sys.
no_gettys_no_remount() {
        local f
        [[ ! -f $1/etc/inittab ]] || sed -i 's/^\([1-6]:[0-9]*:respawn:\)/#\1/' "$1/etc/inittab"
        for f in umountfs umountroot; do
                sed -i 's/^do_stop () {$/do_stop () {\n\treturn 0 # nsboot test tree: see mktree-init.sh/' \
                        "$1/etc/init.d/$f"
                grep -q 'nsboot test tree' "$1/etc/init.d/$f" || die "$f not changed"
        done
}

setup_openrc() {
        local t=$1
        cat >"$t/etc/init.d/nsboot-marker" <<EOF
#!/sbin/openrc-run
description="nsboot test marker: boot and shutdown lines"
start() { $(marker_cmd boot); }
stop() { $(marker_cmd shutdown); }
EOF
        chmod 0755 "$t/etc/init.d/nsboot-marker"
        mkdir -p "$t/etc/runlevels/default"
        ln -sf /etc/init.d/nsboot-marker "$t/etc/runlevels/default/nsboot-marker"
        no_gettys_no_remount "$t"
}

setup_runit() {
        local t=$1 f
        # Stage 1 ends the boot, stage 3 is the shutdown sequence.
        for f in 1 3; do
                [[ -f $t/etc/runit/$f ]] || die "runit-init has no /etc/runit/$f"
        done
        sed -i "1a $(marker_cmd shutdown)" "$t/etc/runit/3"
        printf '%s\n' "$(marker_cmd boot)" >>"$t/etc/runit/1"
        # No gettys: a container has no tty1-6.
        rm -f "$t"/etc/service/getty-tty* "$t"/etc/runit/runsvdir/default/getty-tty*
        no_gettys_no_remount "$t"
}

setup_busybox() {
        local t=$1
        ln -sf /bin/busybox "$t/sbin/init"
        cat >"$t/etc/inittab" <<EOF
::sysinit:/bin/sh -c "$(marker_cmd boot)"
::ctrlaltdel:/bin/busybox reboot
::shutdown:/bin/sh -c "$(marker_cmd shutdown)"
EOF
}

# openrc: the sysvinit tree plus Debian's openrc installed with apt in a chroot (debootstrap cannot
# resolve openrc replacing sysv-rc); about 20 s on top of the sysvinit tree.
build_openrc() {
        local work=$1 base
        base=$("${BASH_SOURCE[0]}" sysvinit)
        log "copying $base and installing openrc with apt"
        cp -a "$base" "$work/tree"
        cp /etc/resolv.conf "$work/tree/etc/resolv.conf"
        mount -t proc proc "$work/tree/proc"
        # shellcheck disable=SC2064 # expand $work now
        trap "umount '$work/tree/proc'; safe_rm '$work'" EXIT
        chroot "$work/tree" env DEBIAN_FRONTEND=noninteractive apt-get -q update </dev/null >&2
        chroot "$work/tree" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends openrc \
                </dev/null >&2
        umount "$work/tree/proc"
        # shellcheck disable=SC2064
        trap "safe_rm '$work'" EXIT
        : >"$work/tree/etc/resolv.conf"
        [[ -x $work/tree/sbin/openrc ]] || die "openrc did not install"
}

build() {
        local kind=$1 work=$2 mirror
        mirror=$(host_mirror)
        if [[ $kind == openrc ]]; then
                build_openrc "$work"
                setup_openrc "$work/tree"
                rm -rf "$work/tree/var/cache/apt/archives/"*.deb "$work/tree/var/lib/apt/lists/"*_*
                return
        fi
        mkdir -p "$CACHE_ROOT/init-debs"
        log "building the $kind tree with debootstrap from $mirror (about 40 s)"
        debootstrap --variant=minbase --cache-dir="$CACHE_ROOT/init-debs" \
                --include="$COMMON_PACKAGES,$(packages_of "$kind")" "$RELEASE" "$work/tree" "$mirror" </dev/null >&2
        "setup_$kind" "$work/tree"
        echo "nsbt-$kind" >"$work/tree/etc/hostname"
        : >"$work/tree/etc/machine-id"
        rm -rf "$work/tree/var/cache/apt/archives/"*.deb
}

recipe_hash() {
        local recipe=("setup_$1")
        # openrc is made from the sysvinit tree
        [[ $1 != openrc ]] || recipe+=(build_openrc setup_sysvinit)
        { echo "$RELEASE $COMMON_PACKAGES $(packages_of "$1")"; declare -f build marker_cmd no_gettys_no_remount "${recipe[@]}"; } |
                sha256sum | cut -c1-12
}

tree_is_complete() {
        [[ -f $1.done && (-L $1/sbin/init || -e $1/sbin/init) && -f $1/etc/os-release ]]
}

main() {
        local kind=${1:-} out work
        [[ $(id -u) == 0 ]] || die "must run as root"
        case $kind in
        -h|--help|"")
                awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
                [[ -n $kind ]]
                return
                ;;
        esac
        packages_of "$kind" >/dev/null || die "unknown init kind '$kind' (sysvinit, openrc, runit, busybox)"
        command -v debootstrap >/dev/null || die "debootstrap not installed"
        out=${2:-$CACHE_ROOT/trees/init-$kind-$(recipe_hash "$kind")}
        out=$(realpath -m "$out")
        mkdir -p "$(dirname "$out")"
        exec 9>"$out.lock"
        flock -w 1800 9 || die "timed out waiting for the build lock $out.lock"
        if ! tree_is_complete "$out"; then
                safe_rm "$out" "$out.done"
                work=$(mktemp -d "$out.build.XXXXXX")
                # shellcheck disable=SC2064 # expand $work now
                trap "safe_rm '$work'" EXIT
                build "$kind" "$work"
                mv "$work/tree" "$out"
                echo "built=$(date -u +%FT%TZ)" >"$out.done"
                safe_rm "$work"
                trap - EXIT
                log "tree ready: $out"
        fi
        exec 9>&-
        echo "$out"
}

main "$@"
