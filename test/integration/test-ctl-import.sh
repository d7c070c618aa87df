#!/bin/bash
# nsbootctl create --from=FILE with disk images and compressed tarballs. A busybox tree with
# owners, modes, hard links, device nodes, a FIFO and extended attributes (user, trusted, file
# capabilities) goes into a bare ext4 image, a single-partition GPT image and a GPT image with
# the Discoverable Partitions root and /home partitions (made with sfdisk and mkfs.ext4 -d, no
# loop device of our own), into .tar.xz/.tar.zst/.tar.bz2, and the images compressed (.raw.xz,
# .ext4.zst, .raw.gz: decompressed beside the new tree, then removed); each import must give the same
# files (test/lib/tree-manifest.py), boot, and leave no loop device and no mount behind. A
# truncated GPT image, an ext4 image without its superblock, one whose copy fails half-way (an
# inode cleared with debugfs), a file that is neither, compressed garbage and a compressed image cut
# short are refused naming the file, leaving no decompressed copy,
# tree, config, loop device or mount.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

ctl_init
require_cmd sfdisk mkfs.ext4 debugfs losetup python3 tar xz zstd bzip2 setcap
[[ -e /dev/loop-control ]] || skip "no /dev/loop-control"
grep -qw ext4 /proc/filesystems || skip "the kernel has no ext4"
# shellcheck source=test/lib/ctl-create.sh
. "$SRCDIR/test/lib/ctl-create.sh"

# What the files of an import are compared on: the one an ext4 image adds (lost+found) and the
# /home partition aside.
import_manifest() {
        manifest "$1" lost+found home
}

busybox_tree bb
every_kind_of_file "$bb"
mknod "$bb/srv/data/loop9" b 7 9
home=$WORKDIR/home-content
mkdir -p "$home/alice"
echo home-partition >"$home/alice/marker"
chown -R 1000:1000 "$home/alice"
want=$(import_manifest "$bb")
assert_contains "$want" "srv/data/hardlink 0o104750 1234 5678 5 " "the source's hard link"
assert_contains "$want" "security.capability=" "the source's file capability"

make_ext4_image "$WORKDIR/bare.ext4" "$bb"
make_gpt_image "$WORKDIR/single.raw" "$GPT_LINUX_GENERIC:$bb"
make_gpt_image "$WORKDIR/dps.raw" "$DPS_ROOT_X86_64:$bb" "$DPS_HOME:$home"
tar -C "$bb" --xattrs --xattrs-include='*' -cJf "$WORKDIR/bb.tar.xz" .
tar -C "$bb" --xattrs --xattrs-include='*' --zstd -cf "$WORKDIR/bb.tar.zst" .
tar -C "$bb" --xattrs --xattrs-include='*' -cjf "$WORKDIR/bb.tar.bz2" .
# Compressed disk images, as OS vendors and mkosi ship them.
xz -c "$WORKDIR/single.raw" >"$WORKDIR/single.raw.xz"
zstd -q -c "$WORKDIR/bare.ext4" >"$WORKDIR/bare.ext4.zst"
gzip -c "$WORKDIR/dps.raw" >"$WORKDIR/dps.raw.gz"

