# shellcheck shell=bash
# Sourced by test/lib/mktree-debian.sh and test/vm/mkimage.sh, which set RELEASE first.

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
