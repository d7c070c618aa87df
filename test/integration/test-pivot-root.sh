#!/bin/bash
# --pivot-root=PATH[:OLD] (PivotRoot= of .nspawn files), in both modes: a tree holding a deployment
# in /deploy/a runs with that directory as its root (its own files, not the top's), the top gone or at
# OLD; -b finds and boots the deployment's init; a symlink as PATH resolves inside the tree, never to
# a host directory. A PATH or OLD that is not a directory of the tree, a relative path and
# --link-journal=guest, --volatile=yes|state and --overlay beside it are refused naming the option,
# with nothing left behind. The machine's record names PATH's init.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree top
mkdir -p "$top/deploy"
cp -a "$top" "$WORKDIR/deployment"
mv "$WORKDIR/deployment" "$top/deploy/a"
mkdir -p "$top/deploy/a/sysroot"
echo inner >"$top/deploy/a/marker"
echo outer >"$top/marker"
touch "$top/top-only"
# A symlink in the tree that leads "out" of it: resolved inside, it is /deploy/a.
ln -s ../../../../../../deploy/a "$top/deploy/link"

for mode in pick no; do
        nsboot_run -D "$top" --private-users="$mode" --pivot-root=/deploy/a \
                /bin/sh -c 'cat /marker; [ -e /top-only ] && echo top-visible; ls /sysroot | wc -l'
        assert_rc 0 "--pivot-root=/deploy/a ($mode)"
        assert_eq "inner"$'\n'"0" "$(tr -d '\r' <"$NSBOOT_OUT")" "the deployment is the root, the top unmounted ($mode)"

        nsboot_run -D "$top" --private-users="$mode" --pivot-root=/deploy/a:/sysroot \
                /bin/sh -c 'cat /marker /sysroot/marker; touch /sysroot/made-inside'
        assert_rc 0 "--pivot-root=/deploy/a:/sysroot ($mode)"
        assert_eq "inner"$'\n'"outer" "$(tr -d '\r' <"$NSBOOT_OUT")" "the top at /sysroot ($mode)"
        assert_file_exists "$top/made-inside" "a write to the old root lands in the tree's top ($mode)"
        rm -f "$top/made-inside"

        # The deployment's init boots (testinit prints its marker's view of /).
        nsboot_run -D "$top" --private-users="$mode" --pivot-root=/deploy/a -b exit 5
        assert_rc 5 "-b with --pivot-root ($mode)"
        assert_eq "exit" "$(fact mode)" "the deployment's init ran ($mode)"
done

# The machine's record names the deployment's init, not the top's: a systemd at PATH (testinit in its
# place) is "systemd", which nsbootctl reboot sends SIGINT to, where a busybox init gets SIGTERM.
mkdir -p "$top/deploy/a/usr/lib/systemd"
mv "$top/deploy/a/sbin/init" "$top/deploy/a/usr/lib/systemd/systemd"
ln -s ../usr/lib/systemd/systemd "$top/deploy/a/sbin/init"
[[ ! -e $top/usr/lib/systemd/systemd ]] || fail "the top must not have a systemd"
new_name npr
boot_sleeping "$top" -M "$npr" --pivot-root=/deploy/a
assert_file_contains "/run/nsboot/machines/$npr.state" "INIT=systemd" "the record's init kind, looked up in PATH"
poweroff_guest
rm "$top/deploy/a/sbin/init"
mv "$top/deploy/a/usr/lib/systemd/systemd" "$top/deploy/a/sbin/init"

nsboot_run -D "$top" --pivot-root=/deploy/link /bin/cat /marker
assert_rc 0 "a symlink as PATH"
assert_eq inner "$(tr -d '\r' <"$NSBOOT_OUT")" "resolved inside the tree"

# From a .nspawn file beside nothing: --config names it.
printf '[Exec]\nPivotRoot=/deploy/a:/sysroot\n' >"$WORKDIR/pivot.nspawn"
nsboot_run -D "$top" --config="$WORKDIR/pivot.nspawn" /bin/cat /sysroot/marker
assert_rc 0 "PivotRoot= of a .nspawn file"
assert_eq outer "$(tr -d '\r' <"$NSBOOT_OUT")" "PivotRoot= with the old root"

refused() {
        local what=$1 msg=$2
        shift 2
        assert_refused npr-bad "$what" "$msg" -D "$top" "$@" /bin/true
}
refused "a missing PATH" "--pivot-root=/deploy/b: no directory of '$top'" --pivot-root=/deploy/b
refused "a file as PATH" "--pivot-root=/marker: no directory of '$top'" --pivot-root=/marker
refused "a missing OLD" "--pivot-root: '/nope' is no directory of '/deploy/a' in '$top'" --pivot-root=/deploy/a:/nope
refused "a relative PATH" "--pivot-root: invalid value 'deploy/a'" --pivot-root=deploy/a
# Made on the tree's top before the pivot: PATH would not get them.
mkdir -p "$WORKDIR/ovl"
refused "--volatile=state" "--pivot-root cannot be combined with --volatile=state" --pivot-root=/deploy/a \
        --volatile=state
refused "--volatile=yes" "--pivot-root cannot be combined with --volatile=yes" --pivot-root=/deploy/a --volatile=yes
refused "--overlay" "--pivot-root cannot be combined with --overlay= or --overlay-ro=" --pivot-root=/deploy/a \
        --overlay="$WORKDIR/ovl:/opt"
refused "--link-journal=guest" "--link-journal=guest links the tree's own /var/log/journal, which --pivot-root" \
        --pivot-root=/deploy/a --link-journal=guest
log "PASS"
