#!/bin/bash
# Build (or reuse) the system-tier VM image: a Debian bookworm root file system with systemd as
# PID 1, D-Bus, systemd-machined and the cloud kernel, plus that kernel and its initramfs.
#
#   mkimage.sh [OUT]    build or reuse, print OUT, the directory holding
#                       root.raw (3G sparse ext4), vmlinuz and initrd.img
#
# OUT defaults to /var/cache/nsboot/vm/HASH, HASH covering every input that shapes the image
# (this script and test/vm/guest/*), so a change gets a new image and an old one is never
# silently reused. The image counts as complete only when OUT.done exists (written last); builds
# are serialised with flock on OUT.lock, so parallel test runs build once. The three newest
# complete images are kept, older ones removed.
#
# How: debootstrap (minbase + the packages below, its .debs cached in
# /var/cache/nsboot/vm-debs), a few files written into the tree, and `mkfs.ext4 -d`: no loop
# device, no mount. The initramfs holds only the modules listed in MODULES_INITRD (MODULES=list),
# set up before debootstrap installs the kernel, so it is generated once. Takes about 50 s.
# The image boots with test/vm/run.sh; nsboot-vmtest.service (test/vm/guest) runs the test.
# All progress goes to stderr: stdout carries only the resulting path.
set -euo pipefail

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VMDIR=$SRCDIR/test/vm
CACHE_ROOT=${NSBOOT_CACHE:-/var/cache/nsboot}
RELEASE=bookworm
IMAGE_SIZE=3G
KEEP_IMAGES=3

# systemd as PID 1 with D-Bus and machined (systemd-container), the kernel and what boots it,
# the tools tests use (ip, modprobe, ps, mkfs/e2fsck, tcpdump, ping, iptables, repquota), and the
# libraries nsboot links against, so that a binary built on a Debian 12 host runs in the VM.
PACKAGES=(
        systemd systemd-sysv dbus libpam-systemd systemd-container udev kmod
        linux-image-cloud-amd64 initramfs-tools
        iproute2 procps psmisc e2fsprogs util-linux tcpdump iputils-ping iptables
        busybox-static quota
        libsystemd0 libcap2 libseccomp2 libmount1 libblkid1 libnl-3-200 libnl-route-3-200 libip4tc2
)
# Enough to find and mount the root disk; everything else loads from the root file system.
MODULES_INITRD=(virtio_pci virtio_blk ext4)
# What the system tier needs from the kernel; the build fails if one is missing.
MODULES_REQUIRED=(8021q dummy ipvlan macvlan veth bridge virtio_net tun overlay loop quota_v2)

log() { echo "mkimage: $*" >&2; }
die() { log "$*"; exit 1; }

# Undo mounts an interrupted debootstrap left in the tree, deepest first.
umount_under() {
        local dir m
        dir=$(realpath -m "$1")
        awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
                sort -r | while read -r m; do
                umount -l "$m" 2>/dev/null || true
        done
}

# shellcheck source=test/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

