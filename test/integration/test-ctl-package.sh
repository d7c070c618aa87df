#!/bin/bash
# The Debian package: dpkg-buildpackage -us -uc -b builds it from the source tree; it holds what
# meson installs, where Debian expects it; installed into a scratch root with dpkg --root, its
# nsboot boots a busybox tree and its nsbootctl lists the machine; purged, nothing of it is left.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd dpkg-buildpackage dh dpkg git tar
command -v git >/dev/null && git -C "$SRCDIR" rev-parse --git-dir >/dev/null 2>&1 || skip "needs a git checkout"

# The tracked and new (not ignored) files, as they are now, in a copy: the build writes debian/.
src=$WORKDIR/nsboot
mkdir -p "$src"
git -C "$SRCDIR" ls-files -co --exclude-standard -z | tar -C "$SRCDIR" --null -T - -cf - | tar -C "$src" -xf -
log "dpkg-buildpackage -us -uc -b (a minute or more on a loaded machine)"
(cd "$src" && DEB_BUILD_OPTIONS="nocheck noddebs parallel=$(nproc)" timeout 900 dpkg-buildpackage -us -uc -b) \
        >"$WORKDIR/build.log" 2>&1 || { tail -n 40 "$WORKDIR/build.log"; fail "dpkg-buildpackage failed"; }
deb=$(echo "$WORKDIR"/nsboot_*_*.deb)
[[ -f $deb ]] || fail "no package built"

# Contents: the paths Debian uses.
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|')
for f in /usr/bin/nsboot /usr/bin/nsbootctl /lib/systemd/system/nsboot@.service \
        /lib/systemd/system-generators/nsboot-generator /usr/share/man/man1/nsboot.1.gz \
        /usr/share/man/man1/nsbootctl.1.gz /usr/share/man/man5/nsboot.conf.5.gz \
        /usr/share/man/man8/nsboot@.service.8.gz /usr/share/man/man7/nsboot-migration.7.gz \
        /usr/share/bash-completion/completions/nsboot /usr/share/bash-completion/completions/nsbootctl \
        /usr/share/zsh/site-functions/_nsboot /usr/share/zsh/site-functions/_nsbootctl \
        /usr/share/doc/nsboot/copyright; do
        grep -qxF "$f" <<<"$contents" || fail "$f is not in the package:"$'\n'"$contents"
done
assert_not_contains "$contents" "testinit" "test fixtures in the package"

# Installed into a scratch root with its own dpkg database (dependencies are the host's).
root=$WORKDIR/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-depends --force-script-chrootless -i "$deb" >"$WORKDIR/dpkg.log" 2>&1 ||
        { cat "$WORKDIR/dpkg.log"; fail "dpkg -i failed"; }
[[ $(dpkg --root="$root" -s nsboot | awk '$1 == "Status:" { print $4 }') == installed ]] || fail "not installed"
"$root/usr/bin/nsbootctl" --version | grep -qx "nsbootctl [0-9.]*" || fail "nsbootctl --version"

# The installed nsboot boots the busybox demo; the installed nsbootctl sees it.
NSBOOT=$root/usr/bin/nsboot
busybox_tree bb
name=$(basename "$bb")
boot_sleeping "$bb"
"$root/usr/bin/nsbootctl" list | grep -qE "^$name +running +other +$LEADER " || fail "the installed nsbootctl does not list $name"
poweroff_guest
assert_file_contains "$NSBOOT_OUT" "NSBOOT-TEST: pid=1"

# Purged: nothing but dpkg's own files is left.
dpkg --root="$root" --force-script-chrootless -P nsboot >>"$WORKDIR/dpkg.log" 2>&1 ||
        { cat "$WORKDIR/dpkg.log"; fail "dpkg -P failed"; }
left=$(cd "$root" && find . -path ./var/lib/dpkg -prune -o \( -type f -o -type l \) -print)
[[ -z $left ]] || fail "files left after purge:"$'\n'"$left"
exit 0
