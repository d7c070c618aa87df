#!/bin/bash
# nsbootctl create and remove. A Debian bookworm machine made by debootstrap (once per version of
# the create code, cached under /var/cache/nsboot/trees like the test tree: it takes minutes on a
# loaded machine) boots to "running"; a machine imported from a tarball every time, with its
# machine ID, host name, root password and config file checked, progress on a terminal and
# silence in a script; failures leave neither a tree nor a config file; remove refuses a running
# machine and deletes a stopped one.
# nsboot-test-timeout: 2400
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init
require_cmd debootstrap python3 tar script
# shellcheck source=test/lib/ctl-create.sh
. "$SRCDIR/test/lib/ctl-create.sh"

assert_nothing_of() {
        assert_file_not_exists "$MACHINES/$1" "tree of the failed create"
        assert_file_not_exists "$MACHINES/.$1.partial" "partial tree of the failed create"
        assert_file_not_exists "/etc/nsboot/$1.conf" "config of the failed create"
}

# password_ok HASH PASSWORD: whether HASH is PASSWORD's crypt(3) hash.
password_ok() {
        python3 -W ignore -c 'import crypt, sys; sys.exit(crypt.crypt(sys.argv[2], sys.argv[1]) != sys.argv[1])' "$1" "$2"
}

# --- The Debian machine, built by debootstrap once per version of the create code.
ctl_create_cached cache debootstrap --release=bookworm --hostname=webhost --root-password=s3cret
assert_file_contains "$cache/.nsbootctl-create.conf" "nsboot.hostname = webhost"
assert_eq webhost "$(cat "$cache/etc/hostname")" "host name of the created tree"
assert_match "$(cat "$cache/etc/machine-id")" '^[0-9a-f]{32}$' "machine ID of the created tree"
root_hash=$(awk -F: '$1 == "root" { print $2 }' "$cache/etc/shadow")
assert_match "$root_hash" '^\$y\$' "root's password is a yescrypt hash"
password_ok "$root_hash" s3cret || fail "root's password hash is not that of the given password"
! password_ok "$root_hash" wrong || fail "root's password hash matches a wrong password"

# It boots to running.
ctl_boot_running "$cache"
assert_eq webhost "$(ctl enter "$CTL_BOOTED" hostname)" "host name inside"
ctl_stop_booted

# --- A machine from a tarball: every step but debootstrap, every time.
busybox_tree bb
tar -C "$bb" -czf "$WORKDIR/bb.tar.gz" .
old_id=$(cat "$bb/etc/machine-id" 2>/dev/null || true)
new_name imported
forget "$imported"
out=$(ctl create "$imported" --from="$WORKDIR/bb.tar.gz" 2>&1) || fail "create --from failed: $out"
assert_eq "" "$out" "create in a script prints nothing"
assert_file_exists "$MACHINES/$imported/sbin/init"
assert_eq "$(stat -c %a "$bb/root")" "$(stat -c %a "$MACHINES/$imported/root")" "permissions kept"
assert_eq "$imported" "$(cat "$MACHINES/$imported/etc/hostname")" "host name defaults to the machine name"
id=$(cat "$MACHINES/$imported/etc/machine-id")
assert_match "$id" '^[0-9a-f]{32}$' "machine ID"
assert_ne "$old_id" "$id" "a fresh machine ID"
assert_eq "" "$(awk -F: '$1 == "root" { print $2 }' "$MACHINES/$imported/etc/shadow")" "empty root password"
assert_file_contains "/etc/nsboot/$imported.conf" "nsboot.boot = yes"
# It starts by name, from its config file; remove refuses it while it runs.
nsboot_start -M "$imported" sleep
wait_output '^NSBOOT-TEST: ready=1'
out=$(ctl remove "$imported" 2>&1) && fail "remove of a running machine succeeded"
assert_contains "$out" "already running"
assert_file_exists "$MACHINES/$imported/sbin/init"
ctl stop "$imported"
nsboot_wait 10
ctl remove "$imported"
assert_file_not_exists "$MACHINES/$imported" "tree after remove"
assert_file_not_exists "/etc/nsboot/$imported.conf" "config after remove"

# Progress on a terminal: the steps.
new_name shown
forget "$shown"
out=$(timeout 60 script -qec "$(printf '%q ' "$CTL" create "$shown" --from="$WORKDIR/bb.tar.gz")" /dev/null | sed 's/\r//g; s/\x1b\[[0-9;?]*[A-Za-z]//g') ||
        fail "create on a terminal failed: $out"
grep -q "^\[1\] Unpacking $WORKDIR/bb.tar.gz" <<<"$out" || fail "no step shown on the terminal: $out"
grep -q "Created machine '$shown'" <<<"$out" || fail "no success line on the terminal: $out"
ctl remove "$shown"

# --- Failures leave nothing behind.
new_name bad
forget "$bad"
# A mirror that refuses connections, on this machine.
out=$(CTL_TIMEOUT=120 ctl create "$bad" --mirror=http://127.0.0.1:9/debian 2>&1) && fail "create from a dead mirror succeeded"
assert_contains "$out" "debootstrap failed"
assert_nothing_of "$bad"
out=$(ctl create "$bad" --release=nosuchrelease 2>&1) && fail "create of an unknown release succeeded"
assert_contains "$out" "--release=nosuchrelease"
assert_nothing_of "$bad"
mkdir -p "$WORKDIR/notos/etc"
tar -C "$WORKDIR/notos" -cf "$WORKDIR/notos.tar" .
out=$(ctl create "$bad" --from="$WORKDIR/notos.tar" 2>&1) && fail "create from a tarball without an OS succeeded"
assert_contains "$out" "not an OS tree"
assert_nothing_of "$bad"
out=$(ctl create "$bad" --from="$WORKDIR/nosuchfile.tar" 2>&1) && fail "create from a missing file succeeded"
assert_contains "$out" "--from=$WORKDIR/nosuchfile.tar"
assert_nothing_of "$bad"
out=$(ctl create ../etc 2>&1) && fail "create with a bad name succeeded"
assert_contains "$out" "not a valid machine name"
mkdir -p "$MACHINES/$bad"
out=$(ctl create "$bad" --from="$WORKDIR/bb.tar.gz" 2>&1) && fail "create over an existing machine succeeded"
assert_contains "$out" "exists already"
rmdir "$MACHINES/$bad"
out=$(ctl remove "$bad" 2>&1) && fail "remove of a machine that does not exist succeeded"
assert_contains "$out" "No machine '$bad'"
exit 0
