#!/bin/bash
# nsbootctl rename SIGKILLed at its two kill points (NSBOOT_TEST_PAUSE stops it there): after the
# tree moved but before the config file did, the next nsbootctl on the old name (rename again) or
# on the new one (remove) puts everything back first, tree, config file and log; after the commit
# (new config written; old one not yet removed, /etc/hostname in the tree not yet set), the next
# nsbootctl on the old name finishes it, /etc/hostname included.
# nsboot -M of either name repairs first as well, so that it never boots a half-renamed machine.
# Then clone SIGKILLed with its copy, config file and side file made, before the copy is in place:
# the next clone removes them and clones. No journal and no lock file is left.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init
require_cmd python3

M=/var/lib/machines
mkdir -p /etc/nsboot /var/log/nsboot "$M"

forget() {
        at_exit "rm -f '/etc/nsboot/$1.conf' '/var/log/nsboot/$1.log' '$M/.nsbootctl-rename-$1' '$M/.nsbootctl-rename-$1.tmp'; rm -rf --one-file-system '$M/$1'"
}

# stopped PID: the process is stopped (SIGSTOP).
# shellcheck disable=SC2317 # called through retry
stopped() {
        [[ $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) == T* ]]
}

# paused POINT VERB NAME NEWNAME: nsbootctl VERB (rename or clone) stopped at POINT, then SIGKILLed.
paused() {
        local pid
        NSBOOT_TEST_PAUSE=$1 "$CTL" "$2" "$3" "$4" &
        pid=$!
        at_exit "_kill_if_alive $pid"
        retry 20 stopped "$pid" || fail "$2 $3 $4 never stopped at $1"
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null || true
}

# is_machine NAME ID: NAME is a whole machine: its tree (with ID as its machine ID and NAME as its
# host name), config file and log.
is_machine() {
        assert_eq "$2" "$(cat "$M/$1/etc/machine-id" 2>/dev/null)" "the tree of $1"
        assert_eq "$1" "$(cat "$M/$1/etc/hostname" 2>/dev/null)" "the host name in the tree of $1"
        assert_file_contains "/etc/nsboot/$1.conf" "nsboot.boot = yes"
        assert_file_exists "/var/log/nsboot/$1.log" "the log of $1"
}

# no_machine NAME: nothing of NAME.
no_machine() {
        assert_file_not_exists "$M/$1" "the tree of $1"
        assert_file_not_exists "/etc/nsboot/$1.conf" "the config of $1"
        assert_file_not_exists "/var/log/nsboot/$1.log" "the log of $1"
}

# no_leftovers NAME...: no journal, no lock file.
no_leftovers() {
        local n
        assert_eq "" "$(find "$M" -maxdepth 1 -name '.nsbootctl-rename-*')" "rename journals"
        for n in "$@"; do
                assert_file_not_exists "/run/nsboot/locks/machine-$n" "the lock file of $n"
        done
        assert_file_not_exists "/run/nsboot/locks/$tree_lock" "the lock file of the tree"
}

bb="" a="" b="" c=""
busybox_tree bb
new_name a
new_name b
new_name c
for n in "$a" "$b" "$c"; do
        forget "$n"
done
cp -a "$bb" "$M/$a"
set_machine_id "$M/$a" fresh
id=$(cat "$M/$a/etc/machine-id")
echo "$a" >"$M/$a/etc/hostname"
tree_lock=$(python3 -c 'import os, sys; s = os.stat(sys.argv[1]); print(f"tree-{os.major(s.st_dev)}:{os.minor(s.st_dev)}:{s.st_ino}")' "$M/$a")
printf 'nsboot.boot = yes\n' >"/etc/nsboot/$a.conf"
echo log >"/var/log/nsboot/$a.log"

# --- Killed after the tree moved: the next rename of the old name puts it back, then renames.
paused rename-moved rename "$a" "$b"
assert_file_exists "$M/$b" "the tree moved before the kill"
assert_file_exists "/etc/nsboot/$a.conf" "the old config at the kill"
assert_file_exists "/run/nsboot/locks/machine-$a" "the lock file of the killed rename"
out=$(ctl rename "$a" "$b" 2>&1) || fail "rename after a killed one failed: $out"
log "rename after a killed one: $out"
is_machine "$b" "$id"
no_machine "$a"
no_leftovers "$a" "$b"

