# shellcheck shell=bash
# Disk images for the storage tests, made from a tree without mounting anything: sfdisk writes
# the partition table, mkfs.ext4 -d fills a file system at the partition's offset.
# Sourced by test/integration/test-image*.sh after lib.sh.

# The Discoverable Partitions Specification's type UUIDs.
DPS_ROOT_X86_64=4f68bce3-e8cd-4db1-96e7-fbcaf984b709
DPS_HOME=933ac7e1-2eb4-4f13-b844-0e14e2aef915
GPT_LINUX_GENERIC=0fc63daf-8483-4772-8e79-3d69d8477de4

# image_size_mb TREE...: enough MiB for the trees' contents as ext4 file systems.
image_size_mb() {
        local kb
        kb=$(du -sk --apparent-size "$@" | awk '{ s += $1 } END { print s }')
        echo $((kb * 13 / 10 / 1024 + 16))
}

# make_gpt_image IMG TYPE:TREE...: a GPT image with one ext4 partition of type TYPE per TREE,
# each filled with TREE's contents, 1 MiB aligned.
make_gpt_image() {
        local img=$1 spec type tree mb start=2048 total=2048 table="label: gpt" offsets=()
        shift
        for spec in "$@"; do
                tree=${spec#*:}
                mb=$(image_size_mb "$tree")
                table+=$'\n'"start=$total, size=$((mb * 2048)), type=${spec%%:*}"
                offsets+=("$total:$mb:$tree")
                total=$((total + mb * 2048))
        done
        truncate -s $(((total + 2048) * 512)) "$img"
        sfdisk -q "$img" <<<"$table" >/dev/null || fail "sfdisk failed on $img"
        for spec in "${offsets[@]}"; do
                IFS=: read -r start mb tree <<<"$spec"
                mkfs.ext4 -q -F -d "$tree" -E offset=$((start * 512)) "$img" "${mb}M" ||
                        fail "mkfs.ext4 failed on $img"
        done
}

# make_ext4_image IMG TREE: a bare ext4 file system with TREE's contents.
make_ext4_image() {
        local mb
        mb=$(image_size_mb "$2")
        truncate -s "${mb}M" "$1"
        mkfs.ext4 -q -F -d "$2" "$1" || fail "mkfs.ext4 failed on $1"
}

# loops_of IMG: the loop devices backed by IMG (none after nsboot ends).
loops_of() {
        losetup -a 2>/dev/null | grep -F "($1)" || true
}

# assert_no_loop IMG [WHEN]: no loop device of IMG is left, allowing a moment for autoclear
# after the last user of the file system went away.
assert_no_loop() {
        retry 10 test -z "$(loops_of "$1")" || fail "loop device of $1 left ${2:-}: $(loops_of "$1")"
}

# userns_modes: the --private-users modes to test (the default, and no if nsboot has it).
userns_modes() {
        echo default
        if nsboot_has_option --private-users; then
                echo no
        fi
}

# userns_args MODE: nsboot's arguments for a mode of userns_modes.
userns_args() {
        [[ $1 == default ]] || echo "--private-users=$1"
}

# tree_sum DIR: one checksum over DIR's names, types, modes, owners, sizes, modification times,
# link targets and file contents.
tree_sum() {
        (
                cd "$1" || exit 1
                find . -xdev -printf '%p %y %m %U %G %s %T@ %l\n' | LC_ALL=C sort
                find . -xdev -type f -exec sha256sum {} + | LC_ALL=C sort
        ) | sha256sum | cut -d' ' -f1
}
