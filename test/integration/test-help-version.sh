#!/bin/bash
# --help and --version print and exit 0 without needing a tree.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

for opt in -h --help; do
        nsboot_run "$opt"
        assert_rc 0 "$opt"
        assert_file_contains "$NSBOOT_OUT" "--directory" "$opt output"
done

nsboot_run --version
assert_rc 0 "--version"
[[ -s $NSBOOT_OUT ]] || fail "--version printed nothing"