mounts_snapshot
for file in bare.ext4 single.raw dps.raw bb.tar.xz bb.tar.zst bb.tar.bz2 single.raw.xz bare.ext4.zst dps.raw.gz; do
        new_name m
        forget "$m"
        out=$(ctl create "$m" --from="$WORKDIR/$file" 2>&1) || fail "create --from=$file failed: $out"
        assert_eq "" "$out" "create --from=$file in a script prints nothing"
        assert_no_loop "$WORKDIR/$file" "after create --from=$file"
        mounts_check "create --from=$file"
        got=$(import_manifest "$MACHINES/$m")
        [[ $got == "$want" ]] || { diff <(echo "$want") <(echo "$got"); fail "the tree imported from $file differs"; }
        assert_eq "$m" "$(cat "$MACHINES/$m/etc/hostname")" "host name of the machine from $file"
        assert_match "$(cat "$MACHINES/$m/etc/machine-id")" '^[0-9a-f]{32}$' "machine ID of the machine from $file"
        assert_file_contains "/etc/nsboot/$m.conf" "imported from $WORKDIR/$file"
        assert_file_not_exists "$MACHINES/$m/lost+found" "ext4's empty lost+found"
        assert_file_not_exists "$MACHINES/.$m.partial.image" "the decompressed image of $file"
        if [[ $file == dps.raw* ]]; then
                assert_eq home-partition "$(cat "$MACHINES/$m/home/alice/marker")" "the /home partition's file"
                assert_eq "1000 1000" "$(stat -c '%u %g' "$MACHINES/$m/home/alice/marker")" "owner in /home"
                # It boots, by name, in the default user namespace mode.
                nsboot_start -M "$m" sleep
                wait_output '^NSBOOT-TEST: ready=1'
                assert_eq 1 "$(fact pid)" "testinit's PID in the imported machine"
                ctl stop "$m"
                nsboot_wait 10
                assert_rc 0 "nsboot of the imported machine after stop"
        fi
        ctl remove "$m"
done

# --- Bad images: a clear error naming the file, and nothing left.
assert_nothing_of() {
        assert_file_not_exists "$MACHINES/$1" "tree of the failed create"
        assert_file_not_exists "$MACHINES/.$1.partial" "partial tree of the failed create"
        assert_file_not_exists "$MACHINES/.$1.partial.image" "decompressed image of the failed create"
        assert_file_not_exists "/etc/nsboot/$1.conf" "config of the failed create"
        assert_no_loop "$2" "after the failed create"
        mounts_check "failed create from $2"
}

# bad_create FILE EXPECTED: create --from=FILE fails with EXPECTED in its message.
bad_create() {
        local file=$1 expected=$2 out
        new_name bad
        forget "$bad"
        out=$(ctl create "$bad" --from="$file" 2>&1) && fail "create --from=$file succeeded"
        log "create --from=$(basename "$file"): $out"
        assert_contains "$out" "$file" "the error names the file"
        assert_contains "$out" "$expected"
        assert_nothing_of "$bad" "$file"
}

cp "$WORKDIR/dps.raw" "$WORKDIR/truncated.raw"
truncate -s $(($(stat -c %s "$WORKDIR/truncated.raw") / 2)) "$WORKDIR/truncated.raw"
bad_create "$WORKDIR/truncated.raw" "truncated"

cp "$WORKDIR/bare.ext4" "$WORKDIR/nosuper.ext4"
dd if=/dev/zero of="$WORKDIR/nosuper.ext4" bs=1024 seek=1 count=1 conv=notrunc status=none
bad_create "$WORKDIR/nosuper.ext4" "not a disk image"

# The copy fails half-way: a directory entry whose inode was cleared.
cp "$WORKDIR/bare.ext4" "$WORKDIR/broken.ext4"
debugfs -w -R "clri /srv/data/file" "$WORKDIR/broken.ext4" 2>/dev/null
bad_create "$WORKDIR/broken.ext4" "cannot copy the tree out of the image"

head -c 1M /dev/urandom >"$WORKDIR/garbage.img"
bad_create "$WORKDIR/garbage.img" "not a disk image"

: >"$WORKDIR/empty.img"
bad_create "$WORKDIR/empty.img" "empty"

mkdir -p "$WORKDIR/notos/etc"
make_ext4_image "$WORKDIR/notos.ext4" "$WORKDIR/notos"
bad_create "$WORKDIR/notos.ext4" "not an OS tree"

head -c 4096 "$WORKDIR/bb.tar.xz" >"$WORKDIR/cut.tar.xz"
bad_create "$WORKDIR/cut.tar.xz" "cannot unpack the tarball"

# Compressed, but not a disk image inside; and cut short.
xz -c "$WORKDIR/garbage.img" >"$WORKDIR/garbage.img.xz"
bad_create "$WORKDIR/garbage.img.xz" "cannot be imported"
head -c $(($(stat -c %s "$WORKDIR/single.raw.xz") / 2)) "$WORKDIR/single.raw.xz" >"$WORKDIR/cut.raw.xz"
bad_create "$WORKDIR/cut.raw.xz" "cannot decompress the image"
exit 0
