# shellcheck shell=bash
# Helpers shared by test/lib/mktree-debian.sh, test/vm/mkimage.sh and test/integration/lib.sh.
# The sourcing script defines log(); host_mirror also needs RELEASE.

# Whether anything is mounted at or below a path: rm -rf must never walk into a mount (mkosi and
# debootstrap mount /proc and /sys in the trees they build; an aborted build or test may leave them).
has_mounts_under() {
        local dir
        dir=$(realpath -m "$1")
        awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { found = 1 } END { exit !found }' \
                /proc/self/mountinfo
}

# rm -rf of each path (dangling symlinks included), unless something is mounted below it.
safe_rm() {
        local p
        for p in "$@"; do
                [[ -e $p || -L $p ]] || continue
                if has_mounts_under "$p"; then
                        log "not removing '$p': something is mounted below it"
                        return 1
                fi
                rm -rf --one-file-system -- "$p"
        done
}

# The main (non-security) Debian mirror the host already uses; nothing else is reachable on CI.
host_mirror() {
        local m=""

        if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
                m=$(awk -v rel="$RELEASE" '
                        /^[[:space:]]*$/ { if (uri != "" && ok) { print uri; exit } uri = ""; ok = 0; next }
                        tolower($1) == "uris:" { uri = $2 }
                        tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == rel) ok = 1 }
                        END { if (uri != "" && ok) print uri }' /etc/apt/sources.list.d/debian.sources |
                        head -n1)
        fi
        if [[ -z $m && -r /etc/apt/sources.list ]]; then
                m=$(awk -v rel="$RELEASE" '$1 == "deb" && $3 == rel { print $2; exit }' /etc/apt/sources.list)
        fi
        echo "${m:-http://deb.debian.org/debian}"
}