inputs_hash() {
        cat "${BASH_SOURCE[0]}" "$VMDIR"/guest/* | sha256sum | cut -c1-12
}

image_is_complete() {
        [[ -f $1.done && -s $1/root.raw && -s $1/vmlinuz && -s $1/initrd.img ]]
}

# Files that must be in place before the kernel package generates the initramfs.
preseed_tree() {
        local tree=$1 m

        mkdir -p "$tree/etc/initramfs-tools/conf.d" "$tree/usr/share/initramfs-tools/modules.d"
        cat >"$tree/etc/initramfs-tools/conf.d/nsboot-vm" <<'EOF'
# nsboot system-tier VM: a small initramfs with only the modules listed in modules.d/nsboot-vm.
MODULES=list
RESUME=none
EOF
        for m in "${MODULES_INITRD[@]}"; do
                echo "$m"
        done >"$tree/usr/share/initramfs-tools/modules.d/nsboot-vm"
}

configure_tree() {
        local tree=$1

        # The root disk is the first virtio disk. It comes from a pristine image (qemu's
        # snapshot=on), so it needs no fsck.
        echo '/dev/vda / ext4 rw,errors=remount-ro 0 0' >"$tree/etc/fstab"
        echo nsboot-vm >"$tree/etc/hostname"
        printf '127.0.0.1\tlocalhost\n127.0.1.1\tnsboot-vm\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
                >"$tree/etc/hosts"
        # One fixed ID: every run starts from the same image, and not as a "first boot".
        tr -d - </proc/sys/kernel/random/uuid >"$tree/etc/machine-id"
        # Log in as root without password on the serial console when booted without the marker.
        chroot "$tree" passwd -dq root

        # No getty on the (absent) screen; none on the serial console while a test runs there.
        ln -sf /dev/null "$tree/etc/systemd/system/getty@tty1.service"
        mkdir -p "$tree/etc/systemd/system/serial-getty@.service.d"
        cat >"$tree/etc/systemd/system/serial-getty@.service.d/nsboot-vmtest.conf" <<'EOF'
[Unit]
ConditionKernelCommandLine=!nsboot.vmtest
EOF
        # Nothing periodic may start in the middle of a test.
        ln -sf /dev/null "$tree/etc/systemd/system/apt-daily.timer"
        ln -sf /dev/null "$tree/etc/systemd/system/apt-daily-upgrade.timer"
        ln -sf /dev/null "$tree/etc/systemd/system/e2scrub_all.timer"
        ln -sf /dev/null "$tree/etc/systemd/system/e2scrub_reap.service"
        # The journal stays in memory: faster, and nothing outlives a run anyway.
        mkdir -p "$tree/etc/systemd/journald.conf.d"
        printf '[Journal]\nStorage=volatile\n' >"$tree/etc/systemd/journald.conf.d/nsboot-vm.conf"

        install -D -m 0755 "$VMDIR/guest/run-test" "$tree/usr/local/lib/nsboot-vmtest/run-test"
        install -D -m 0644 "$VMDIR/guest/nsboot-vmtest.service" \
                "$tree/etc/systemd/system/nsboot-vmtest.service"
        mkdir -p "$tree/etc/systemd/system/multi-user.target.wants" "$tree/mnt/test"
        ln -sf ../nsboot-vmtest.service "$tree/etc/systemd/system/multi-user.target.wants/"

        # Smaller tree, faster mkfs: no package lists, .debs, documentation or locales.
        rm -rf "$tree/var/cache/apt/"*.bin "$tree/var/cache/apt/archives/"*.deb \
                "$tree/var/lib/apt/lists/"* "$tree/usr/share/doc/"* "$tree/usr/share/man/"* \
                "$tree/usr/share/info/"* "$tree/var/log/"*.log
        find "$tree/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'locale.alias' \
                -exec rm -rf {} + 2>/dev/null || true
}

# kernel_version TREE: the one kernel installed there.
kernel_version() {
        local dirs=("$1"/lib/modules/*)
        [[ ${#dirs[@]} == 1 && -d ${dirs[0]} ]] || die "expected exactly one kernel in the tree, found: ${dirs[*]}"
        basename "${dirs[0]}"
}

# From the tree's modules.dep and modules.builtin: the host may have no kmod.
check_modules() {
        local tree=$1 kver=$2 m missing=() have
        have=$(cat "$tree/lib/modules/$kver/modules.dep" "$tree/lib/modules/$kver/modules.builtin" |
                sed -E 's/:.*//; s|.*/||; s/\.ko(\.[a-z]+)?$//; s/-/_/g' | sort -u)
        for m in "${MODULES_REQUIRED[@]}"; do
                grep -qxF "${m//-/_}" <<<"$have" || missing+=("$m")
        done
        ((${#missing[@]} == 0)) || die "kernel $kver lacks modules: ${missing[*]}"
        log "modules present: ${MODULES_REQUIRED[*]}"
}

build_image() {
        local work=$1 mirror tree kver include t0
        tree=$work/tree
        mirror=$(host_mirror)
        include=$(IFS=,; echo "${PACKAGES[*]}")

        mkdir -p "$tree" "$CACHE_ROOT/vm-debs"
        preseed_tree "$tree"
        log "debootstrap $RELEASE from $mirror (about 45 s)"
        t0=$SECONDS
        debootstrap --variant=minbase --include="$include" --cache-dir="$CACHE_ROOT/vm-debs" \
                "$RELEASE" "$tree" "$mirror" </dev/null >"$work/debootstrap.log" 2>&1 || {
                tail -n 40 "$work/debootstrap.log" >&2
                [[ ! -f $tree/debootstrap/debootstrap.log ]] || tail -n 40 "$tree/debootstrap/debootstrap.log" >&2
                umount_under "$tree"
                die "debootstrap failed"
        }
        log "debootstrap done in $((SECONDS - t0))s"
        umount_under "$tree"

        kver=$(kernel_version "$tree")
        check_modules "$tree" "$kver"
        [[ -s $tree/boot/initrd.img-$kver ]] || die "no initramfs for $kver in the tree"
        cp "$tree/boot/vmlinuz-$kver" "$work/vmlinuz"
        cp "$tree/boot/initrd.img-$kver" "$work/initrd.img"
        log "kernel $kver, initramfs $(du -h "$work/initrd.img" | cut -f1)"

        configure_tree "$tree"

        t0=$SECONDS
        # The inode tables are written now, not by the guest's ext4lazyinit during every run.
        mkfs.ext4 -q -F -L root -E lazy_itable_init=0,lazy_journal_init=0 -d "$tree" \
                "$work/root.raw" "$IMAGE_SIZE" >"$work/mkfs.log" 2>&1 || {
                cat "$work/mkfs.log" >&2
                die "mkfs.ext4 failed"
        }
        log "root.raw: $(du -h "$work/root.raw" | cut -f1) used of $IMAGE_SIZE, mkfs in $((SECONDS - t0))s"
        {
                echo "kernel=$kver"
                echo "mirror=$mirror"
        } >"$work/stamp"
        safe_rm "$tree"
}

# Keep the newest KEEP_IMAGES complete images; skip any that is being built or in use by a build.
prune_old() {
        local keep=$1 done_file dir n=0
        while read -r done_file; do
                dir=${done_file%.done}
                [[ $dir != "$keep" ]] || continue
                n=$((n + 1))
                ((n >= KEEP_IMAGES)) || continue
                (
                        flock -n 8 || exit 0
                        log "removing old image $dir"
                        rm -f "$done_file"
                        safe_rm "$dir"
                ) 8>"$dir.lock"
                rm -f "$dir.lock"
        done < <(ls -1t "$CACHE_ROOT"/vm/*.done 2>/dev/null)
}

# Build OUT unless a complete one exists; print OUT.
ensure_image() {
        local out=$1 work start=$SECONDS

        mkdir -p "$(dirname "$out")"
        exec 9>"$out.lock"
        # Bounded: a hung build elsewhere must not block CI forever.
        flock -w 1800 9 || die "timed out waiting for the build lock $out.lock"

        if image_is_complete "$out"; then
                log "reusing $out"
                exec 9>&-
                echo "$out"
                return 0
        fi

        # An image without stamp is a leftover of an interrupted build.
        safe_rm "$out" "$out.done"
        for work in "$out".build.*; do
                [[ -e $work ]] || continue
                umount_under "$work"
                safe_rm "$work"
        done
        work=$(mktemp -d "$out.build.XXXXXX")
        # shellcheck disable=SC2064 # expand $work now: it is local
        trap "umount_under '$work'; safe_rm '$work'" EXIT

        build_image "$work"

        mkdir "$out"
        mv "$work/root.raw" "$work/vmlinuz" "$work/initrd.img" "$out/"
        {
                cat "$work/stamp"
                echo "inputs=$(inputs_hash)"
                echo "built=$(date -u +%FT%TZ)"
                echo "seconds=$((SECONDS - start))"
        } >"$out.done.tmp"
        mv "$out.done.tmp" "$out.done"
        safe_rm "$work"
        trap - EXIT
        exec 9>&-
        log "image ready in $((SECONDS - start))s: $out"
        prune_old "$out"
        echo "$out"
}

main() {
        local out

        case ${1:-} in
        -h|--help)
                awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
                return 0
                ;;
        -*)
                die "unknown option '$1'"
                ;;
        esac
        [[ $(id -u) == 0 ]] || die "must run as root"
        local c
        for c in debootstrap mkfs.ext4 flock chroot; do
                command -v "$c" >/dev/null || die "needs '$c'"
        done

        out=${1:-$CACHE_ROOT/vm/$(inputs_hash)}
        out=$(realpath -m "$out")
        ensure_image "$out"
}

main "$@"
