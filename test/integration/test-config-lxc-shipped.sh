#!/bin/bash
# Every config file Debian's LXC packages (lxc, liblxc-common, lxc-templates) ship (/usr/share/lxc/config/*.conf with their
# includes) passes "nsboot --check", or fails only on keys nsboot names as not supported yet:
# no unknown key, no value nsboot misreads.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd apt-get
require_cmd dpkg
require_cmd unshare

pkgdir=$WORKDIR/lxc-pkgs
mkdir -p "$pkgdir/root"
# Downloaded and unpacked, not installed: installing lxc would set up its services and bridge.
(cd "$pkgdir" && timeout 120 apt-get download lxc liblxc-common lxc-templates >/dev/null 2>&1) ||
        skip "cannot download Debian's lxc packages (apt lists missing or no mirror)"
for deb in "$pkgdir"/*.deb; do
        dpkg -x "$deb" "$pkgdir/root"
done
configs=("$pkgdir"/root/usr/share/lxc/config/*.conf)
((${#configs[@]} > 10)) || fail "only ${#configs[@]} config files in the packages"

busybox_tree tree
clean=0
partial=0
for conf in "${configs[@]}"; do
        base=/usr/share/lxc/config/$(basename "$conf")
        err=$WORKDIR/check-$(basename "$conf").err
        # The files include each other by absolute path: show them at their real place, in a
        # private mount namespace that only this nsboot --check sees.
        rc=0
        timeout 30 unshare -m --propagation private sh -c \
                'mount --bind "$1" /usr/share && shift && exec "$@"' _ "$pkgdir/root/usr/share" \
                "$NSBOOT" --config="$base" --check -D "$tree" >/dev/null 2>"$err" || rc=$?
        if [[ $rc == 0 ]]; then
                clean=$((clean + 1))
                continue
        fi
        # Errors must all be "not supported yet"; warnings (ignored, obsolete, LXC 2.0) are fine.
        bad=$(grep -v -e ': not supported yet (' -e ': ignored' -e 'obsolete since LXC 3.0' \
                -e 'is LXC 2.0 syntax' "$err" || true)
        [[ -z $bad ]] || fail "$base: unexpected problems:"$'\n'"$bad"
        grep -q ': not supported yet (' "$err" || fail "$base: check failed without naming a key:"$'\n'"$(cat "$err")"
        partial=$((partial + 1))
done
log "${#configs[@]} shipped configs: $clean pass --check, $partial fail only on keys not supported yet"
exit 0
