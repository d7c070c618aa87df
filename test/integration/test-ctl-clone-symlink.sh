#!/bin/bash
# nsbootctl clone and rename of a machine found by name whose entry in /var/lib/machines is a
# symlink (a tree or image kept on another disk, a common layout):
# - rename moves the symlink, not the tree it points to: /var/lib/machines/NEW reaches the same
#   tree, nothing dangles, and nsboot -M NEW runs it; also when the tree's own name is another one;
# - NAME.nsboot beside the entry (where nsboot -M NAME looks) goes with it;
# - clone of NAME.raw a symlink to an image copies the image: the copy is a file of its own, with
#   its own machine ID, and the source image stays byte for byte as it was;
# - a clone or rename into a directory others than root can write is refused; a symlink at the
#   temporary name of a copied NAME.nsboot is not followed.
# nsboot-test-timeout: 300
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_root
ctl_init 120
require_cmd mkfs.ext4 debugfs

M=$WORKDIR/m
mkdir -p "$M" /var/lib/machines
mount -t tmpfs -o size=300m,mode=0755 tmpfs "$M"
at_exit "_umount '$M'"
testinit=$(_testinit_path)
# The machines' config files go there; an earlier test may have removed the empty directory.
mkdir -p /etc/nsboot

# forget NAME: the cleanup removes what the machine NAME may have in /var/lib/machines and /etc.
forget() {
        at_exit "rm -f '/var/lib/machines/$1' '/var/lib/machines/$1.raw' '/var/lib/machines/$1.nsboot' '/etc/nsboot/$1.conf' '/var/log/nsboot/$1.log'"
}

# --- A tree elsewhere, reached by a symlink named after the machine.
new_name a
forget "$a"
"$SRCDIR/test/fixtures/mktree-busybox.sh" "$M/$a" "$testinit" >/dev/null
echo "$a" >"$M/$a/etc/hostname"
ln -s "$M/$a" "/var/lib/machines/$a"
echo "# beside the entry" >"/var/lib/machines/$a.nsboot"
new_name b
forget "$b"
ctl -q rename "$a" "$b"
assert_file_not_exists "/var/lib/machines/$a" "the old entry after the rename"
[[ -L /var/lib/machines/$b ]] || fail "the entry was not renamed: $(ls -la /var/lib/machines | grep "$a\|$b")"
assert_eq "$M/$a" "$(readlink "/var/lib/machines/$b")" "the renamed symlink points to the tree"
assert_file_exists "$M/$a/sbin/init"
assert_file_not_exists "$M/$b" "a tree moved behind the symlink"
assert_eq "$b" "$(cat "$M/$a/etc/hostname")" "/etc/hostname through the renamed entry"
assert_file_not_exists "/var/lib/machines/$a.nsboot" "the old file beside the entry"
assert_eq "# beside the entry" "$(cat "/var/lib/machines/$b.nsboot")" "the file beside the entry follows"
nsboot_run -M "$b" true
assert_rc 0 "the renamed machine runs by its new name"

# --- The tree's own name is another one: the symlink is renamed all the same.
new_name c
forget "$c"
ln -s "$M/$a" "/var/lib/machines/$c"
rm "/var/lib/machines/$b" "/var/lib/machines/$b.nsboot"
new_name d
forget "$d"
ctl -q rename "$c" "$d"
assert_file_not_exists "/var/lib/machines/$c" "the old entry (tree of another name)"
assert_eq "$M/$a" "$(readlink "/var/lib/machines/$d")" "the renamed symlink (tree of another name)"
rm "/var/lib/machines/$d"

# --- A tree in a directory a user can write, its config in /etc/nsboot: the copy would be made
# and changed by path where the user can swap it for a symlink (the copy into /etc, the new machine
# ID into the host's): refused, for a clone and a rename, with nothing made, also in a sticky
# directory. Beside a root-only tree, a symlink at the temporary name of the copy of NAME.nsboot
# is not followed (root would have written its text into the file it points to).
new_name u
forget "$u"
mkdir "$M/shared" && chown 65534:65534 "$M/shared"
"$SRCDIR/test/fixtures/mktree-busybox.sh" "$M/shared/$u" "$testinit" >/dev/null
printf 'lxc.rootfs.path = %s\n' "$M/shared/$u" >"/etc/nsboot/$u.conf"
echo "root::0:0:planted" >"$M/shared/$u.nsboot"
new_name u2
forget "$u2"
for verb in clone rename; do
        for mode in owner 1777; do
                if [[ $mode == 1777 ]]; then chown 0:0 "$M/shared" && chmod 1777 "$M/shared"; fi
                out=$(ctl "$verb" "$u" "$u2" 2>&1) && fail "$verb into a directory a user can write ($mode) succeeded"
                assert_contains "$out" "$M/shared is writable by others than root" "$verb refused ($mode)"
                assert_eq "$u $u.nsboot" "$(ls "$M/shared" | tr '\n' ' ' | sed 's/ $//')" "what $verb left ($mode)"
                assert_file_not_exists "/etc/nsboot/$u2.conf" "config after the refused $verb ($mode)"
        done
        chmod 0755 "$M/shared" && chown 65534:65534 "$M/shared"
done
chown 0:0 "$M/shared"
echo "the host's file" >"$WORKDIR/victim"
ln -s "$WORKDIR/victim" "$M/shared/$u2.nsboot.tmp"
ctl -q clone "$u" "$u2" || fail "clone with a symlink at the temporary name failed"
assert_eq "the host's file" "$(cat "$WORKDIR/victim")" "the file a symlink at the temporary name points to"
[[ -f $M/shared/$u2.nsboot && ! -L $M/shared/$u2.nsboot ]] || fail "the copy beside the tree is no file of its own"
assert_eq "root::0:0:planted" "$(cat "$M/shared/$u2.nsboot")" "the copy of the file beside the tree"

# --- An image elsewhere, reached by NAME.raw a symlink: a clone copies the image.
new_name img
forget "$img"
busybox_image img_id "$M/disk.img" "$img"
ln -s "$M/disk.img" "/var/lib/machines/$img.raw"
img_sum=$(sha256sum <"$M/disk.img")
new_name img2
forget "$img2"
ctl -q clone "$img" "$img2"
[[ -f /var/lib/machines/$img2.raw && ! -L /var/lib/machines/$img2.raw ]] ||
        fail "the image's clone is no file of its own: $(ls -la "/var/lib/machines/$img2.raw")"
assert_eq "$img_sum" "$(sha256sum <"$M/disk.img")" "the source image after the clone"
img2_id=$(debugfs -R 'cat /etc/machine-id' "/var/lib/machines/$img2.raw" 2>/dev/null)
assert_ne "$img_id" "$img2_id" "the image's copy has a new machine ID"
assert_eq "$img2" "$(debugfs -R 'cat /etc/hostname' "/var/lib/machines/$img2.raw" 2>/dev/null)" "host name in the copy"
# And a rename of it moves the symlink.
new_name img3
forget "$img3"
ctl -q rename "$img" "$img3"
assert_eq "$M/disk.img" "$(readlink "/var/lib/machines/$img3.raw")" "the renamed image symlink"
assert_file_not_exists "/var/lib/machines/$img.raw" "the old image entry"
assert_file_not_exists "$M/$img3.raw" "an image moved behind the symlink"
assert_eq "$img3" "$(debugfs -R 'cat /etc/hostname' "$M/disk.img" 2>/dev/null)" "host name in the renamed image"
exit 0
