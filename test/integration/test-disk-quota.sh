#!/bin/bash
# --disk-quota and --disk-inodes (project quotas). Anywhere: a tree on a file system that enforces
# no project quotas (a tmpfs of the test's own) is refused, also by --check, naming the option (or
# the config file) and what to do, leaving no lock, record, cgroup or mount; bad values, -x and
# --volatile=yes are refused; a NAME.nsboot beside the tree cannot set the keys. Then, on an ext4
# with project quotas on a loop device backed by a file on the test's own tmpfs: an ext4 that only
# accounts (mounted without prjquota) is refused; the tree gets one project ID, stable across runs
# and walked once; repquota -P shows the limits; the guest's df shows the quota as its disk, a
# write past it fails with EDQUOT and so does a file past the inode limit; the guest can neither
# change a file's project, nor drop a directory's inherit flag, nor call quotactl in the default
# mode; with --private-users=no its root can do the first two and write past the limit (the
# documented limit of that mode), unless CAP_SYS_RESOURCE is dropped; a trusted config file's key
# works; infinity lifts the limit and a run without the keys keeps it. A kernel without ext4
# project quotas skips that part (with NSBOOT_TEST_FULL_KERNEL=1, as in the VM, it fails).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd mkfs.ext4 losetup truncate lsattr
probe=$(fixture_binary quota-probe)
hint="tune2fs -O project,quota"

# The tree lock names the tree's directory: none may remain after a refused start.
assert_no_lock_for() {
        ! grep -rlsF -- "$1" /run/nsboot/locks/ || fail "a lock file names $1 after the refusal"
}

# --- Anywhere: refusals -------------------------------------------------------------------------
plain=$WORKDIR/plain
mkdir -p "$plain"
mount -t tmpfs -o size=64m,mode=0755 nsbt-quota-plain "$plain"
at_exit "_umount '$plain'"
new_name name
"$SRCDIR/test/fixtures/mktree-busybox.sh" "$plain/$name" "$(_testinit_path)" || fail "mktree-busybox.sh failed"
assert_refused "$name" "a tmpfs tree" "--disk-quota= (nsboot.disk-quota): the file system of '$plain/$name' (tmpfs) does not enforce project quotas" \
        -q -D "$plain/$name" --disk-quota=10M /bin/true
assert_file_contains "$NSBOOT_ERR" "$hint" "the refusal says what to do"
assert_file_contains "$NSBOOT_ERR" "-o prjquota" "the refusal names the mount option"
assert_no_lock_for "$plain/$name"
nsboot_run -q -D "$plain/$name" --disk-inodes=1000 --check
assert_rc 1 "--check of a tmpfs tree with --disk-inodes"
assert_file_contains "$NSBOOT_ERR" "--disk-inodes= (nsboot.disk-inodes): the file system of" "--check's message"
echo "nsboot.disk-quota = 10M" >"$WORKDIR/trusted.conf"
assert_refused "$name" "the key of a trusted file" "--disk-quota= (nsboot.disk-quota in $WORKDIR/trusted.conf): the file system" \
        -q -D "$plain/$name" --config="$WORKDIR/trusted.conf" /bin/true
for bad in 0 10x 1.5G -1; do
        assert_refused "$name" "--disk-quota=$bad" "--disk-quota: invalid value '$bad'" -q -D "$plain/$name" --disk-quota="$bad" /bin/true
done
assert_refused "$name" "--disk-inodes=lots" "--disk-inodes: invalid value 'lots'" -q -D "$plain/$name" --disk-inodes=lots /bin/true
for other in -x --volatile=yes --volatile=overlay --read-only "--overlay=$WORKDIR/lower:$WORKDIR/upper:/"; do
        assert_refused "$name" "--disk-quota with $other" "limit a directory tree (-D) on disk: not with -i, -x, --volatile" \
                -q -D "$plain/$name" --disk-quota=10M "$other" /bin/true