# --- The same kill, then the new name: remove finds no machine, having put the old one back.
paused rename-moved rename "$b" "$a"
out=$(ctl remove "$a" 2>&1) && fail "remove of a machine whose rename was undone succeeded"
log "remove after a killed rename: $out"
assert_contains "$out" "Undid the rename of machine '$b' to '$a'"
is_machine "$b" "$id"
no_machine "$a"
no_leftovers "$a" "$b"

# --- Killed after the commit: both config files; the next nsbootctl on the old name finishes it.
paused rename-committed rename "$b" "$a"
assert_file_exists "/etc/nsboot/$b.conf" "the old config at the kill"
assert_file_exists "/etc/nsboot/$a.conf" "the new config at the kill"
out=$(ctl remove "$b" 2>&1) && fail "remove of a renamed machine's old name succeeded"
log "remove after a committed rename: $out"
assert_contains "$out" "Finished the rename of machine '$b' to '$a'"
is_machine "$a" "$id"
no_machine "$b"
no_leftovers "$a" "$b"

# --- nsboot -M itself repairs first, as nsbootctl does: killed after the tree moved, the old name
# has its tree again (and boots); killed after the commit, the new name boots a whole machine.
paused rename-moved rename "$a" "$b"
nsboot_run -M "$a"
assert_rc 0 "nsboot -M of the old name after a killed rename"
assert_contains "$(cat "$NSBOOT_ERR")" "Undid the rename of machine '$a' to '$b'"
is_machine "$a" "$id"
no_machine "$b"
no_leftovers "$a" "$b"
paused rename-committed rename "$a" "$b"
nsboot_run -M "$b"
assert_rc 0 "nsboot -M of the new name after a rename killed after its commit"
assert_contains "$(cat "$NSBOOT_ERR")" "Finished the rename of machine '$a' to '$b'"
is_machine "$b" "$id"
no_machine "$a"
no_leftovers "$a" "$b"
ctl rename "$b" "$a" || fail "rename back"

# --- enable repairs first too: of the new name, whose config the undo would remove, enable and all.
paused rename-moved rename "$a" "$b"
out=$(ctl enable "$b" 2>&1) && fail "enable of the new name of a killed rename succeeded: $out"
assert_contains "$out" "Undid the rename of machine '$a' to '$b'"
assert_contains "$out" "No machine '$b'"
is_machine "$a" "$id"
no_machine "$b"
no_leftovers "$a" "$b"

# --- clone killed once its copy, config file and side file are made, before the copy is in place:
# the next clone of the same names removes them first, and clones.
[[ -d /etc/systemd/nspawn ]] || at_exit "rmdir /etc/systemd/nspawn 2>/dev/null"
mkdir -p /etc/systemd/nspawn
echo '[Exec]' >"/etc/systemd/nspawn/$a.nspawn"
at_exit "rm -f '/etc/systemd/nspawn/$a.nspawn' '/etc/systemd/nspawn/$c.nspawn'; rm -rf --one-file-system '$M/.$c.partial'"
paused clone-copied clone "$a" "$c"
assert_file_exists "$M/.$c.partial" "the killed clone's copy"
assert_file_exists "/etc/nsboot/$c.conf" "the killed clone's config file"
assert_file_exists "/etc/systemd/nspawn/$c.nspawn" "the killed clone's side file"
out=$(ctl clone "$a" "$c" 2>&1) || fail "clone after a killed one failed: $out"
log "clone after a killed one: $out"
assert_contains "$out" "Undid the clone of machine '$a' to '$c'"
assert_file_contains "/etc/nsboot/$c.conf" "nsboot.boot = yes"
assert_file_exists "/etc/systemd/nspawn/$c.nspawn" "the clone's side file"
assert_ne "$id" "$(cat "$M/$c/etc/machine-id")" "the clone's machine ID"
assert_file_not_exists "$M/.$c.partial" "the partial copy after the clone"
is_machine "$a" "$id"
no_leftovers "$a" "$c"
ctl remove "$a" "$c"
assert_file_not_exists "$M/$a" "the tree after remove"
exit 0
