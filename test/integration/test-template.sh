#!/bin/bash
# --template=DIR: a missing -D tree is made as a copy of DIR at the start: names, types, modes
# (set-user-ID too), owners, times, symlinks, device nodes, FIFOs, extended attributes and
# contents equal to the template's; the guest's writes land in the copy, never in the template;
# a later start uses the copy as it is.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

nsboot_has_option --template || skip "nsboot has no --template"
require_cmd python3

busybox_tree template
echo template >"$template/etc/marker"
install -m 4755 /dev/null "$template/usr/bin/suid-file"
chown 1234:5678 "$template/etc/marker"
mknod "$template/etc/null-node" c 1 3
mkfifo "$template/etc/fifo"
ln -s ../etc/marker "$template/root/link"
python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.nsboot", b"kept")' "$template/etc/marker" ||
        log "no user xattrs on this file system"
before=$(tree_sum "$template")
tree=$WORKDIR/copy

for mode in $(userns_modes); do
        # shellcheck disable=SC2046 # userns_args prints zero or one word
        nsboot_run -M "tpl$$" -D "$tree" --template="$template" $(userns_args "$mode") \
                /bin/sh -c 'cat /etc/marker; echo guest >>/etc/marker'
        assert_rc 0 "the first start from the template ($mode)"
        assert_contains "$(output)" template "the copy's file in the guest"
        assert_file_contains "$tree/etc/marker" guest "the guest's write in the copy"
        assert_eq "$before" "$(tree_sum "$template")" "the template after the run"

        # A later start uses the copy: the guest's write is still there.
        # shellcheck disable=SC2046
        nsboot_run -M "tpl$$" -D "$tree" --template="$template" $(userns_args "$mode") /bin/cat /etc/marker
        assert_contains "$(output)" guest "the copy on the second start ($mode)"
        rm -rf --one-file-system "$tree"
done

# The copy, compared with the template.
nsboot_run -M "tpl$$" -D "$tree" --template="$template" --private-users=no /bin/true
assert_rc 0 "a start that only copies"
assert_eq "$before" "$(tree_sum "$tree")" "the copy's checksum (names, modes, owners, times, contents)"
assert_eq "$(stat -c %a "$template/usr/bin/suid-file")" "$(stat -c %a "$tree/usr/bin/suid-file")" "set-user-ID mode"
assert_eq "c 1 3" "$(stat -c '%F' "$tree/etc/null-node" | sed 's/character special file/c/') $(stat -c '%t %T' "$tree/etc/null-node")" "the device node"
if python3 -c 'import os, sys; os.getxattr(sys.argv[1], "user.nsboot")' "$template/etc/marker" 2>/dev/null; then
        assert_eq kept "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.nsboot").decode())' \
                "$tree/etc/marker")" "the extended attribute"
fi
[[ ! -e $tree.#nsboot-template ]] || fail "the temporary copy is left"
