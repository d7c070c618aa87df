#!/bin/bash
# --bind, --bind-ro (read-only all the way down) and --tmpfs; mount points are created inside the
# tree even through the tree's own symlinks, never on the host.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
src=$WORKDIR/src
mkdir -p "$src/sub"
echo from-host >"$src/file"
mount -t tmpfs -o size=1m tmpfs "$src/sub"
at_exit "_umount '$src/sub'"
# A tree whose /srvlink points at the host's /etc once the tree is looked at from the host.
ln -s /etc "$tree/srvlink"
marker=nsboot-test-$$-marker
[[ -e /etc/$marker ]] && fail "/etc/$marker exists already"
at_exit "rm -f '/etc/$marker'"

nsboot_run -D "$tree" --bind="$src:/rw:idmap" --bind-ro="$src:/ro" --tmpfs=/scratch:size=1m,mode=0700 \
        --bind-ro="$src/file:/srvlink/$marker" \
        /bin/sh -c 'cat /rw/file; echo guest > /rw/back && echo rw-ok;
                    touch /ro/x 2>/dev/null || echo ro-top-ok; touch /ro/sub/y 2>/dev/null || echo ro-sub-ok;
                    cat /etc/'"$marker"'; grep " /scratch " /proc/self/mountinfo'
assert_rc 0
out=$(output)
assert_contains "$out" "from-host" "--bind shows the host file"
assert_contains "$out" "rw-ok" "--bind is writable"
assert_eq guest "$(cat "$src/back")" "a write through --bind reaches the host"
assert_contains "$out" "ro-top-ok" "--bind-ro is read-only"
assert_contains "$out" "ro-sub-ok" "--bind-ro is read-only in mounts below it too"
assert_match "$out" "/scratch rw,nosuid,nodev.*tmpfs tmpfs rw,size=1024k,mode=700" "--tmpfs"
# The file mount point went into the tree's /etc, through the tree's symlink resolved inside it.
[[ -e /etc/$marker ]] && fail "a mount point was created on the host through a symlink in the tree"
assert_file_exists "$tree/etc/$marker"

# Bad input: named, nothing started.
nsboot_run -D "$tree" --bind=relative/path /bin/true
assert_rc 1
assert_file_contains "$NSBOOT_ERR" "--bind: invalid value 'relative/path'" "bad --bind"
nsboot_run -D "$tree" --bind=/no/such/dir:/x /bin/true
assert_rc 1
assert_file_contains "$NSBOOT_ERR" "/no/such/dir" "missing --bind source named"
exit 0