done
# Beside the tree, untrusted: ignored with a warning, so this start on a tmpfs succeeds (without a
# user namespace: a tmpfs cannot be mounted idmapped before Linux 6.3).
printf 'nsboot.disk-quota = 10M\nnsboot.disk-inodes = 100\n' >"$plain/$name.nsboot"
nsboot_run -q -D "$plain/$name" --private-users=no /bin/echo untrusted-ran
assert_rc 0 "a start with the keys in an untrusted file"
assert_file_contains "$NSBOOT_OUT" untrusted-ran
assert_file_contains "$NSBOOT_ERR" "$plain/$name.nsboot:1: nsboot.disk-quota: ignored in an untrusted file"
assert_file_contains "$NSBOOT_ERR" "$plain/$name.nsboot:2: nsboot.disk-inodes: ignored in an untrusted file"
rm -f "$plain/$name.nsboot"

# --- ext4 with project quotas on a loop device ----------------------------------------------------
no_support() {
        [[ ${NSBOOT_TEST_FULL_KERNEL:-0} != 1 ]] || fail "$1 (NSBOOT_TEST_FULL_KERNEL=1)"
        skip "$1"
}
modprobe -q -a loop quota_v2 2>/dev/null || true
back=$WORKDIR/back
mnt=$WORKDIR/ext4
mkdir -p "$back" "$mnt"
mount -t tmpfs -o size=160m,mode=0755 nsbt-quota-back "$back"
at_exit "_umount '$back'"
truncate -s 128M "$back/fs.img"
mkfs.ext4 -q -F -O quota,project -N 8192 "$back/fs.img" || no_support "mkfs.ext4 cannot make project quotas"
loop=$(losetup -f --show "$back/fs.img") || no_support "no loop device"
at_exit "losetup -d '$loop'"
# Accounting only (no prjquota): refused like no support at all.
mount "$loop" "$mnt" 2>/dev/null ||
        no_support "the kernel cannot mount an ext4 with the quota and project features (it needs CONFIG_QUOTA and CONFIG_QFMT_V2): $(dmesg 2>/dev/null | grep -F "EXT4-fs (${loop#/dev/})" | tail -n 1)"
at_exit "_umount '$mnt'"
tree=$mnt/$name
"$SRCDIR/test/fixtures/mktree-busybox.sh" "$tree" "$(_testinit_path)" || fail "mktree-busybox.sh failed"
cp "$probe" "$tree/quota-probe"
mkdir -p "$tree/data/sub"
echo keep >"$tree/data/sub/file"
# a file with a name outside the tree too (a template's cp -al): left in its project
echo shared >"$tree/data/shared"
ln "$tree/data/shared" "$mnt/shared-outside"
mkfifo "$tree/data/fifo"
ln -s /etc/hostname "$tree/data/link"
assert_refused "$name" "ext4 without prjquota" "'$tree' (ext4) does not enforce project quotas" -q -D "$tree" --disk-quota=10M /bin/true
assert_no_lock_for "$tree"
assert_eq "0" "$(lsattr -pd "$tree" | awk '{ print $1 }')" "the refused start changed the tree's project ID"
umount "$mnt"
if ! mount -o prjquota "$loop" "$mnt" 2>"$WORKDIR/mount.err"; then
        no_support "the kernel has no ext4 project quotas (CONFIG_QUOTA and CONFIG_QFMT_V2): $(cat "$WORKDIR/mount.err")"
fi
require_cmd repquota
_shared_mount "$tree"

# report: "ID BLOCK-HARD INODE-HARD" of the tree's project, as repquota -P prints it.
report() {
        repquota -P -n "$mnt" | awk -v id="#$1" '$1 == id { print substr($1, 2), $5, $8 }'
}

guest='df -k / | tail -n 1
dd if=/dev/zero of=/big bs=64k count=256 2>&1 | grep -o "Disk quota exceeded" | head -n 1
rm -f /big
mkdir /many && i=0 && while { echo >/many/f$i; } 2>/dev/null; do i=$((i + 1)); done
echo "made=$i"; { echo >/many/one-more; } 2>&1 | grep -o "Disk quota exceeded"; rm -rf /many
/quota-probe get /data/sub/file; /quota-probe setproj /data/sub/file 0
/quota-probe noinherit /data; /quota-probe quotactl /; echo new >/data/new; /quota-probe get /data/new'
nsboot_run -D "$tree" --disk-quota=8M --disk-inodes=1000 /bin/sh -c "$guest"
assert_rc 0 "the guest with its quota"
assert_file_contains "$NSBOOT_ERR" "Giving the files of '$tree' project ID" "the first start walks the tree"
id=$(lsattr -pd "$tree" | awk '{ print $1 }')
((id >= 65536)) || fail "project ID $id of the tree is not one nsboot derives"
assert_match "$(lsattr -d "$tree" | awk '{ print $1 }')" P "the tree's top has no inherit flag"
for f in data data/sub data/sub/file bin/busybox sbin/init; do
        assert_eq "$id" "$(lsattr -pd "$tree/$f" | awk '{ print $1 }')" "project ID of $f"
done
assert_eq "0" "$(lsattr -pd "$mnt" | awk '{ print $1 }')" "project ID of the file system's root"
assert_eq "0" "$(lsattr -pd "$mnt/shared-outside" | awk '{ print $1 }')" "project ID of a file shared with the outside"
assert_file_contains "$NSBOOT_ERR" "1 files of '$tree' have more than one name" "the warning about hard links"
assert_eq "$id 8192 1000" "$(report "$id")" "repquota -P: the limits"
# The guest's view: df's size is the quota; writes and files past it fail with EDQUOT.
assert_match "$(output | sed -n 1p)" "^[^ ]+ +8192 " "df / in the guest does not show the 8M quota"
assert_eq "Disk quota exceeded" "$(output | sed -n 2p)" "a write past the quota"
made=$(output | sed -n 's/^made=//p')
((made > 0 && made < 1000)) || fail "the guest made $made files against an inode limit of 1000"
assert_eq "Disk quota exceeded" "$(output | sed -n 4p)" "a file past the inode limit"
# The default mode: no change of project, inherit flag or quota from inside.
assert_file_contains "$NSBOOT_OUT" "projid=$id inherit=0" "the guest sees its files' project"
assert_match "$(grep '^setproj=' "$NSBOOT_OUT")" "^setproj=(EINVAL|EPERM)$" "chattr -p from the guest's user namespace"
assert_match "$(grep '^noinherit=' "$NSBOOT_OUT")" "^noinherit=(EINVAL|EPERM)$" "chattr -P from the guest's user namespace"
assert_file_contains "$NSBOOT_OUT" "quotactl=EPERM" "quotactl_fd from the guest"
assert_eq "$id" "$(lsattr -pd "$tree/data/new" | awk '{ print $1 }')" "a file made by the guest"
assert_eq "$id" "$(lsattr -pd "$tree/data/sub/file" | awk '{ print $1 }')" "the file the guest tried to move"
assert_eq "$id 8192 1000" "$(report "$id")" "repquota -P after the guest's attempts"

# A changed value at the next start, the same ID, no second walk.
nsboot_run -D "$tree" --disk-quota=16M /bin/df -k /
assert_rc 0
assert_file_not_contains "$NSBOOT_ERR" "Giving the files" "the second start walked the tree again"
assert_eq "$id" "$(lsattr -pd "$tree" | awk '{ print $1 }')" "the tree's project ID changed"
assert_eq "$id 16384 1000" "$(report "$id")" "repquota -P: the new block limit, the inode limit kept"
assert_match "$(output | tail -n 1)" "^[^ ]+ +16384 " "df / after the change"
# A trusted config file's key; then a run without keys keeps the quota; infinity lifts it.
echo "nsboot.disk-quota = 12M" >"$WORKDIR/trusted.conf"
nsboot_run -q -D "$tree" --config="$WORKDIR/trusted.conf" /bin/true
assert_rc 0
assert_eq "$id 12288 1000" "$(report "$id")" "repquota -P: the config file's limit"
nsboot_run -q -D "$tree" /bin/true
assert_rc 0
assert_eq "$id 12288 1000" "$(report "$id")" "a run without the keys changed the quota"
nsboot_run -q -D "$tree" --disk-quota=infinity --disk-inodes=infinity /bin/true
assert_rc 0
assert_eq "$id 0 0" "$(report "$id")" "infinity did not lift the limits"

# --private-users=no: the guest's root runs in the host's user namespace. Documented: it can move
# files out of the project and, with CAP_SYS_RESOURCE, write past the limit; without that
# capability the limit holds for it too.
nsboot_run -q -D "$tree" --disk-quota=8M /bin/true
priv='dd if=/dev/zero of=/big bs=64k count=256 2>&1 | grep -o "Disk quota exceeded" || echo wrote-past
rm -f /big; /quota-probe setproj /data/sub/file 0; /quota-probe noinherit /data/sub; /quota-probe quotactl /'
nsboot_run -q -D "$tree" --private-users=no /bin/sh -c "$priv"
assert_rc 0
assert_file_contains "$NSBOOT_OUT" wrote-past "--private-users=no: root with CAP_SYS_RESOURCE and the quota"
assert_file_contains "$NSBOOT_OUT" "setproj=ok" "--private-users=no: chattr -p"
assert_file_contains "$NSBOOT_OUT" "noinherit=ok" "--private-users=no: chattr -P"
assert_file_contains "$NSBOOT_OUT" "quotactl=EPERM" "--private-users=no: quotactl_fd"
assert_eq "0" "$(lsattr -pd "$tree/data/sub/file" | awk '{ print $1 }')" "the file the privileged guest moved"
nsboot_run -q -D "$tree" --private-users=no --drop-capability=sys_resource /bin/sh -c "$priv"
assert_rc 0
assert_file_contains "$NSBOOT_OUT" "Disk quota exceeded" "--private-users=no without CAP_SYS_RESOURCE"
# The top still carries the ID and the flag, so the walk does not repair what that guest did.
nsboot_run -D "$tree" --disk-quota=8M /bin/true
assert_file_not_contains "$NSBOOT_ERR" "Giving the files" "a start walked the tree again"
# Only the limit a key names changes: the inode limit stays lifted.
assert_eq "$id 8192 0" "$(report "$id")" "repquota -P at the end"

# A tree whose top inherited its parent's project ID (chattr +P -p on the machines' directory)
# gets one of its own, not the one its parent's other trees share.
mkdir "$mnt/machines"
chattr +P -p 4242 "$mnt/machines" || fail "chattr +P -p 4242 failed"
inherit=$mnt/machines/$name
"$SRCDIR/test/fixtures/mktree-busybox.sh" "$inherit" "$(_testinit_path)" || fail "mktree-busybox.sh failed"
assert_eq "4242" "$(lsattr -pd "$inherit" | awk '{ print $1 }')" "the new tree inherited its parent's project"
_shared_mount "$inherit"
nsboot_run -D "$inherit" --disk-quota=4M /bin/true
assert_rc 0 "a tree with its parent's project ID"
own=$(lsattr -pd "$inherit" | awk '{ print $1 }')
[[ $own != 4242 && $own != 0 ]] || fail "the tree kept its parent's project ID ($own)"
assert_eq "$own" "$(lsattr -pd "$inherit/sbin/init" | awk '{ print $1 }')" "the inheriting tree's files"
assert_eq "$own 4096 0" "$(report "$own")" "repquota -P: the inheriting tree's own limit"
[[ -z $(report 4242) ]] || assert_eq "4242 0 0" "$(report 4242)" "the parent's project got no limit"
exit 0
