#!/bin/bash
# LXC's mount entries seen from inside the guest: lxc.mount.fstab (a file of fstab lines); bind
# (one mount) against rbind (with what is mounted below the source), and --bind's :norbind against
# its recursive default; create=file (a bind of a host file onto a path the tree lacks), with ro;
# a tmpfs with size and mode; optional (a missing source is skipped, without it the start fails
# naming the source).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
src=$WORKDIR/src
mkdir -p "$src/sub"
echo top >"$src/a"
mount -t tmpfs -o size=1m nsbt-sub "$src/sub"
at_exit "_umount '$src/sub'"
echo below >"$src/sub/b"
echo host-file >"$WORKDIR/hostfile"
assert_file_not_exists "$tree/etc/nsbt-file"

fstab=$WORKDIR/fstab
cat >"$fstab" <<EOF
# comment lines and blank ones are allowed

$src mnt/rb none rbind,create=dir 0 0
$src mnt/nb none bind 0 0
tmpfs mnt/t tmpfs size=1m,mode=0700 0 0
$WORKDIR/hostfile etc/nsbt-file none bind,ro,create=file 0 0
/nonexistent/nsbt mnt/opt none bind,optional 0 0
EOF
echo "lxc.mount.fstab = $fstab" >"$WORKDIR/m.conf"

nsboot_run -q -D "$tree" --config="$WORKDIR/m.conf" --bind="$src:/mnt/cnb:norbind" --bind="$src:/mnt/crb" \
        /bin/sh -c '
        for f in /mnt/rb/a /mnt/rb/sub/b /mnt/nb/a /mnt/nb/sub/b /mnt/cnb/a /mnt/cnb/sub/b /mnt/crb/sub/b; do
                [ -e $f ] && echo "has $f"
        done
        echo "file=$(cat /etc/nsbt-file)"
        echo x 2>/dev/null >/etc/nsbt-file && echo "file-writable"
        echo "tmpfs=$(stat -c %a /mnt/t) $(awk "\$2 == \"/mnt/t\" { print \$3 }" /proc/mounts)"
        df -k /mnt/t | awk "NR == 2 { print \"tmpfs-kib=\" \$2 }"
        echo done'
assert_rc 0 "lxc.mount.fstab with an optional entry whose source is missing"
out=$(output)
for f in /mnt/rb/a /mnt/rb/sub/b /mnt/nb/a /mnt/cnb/a /mnt/crb/sub/b; do
        assert_contains "$out" "has $f" "in the guest"
done
assert_not_contains "$out" "has /mnt/nb/sub/b" "bind (not rbind) took the mount below its source"
assert_not_contains "$out" "has /mnt/cnb/sub/b" "--bind=...:norbind took the mount below its source"
assert_contains "$out" "file=host-file" "create=file bind of a host file"
assert_not_contains "$out" "file-writable" "the ro bind of a host file"
assert_contains "$out" "tmpfs=700 tmpfs" "tmpfs entry with mode=0700"
assert_contains "$out" "tmpfs-kib=1024" "tmpfs entry with size=1m"
assert_contains "$out" "done"
assert_eq host-file "$(cat "$WORKDIR/hostfile")" "the host file after the guest tried to write it"

# Without "optional" a missing source is an error naming it; nothing runs.
echo "lxc.mount.entry = /nonexistent/nsbt mnt/x none bind 0 0" >"$WORKDIR/bad.conf"
nsboot_run -q -D "$tree" --config="$WORKDIR/bad.conf" /bin/sh -c 'echo ran'
assert_rc 1 "a missing bind source without optional"
assert_eq "" "$(output)" "the command ran despite a failed mount"
assert_file_contains "$NSBOOT_ERR" "/nonexistent/nsbt" "the error names the source"
exit 0
