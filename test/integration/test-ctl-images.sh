#!/bin/bash
# nsbootctl images (machinectl list-images) and list --all (lxc-ls -f, vzlist -a): every machine
# defined on the host, running or not - a tree or NAME.raw in /var/lib/machines, a config in
# /etc/nsboot that names a tree elsewhere, an LXC container in /var/lib/lxc - with its type, the
# read-only mark (chattr +i, a file without write permission), an image file's usage and its
# path; JSON that parses, also with a tree path that is not UTF-8 (each bad byte U+FFFD). Not listed: symlinks in a machine directory, FIFOs and other files, names
# nsboot refuses; a config in /etc/nsboot may be a symlink (nsboot -M follows it). A
# FIFO where an image would be is never opened (the listing does not hang). status of a stopped
# machine shows the same, its config and whether it starts at boot.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/ctl-create.sh
. "$SRCDIR/test/lib/ctl-create.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

ctl_init 30
require_cmd python3 chattr mkfs.ext4
mkdir -p "$MACHINES" /etc/nsboot /var/lib/lxc

busybox_tree bb
new_name dir
forget "$dir"
cp -a "$bb" "$MACHINES/$dir"

new_name ro
forget "$ro"
cp -a "$bb" "$MACHINES/$ro"
chattr +i "$MACHINES/$ro"
at_exit "chattr -i '$MACHINES/$ro' 2>/dev/null"

new_name raw
at_exit "rm -f '$MACHINES/$raw.raw'"
make_ext4_image "$MACHINES/$raw.raw" "$bb"
chmod 0444 "$MACHINES/$raw.raw"

new_name conf
forget "$conf"
printf 'lxc.rootfs.path = %s\n' "$bb" >"/etc/nsboot/$conf.conf"

# A config that is the admin's symlink (as nsboot -M and the boot-time start follow it); one to a
# FIFO is no machine, and never opened.
new_name lconf
at_exit "rm -f '/etc/nsboot/$lconf.conf' '$WORKDIR/$lconf.conf' '/etc/nsboot/$lconf-fifo.conf' '$WORKDIR/$lconf.fifo'"
printf 'lxc.rootfs.path = %s\n' "$bb" >"$WORKDIR/$lconf.conf"
ln -s "$WORKDIR/$lconf.conf" "/etc/nsboot/$lconf.conf"
mkfifo "$WORKDIR/$lconf.fifo"
ln -s "$WORKDIR/$lconf.fifo" "/etc/nsboot/$lconf-fifo.conf"

# A tree whose path is not UTF-8 (file names are bytes): its JSON still parses, each bad byte U+FFFD.
new_name bad
forget "$bad"
badtree=$WORKDIR/tree-$'\xff'ok$'\xc3'-$bad
at_exit "rm -rf '$badtree'"
cp -a "$bb" "$badtree"
printf 'lxc.rootfs.path = %s\n' "$badtree" >"/etc/nsboot/$bad.conf"
# json_path NAME: the "path" (images) or "tree" (list) of NAME in the JSON on stdin, which must be
# UTF-8 (strict decoding), as a Python string.
json_path() {
        python3 -c 'import json, sys
l = {m["name"]: m for m in json.loads(sys.stdin.buffer.read().decode("utf-8"))}
print(ascii(l[sys.argv[1]].get("path", l[sys.argv[1]].get("tree"))))' "$1"
}
# What a strict decoder that replaces each bad byte makes of the path.
badtree_json=$(python3 -c 'import os, sys; print(ascii(os.fsencode(sys.argv[1]).decode("utf-8", "replace")))' "$badtree")
assert_contains "$badtree_json" '\ufffdok\ufffd-' "the expected path has two U+FFFD"

new_name lxc
at_exit "rm -rf '/var/lib/lxc/$lxc'"
mkdir "/var/lib/lxc/$lxc"
printf 'lxc.rootfs.path = dir:%s\nlxc.uts.name = %s\n' "$bb" "$lxc" >"/var/lib/lxc/$lxc/config"

# Not machines.
new_name link
at_exit "rm -f '$MACHINES/$link' '$MACHINES/$link.raw'; rmdir '$MACHINES/.hidden$$' '$MACHINES/bad name$$'"
ln -s "$MACHINES/$dir" "$MACHINES/$link"
mkfifo "$MACHINES/$link.raw"
mkdir "$MACHINES/.hidden$$" "$MACHINES/bad name$$"

