#!/bin/bash
# --help and --version print and exit 0 without needing a tree: --help lists every option the man
# page documents (an independent list: the man page is written by hand, --help comes from the
# settings table), --version prints the version meson.build declares.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

# The options of nsboot(1): every "*-x*" and "*--long*" at the start of a line of its OPTIONS
# section (the entries' headings), e.g. "*-D*, *--directory*=_PATH_".
man_options=$(awk '/^# OPTIONS/ { on = 1; next } /^# / { on = 0 } on && /^\*-/' "$SRCDIR/man/nsboot.1.scd" |
        grep -oE '\*--?[A-Za-z0-9][A-Za-z0-9-]*' | tr -d '*' | sort -u)
(($(wc -l <<<"$man_options") > 30)) || fail "found only these options in nsboot.1.scd:"$'\n'"$man_options"

for opt in -h --help; do
        nsboot_run "$opt"
        assert_rc 0 "$opt"
        missing=()
        for o in $man_options; do
                grep -qE -- "(^|[ ,])$o([ =[,]|\$)" "$NSBOOT_OUT" || missing+=("$o")
        done
        ((${#missing[@]} == 0)) || fail "$opt does not list: ${missing[*]}"
        assert_eq "" "$(cat "$NSBOOT_ERR")" "$opt wrote to stderr"
done

version=$(sed -nE "s/^[[:space:]]*version[[:space:]]*:[[:space:]]*'([^']+)'.*/\1/p" "$SRCDIR/meson.build" | head -n 1)
[[ -n $version ]] || fail "no version in meson.build"
nsboot_run --version
assert_rc 0 "--version"
assert_eq "nsboot $version" "$(head -n 1 "$NSBOOT_OUT")" "--version"

# Help is not a fallback for mistakes: an unknown option is an error naming it, on stderr.
nsboot_run --no-such-option
assert_rc 1 "an unknown option"
assert_file_contains "$NSBOOT_ERR" "no-such-option" "the error names the option"
assert_eq "" "$(cat "$NSBOOT_OUT")" "output for an unknown option"
