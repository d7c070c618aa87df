#!/bin/bash
# lxc-configs.sh: prints a directory holding usr/share/lxc/ of Debian's lxc, liblxc-common and
# lxc-templates packages (the config files LXC ships, which include each other by absolute path
# under /usr/share/lxc/config). Downloaded with apt-get and unpacked, never installed (installing
# lxc would set up its services and bridge); cached in /var/cache/nsboot/lxc-configs/VERSIONS/,
# built once under a lock. Used by test-config-lxc-shipped.sh and the fuzzer's seed corpus.
# Exit status 1 if the packages cannot be had (no apt lists, no mirror).
set -euo pipefail

CACHE=${NSBOOT_LXC_CONFIGS_CACHE:-/var/cache/nsboot/lxc-configs}
PACKAGES=(lxc liblxc-common lxc-templates)

log() { echo "lxc-configs: $*" >&2; }

versions=$(apt-cache policy "${PACKAGES[@]}" 2>/dev/null | awk '/Candidate:/ { printf "%s_", $2 }' | tr -c 'A-Za-z0-9._+\n-' '_')
[[ -n $versions && $versions != *none* ]] || { log "apt knows no candidate for ${PACKAGES[*]}"; exit 1; }
dest=$CACHE/$versions
if [[ -f $dest.done ]]; then
        echo "$dest"
        exit 0
fi
mkdir -p "$CACHE"
exec 9>"$CACHE/lock"
timeout 300 flock 9
if [[ ! -f $dest.done ]]; then
        tmp=$(mktemp -d "$CACHE/build.XXXXXX")
        trap 'rm -rf "$tmp"' EXIT
        if ! (cd "$tmp" && timeout 120 apt-get download "${PACKAGES[@]}") >"$tmp/download.log" 2>&1; then
                cat "$tmp/download.log" >&2
                log "cannot download ${PACKAGES[*]}"
                exit 1
        fi
        mkdir "$tmp/root"
        for deb in "$tmp"/*.deb; do
                dpkg -x "$deb" "$tmp/root"
        done
        rm -rf "$dest"
        mv "$tmp/root" "$dest"
        touch "$dest.done"
fi
echo "$dest"
