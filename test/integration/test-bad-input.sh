#!/bin/bash
# Bad command lines and unusable trees are refused with exit status 1 and a message, before
# anything is set up: no mount and no cgroup is left behind.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
no_init=""
busybox_tree no_init
rm "$no_init/sbin/init"
no_os_release=""
busybox_tree no_os_release
rm "$no_os_release/etc/os-release"
: >"$WORKDIR/a-file"

cgroups_now() {
        local root
        root=$(cgroup2_root) || return 0
        ls "$root/machine.slice" 2>/dev/null || true
}
cgroups_before=$(cgroups_now)

# refused WHAT NEEDLE -- ARGS...: nsboot ARGS must exit 1 with a message (containing NEEDLE,
# unless empty). Runs in a subshell so that every case is tried and all failures are listed.
bad=()
refused() {
        local what=$1 needle=$2
        shift 3
        if ! (
                nsboot_run "$@"
                assert_rc 1 "$what"
                [[ -s $NSBOOT_ERR ]] || fail "$what: no error message"
                [[ -z $needle ]] || assert_file_contains "$NSBOOT_ERR" "$needle" "$what: error message"
                assert_eq "$cgroups_before" "$(cgroups_now)" "$what: cgroups under machine.slice"
        ); then
                bad+=("$what")
        fi
        _RUN_SEQ=$((_RUN_SEQ + 1))
}

refused "no -D"                 ""                   -- /bin/true
refused "-D on a file"          ""                   -- -D "$WORKDIR/a-file" /bin/true
refused "-D on a missing path"  ""                   -- -D "$WORKDIR/missing" /bin/true
refused "-D /"                  ""                   -- -D / /bin/true
refused "unknown option"        "--no-such-option"   -- --no-such-option -D "$tree" /bin/true
refused "invalid console mode"  "--console"          -- --console=foo -D "$tree" /bin/true
refused "-u with -b"            ""                   -- -u root -D "$tree" -b
refused "relative --chdir"      "--chdir"            -- --chdir=tmp -D "$tree" /bin/true
refused "invalid --uuid"        "--uuid"             -- --uuid=not-a-uuid -D "$tree" /bin/true
refused "invalid --kill-signal" "--kill-signal"      -- --kill-signal=SIGNOPE -D "$tree" /bin/true
refused "-b without an init"    ""                   -- -D "$no_init" -b
refused "-b without os-release" ""                   -- -D "$no_os_release" -b

long=$(printf 'a%.0s' {1..65})
for name in "" . .. .hidden -dash "a..b" "a/b" "with space" "$long" "caf$(printf '\303\251')"; do
        refused "machine name '$name'" "" -- -M "$name" -D "$tree" /bin/true
done

((${#bad[@]} == 0)) || fail "not refused as they should be: $(printf '[%s] ' "${bad[@]}")"

# The longest valid name, and the other allowed characters, are accepted.
nsboot_run -M "${long:1}" -D "$tree" /bin/true
assert_rc 0 "64-character machine name"
nsboot_run -M "A-b_c.9" -D "$tree" /bin/true
assert_rc 0 "machine name A-b_c.9"