out=$(ctl images) || fail "images failed"
log "$out"
row() { awk -v n="$1" '$1 == n' <<<"$out"; }
assert_match "$(row "$dir")" "^$dir +directory +no +- +[0-9-]+ [0-9:]+ +$MACHINES/$dir\$" "a tree"
assert_match "$(row "$ro")" "^$ro +directory +yes " "an immutable tree is read-only"
assert_match "$(row "$raw")" "^$raw +raw +yes +[0-9.]+[KMG] .* $MACHINES/$raw.raw\$" "a read-only image file"
assert_match "$(row "$conf")" "^$conf +directory +no .* $bb\$" "a config's tree, found through the config"
assert_match "$(row "$lxc")" "^$lxc +directory +no .* $bb\$" "an LXC container's rootfs"
assert_match "$(row "$lconf")" "^$lconf +directory +no .* $bb\$" "a config that is a symlink"
assert_not_contains "$out" "$lconf-fifo" "a config that is a symlink to a FIFO"
assert_not_contains "$out" "$link" "a symlink or a FIFO in the machine directory"
assert_not_contains "$out" "hidden$$" "a hidden directory"
assert_not_contains "$out" "bad name$$" "an invalid name"
assert_eq "$out" "$(ctl list-images)" "list-images is images"

json=$(ctl images --json) || fail "images --json failed"
python3 -c 'import json, sys
l = {m["name"]: m for m in json.load(sys.stdin)}
d, raw, rawpath, conf, confpath, lxc, lxcconf = sys.argv[1:]
assert l[raw]["type"] == "raw" and l[raw]["read_only"] is True and l[raw]["path"] == rawpath, l[raw]
assert isinstance(l[raw]["usage"], int) and l[raw]["usage"] > 0 and l[raw]["config"] is None, l[raw]
assert l[conf]["config"] == confpath and l[conf]["usage"] is None, l[conf]
assert l[lxc]["config"] == lxcconf, l[lxc]
assert l[d]["read_only"] is False, l[d]' "$dir" "$raw" "$MACHINES/$raw.raw" "$conf" "/etc/nsboot/$conf.conf" "$lxc" \
        "/var/lib/lxc/$lxc/config" <<<"$json" ||
        fail "images --json: $json"
out=$(json_path "$bad" <<<"$json") || fail "images --json with a tree path that is not UTF-8: $json"
assert_eq "$badtree_json" "$out" "images --json: a tree path that is not UTF-8"

# status of a stopped machine (lxc-info, machinectl image-status): its tree or image, config, autostart.
out=$(ctl status "$raw") || fail "status of a stopped image"
log "$out"
assert_contains "$out" "$raw (stopped)" "status: the state"
assert_match "$out" "Tree: $MACHINES/$raw.raw \(raw, read-only\)" "status: the image"
assert_match "$out" "Usage: [0-9.]+[KMG]" "status: the image's usage"
assert_contains "$out" "Autostart: no" "status: no autostart"
printf 'lxc.start.auto = 1\n' >>"/etc/nsboot/$conf.conf"
out=$(ctl status "$conf") || fail "status of a stopped machine with a config"
assert_contains "$out" "Tree: $bb (directory)" "status: the config's tree"
assert_contains "$out" "Config: /etc/nsboot/$conf.conf" "status: the config"
assert_contains "$out" "Autostart: yes" "status: autostart from the config"
printf 'lxc.start.auto = 1\n' >>"/var/lib/lxc/$lxc/config"
assert_contains "$(ctl status "$lxc")" "Autostart: no" "status: LXC's lxc.start.auto starts nothing of nsboot's"
new_name none
out=$(ctl status "$none" 2>&1) && fail "status of no machine succeeded"
assert_contains "$out" "is not running, and there is no machine of that name" "status: no such machine"

# list --all: the running machine as running, the others stopped.
boot_sleeping "$MACHINES/$dir" -M "$dir"
out=$(ctl list) || fail "list failed"
assert_contains "$out" "$dir" "list shows the running machine"
assert_not_contains "$out" "$raw" "list without --all shows no stopped machine"
out=$(ctl list --all) || fail "list --all failed"
log "$out"
assert_match "$(row "$dir")" "^$dir +running +[a-z]+ +[0-9]+ " "list --all: the running machine"
assert_match "$(row "$raw")" "^$raw +stopped +- +- +- +-\$" "list --all: a stopped image"
assert_match "$(row "$lxc")" "^$lxc +stopped " "list --all: a stopped LXC container"
assert_eq 1 "$(grep -c "^$dir " <<<"$out")" "the running machine once"
json=$(ctl list --all --json) || fail "list --all --json failed"
python3 -c 'import json, sys
l = {m["name"]: m for m in json.load(sys.stdin)}
d, r = sys.argv[1:]
assert l[d]["state"] == "running" and l[d]["leader"] > 0, l[d]
assert l[r]["state"] == "stopped" and l[r]["leader"] is None and l[r]["uptime_sec"] is None, l[r]
assert l[r]["cgroup"] is None and l[d]["cgroup"].startswith("/"), (l[r], l[d])' "$dir" "$raw" <<<"$json" ||
        fail "list --all --json: $json"
out=$(json_path "$bad" <<<"$json") || fail "list --all --json with a tree path that is not UTF-8: $json"
assert_eq "$badtree_json" "$out" "list --all --json: a tree path that is not UTF-8"
poweroff_guest
