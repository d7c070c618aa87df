#!/bin/bash
# nsbootctl rename SIGKILLed at its two kill points (NSBOOT_TEST_PAUSE stops it there): after the
# tree moved but before the config file did, the next nsbootctl on the old name (rename again) or
# on the new one (remove) puts everything back first, tree, config file and log; after the commit
# (new config written, old one not yet removed), the next nsbootctl on the old name finishes it.
# No journal and no lock file is left.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

CTL=${NSBOOTCTL:-$(dirname "$NSBOOT")/nsbootctl}
[[ -x $CTL ]] || fail "no nsbootctl at $CTL"
require_cmd python3

ctl() {
        timeout -k 5 60 "$CTL" "$@"
}

M=/var/lib/machines
mkdir -p /etc/nsboot /var/log/nsboot "$M"

forget() {
        at_exit "rm -f '/etc/nsboot/$1.conf' '/var/log/nsboot/$1.log' '$M/.nsbootctl-rename-$1' '$M/.nsbootctl-rename-$1.tmp'; rm -rf --one-file-system '$M/$1'"
}

# stopped PID: the process is stopped (SIGSTOP).
stopped() {
        [[ $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) == T* ]]
}

# paused_rename POINT NAME NEWNAME: nsbootctl rename stopped at POINT, then SIGKILLed.
paused_rename() {
        local pid
        NSBOOT_TEST_PAUSE=$1 "$CTL" rename "$2" "$3" &
        pid=$!
        at_exit "_kill_if_alive $pid"
        retry 20 stopped "$pid" || fail "rename $2 $3 never stopped at $1"
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null || true
}

# is_machine NAME ID: NAME is a whole machine: its tree (with ID as its machine ID), config file and log.
is_machine() {
        assert_eq "$2" "$(cat "$M/$1/etc/machine-id" 2>/dev/null)" "the tree of $1"
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

bb="" a="" b=""
busybox_tree bb
new_name a
new_name b
for n in "$a" "$b"; do
        forget "$n"
done
cp -a "$bb" "$M/$a"
set_machine_id "$M/$a" fresh
id=$(cat "$M/$a/etc/machine-id")
tree_lock=$(python3 -c 'import os, sys; s = os.stat(sys.argv[1]); print(f"tree-{os.major(s.st_dev)}:{os.minor(s.st_dev)}:{s.st_ino}")' "$M/$a")
printf 'nsboot.boot = yes\n' >"/etc/nsboot/$a.conf"
echo log >"/var/log/nsboot/$a.log"

# --- Killed after the tree moved: the next rename of the old name puts it back, then renames.
paused_rename rename-moved "$a" "$b"
assert_file_exists "$M/$b" "the tree moved before the kill"
assert_file_exists "/etc/nsboot/$a.conf" "the old config at the kill"
assert_file_exists "/run/nsboot/locks/machine-$a" "the lock file of the killed rename"
out=$(ctl rename "$a" "$b" 2>&1) || fail "rename after a killed one failed: $out"
log "rename after a killed one: $out"
is_machine "$b" "$id"
no_machine "$a"
no_leftovers "$a" "$b"

# --- The same kill, then the new name: remove finds no machine, having put the old one back.
paused_rename rename-moved "$b" "$a"
out=$(ctl remove "$a" 2>&1) && fail "remove of a machine whose rename was undone succeeded"
log "remove after a killed rename: $out"
assert_contains "$out" "Undid the rename of machine '$b' to '$a'"
is_machine "$b" "$id"
no_machine "$a"
no_leftovers "$a" "$b"

# --- Killed after the commit: both config files; the next nsbootctl on the old name finishes it.
paused_rename rename-committed "$b" "$a"
assert_file_exists "/etc/nsboot/$b.conf" "the old config at the kill"
assert_file_exists "/etc/nsboot/$a.conf" "the new config at the kill"
out=$(ctl remove "$b" 2>&1) && fail "remove of a renamed machine's old name succeeded"
log "remove after a committed rename: $out"
assert_contains "$out" "Finished the rename of machine '$b' to '$a'"
is_machine "$a" "$id"
no_machine "$b"
no_leftovers "$a" "$b"
ctl remove "$a"
assert_file_not_exists "$M/$a" "the tree after remove"
exit 0
