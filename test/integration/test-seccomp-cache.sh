#!/bin/bash
# The compiled system call filters are kept in /run/nsboot/cache between starts (issue 14: building
# them was a tenth of a start). Seen from inside a busybox guest with test/fixtures/seccomp-probe:
# a start with an entry uses it and the guest is filtered exactly as without; every input of the
# filter (--system-call-filter, --private-users=no) has an entry of its own, so no start gets
# another policy's filter; an entry that is not root's, is writable by others or is cut short is not
# used, and the filter is built again; past 32 entries the oldest go. A start whose filters are
# cached does not load libseccomp at all (seen in the supervisor's /proc/PID/maps); one that
# builds them does.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

PROBE=$(fixture_binary seccomp-probe "${SECCOMP_PROBE:-}")
grep -q '^Seccomp:' /proc/self/status || skip "the kernel has no seccomp"
cache=/run/nsboot/cache

busybox_tree tree
install -m 0755 "$PROBE" "$tree/usr/bin/seccomp-probe"
printf 'nsboot.log-level = debug\n' >"$WORKDIR/debug.conf"

val() {
        sed -n "s/^$1=//p" "$NSBOOT_OUT" | tail -n 1
}

# probe WHAT OPTION...: a start with the debug log; sets $how to "built" or "loaded".
probe() {
        local what=$1
        shift
        nsboot_run --config="$WORKDIR/debug.conf" "$@" -D "$tree" /usr/bin/seccomp-probe keyctl sethostname basics
        assert_rc 0 "$what"
        assert_eq EPERM "$(val keyctl)" "$what: keyctl (refused by the default filter)"
        assert_eq ok "$(val basics)" "$what: everyday calls"
        if grep -q "system call filters loaded from $cache" "$NSBOOT_ERR"; then
                how=loaded
        elif grep -q "system call filters built in" "$NSBOOT_ERR"; then
                how=built
        else
                fail "$what: neither built nor loaded: $(cat "$NSBOOT_ERR")"
        fi
}

# entries: ours, by time and by the binary in their key (its size, "NSBSECC1 VERSION\0", then the
# binary's device and inode): other tests may start other builds of nsboot meanwhile.
entries() {
        find "$cache" -maxdepth 1 -name 'seccomp-*' -newer "$WORKDIR/debug.conf" 2>/dev/null | sort |
                python3 -c '
import os, struct, sys
exe = os.stat(sys.argv[1])
for path in sys.stdin.read().split():
    try:
        data = open(path, "rb").read(4096)
    except OSError:
        continue
    end = data.find(b"\0", 8)
    if end > 0 and data[end + 1:end + 17] == struct.pack("=QQ", exe.st_dev, exe.st_ino):
        print(path)' "$NSBOOT"
}

# Other machines' entries may be there (any start makes one): only ours are looked at, by time.
rm -f "$cache"/seccomp-*
sleep 0.01

log "the first start builds and keeps the filters"
probe "first start"
assert_eq built "$how" "the first start"
assert_eq ok "$(val sethostname)" "sethostname (allowed by default)"
mapfile -t e < <(entries)
assert_eq 1 "${#e[@]}" "entries after the first start"
assert_eq "root 600" "$(stat -c '%U %a' "${e[0]}")" "the entry's owner and mode"
assert_eq "root 700" "$(stat -c '%U %a' "$cache")" "the cache directory's owner and mode"

log "the next start uses them, and the guest is filtered the same"
probe "second start"
assert_eq loaded "$how" "the second start"
assert_eq ok "$(val sethostname)" "sethostname from the kept filters"

log "a cached start does not map libseccomp; a start that builds the filters does"
# seccomp_maps: a start with the guest sleeping; sets $maps to the count of libseccomp lines in the
# running supervisor's /proc/PID/maps.
seccomp_maps() {
        nsboot_start -D "$tree" /bin/sleep 3
        leader_pid "$NSBOOT_PID" >/dev/null
        maps=$(grep -c 'libseccomp' "/proc/$NSBOOT_PID/maps") || true
        nsboot_wait 30
        assert_rc 0 "a start with the guest sleeping"
}
seccomp_maps
assert_eq 0 "$maps" "libseccomp mappings of a supervisor whose filters were cached"
rm -f "$cache"/seccomp-*
seccomp_maps
((maps > 0)) || fail "a supervisor that built its filters has no libseccomp mapping (the test would not see one)"
probe "after the build"
assert_eq loaded "$how" "the entry the last start kept"
assert_not_contains "$(cat "$NSBOOT_ERR")" "Loaded libseccomp" "the debug log of a cached start"

log "another policy is another entry"
probe "~sethostname" --system-call-filter='~sethostname'
assert_eq built "$how" "a start with --system-call-filter=~sethostname"
assert_eq EPERM "$(val sethostname)" "sethostname with ~sethostname"
probe "~sethostname again" --system-call-filter='~sethostname'
assert_eq loaded "$how" "the same policy again"
assert_eq EPERM "$(val sethostname)" "sethostname with ~sethostname, kept"
probe "the default again"
assert_eq loaded "$how" "the default policy again"
assert_eq ok "$(val sethostname)" "sethostname: the default policy's entry, not the other's"
probe "privileged" --private-users=no
assert_eq built "$how" "--private-users=no (superblock checks)"
mapfile -t e < <(entries)
assert_eq 3 "${#e[@]}" "entries of three policies"

log "entries nsboot must not trust are built again"
rm -f "$cache"/seccomp-*
probe "fresh"
mapfile -t e < <(entries)
assert_eq 1 "${#e[@]}" "entries after a fresh start"
chmod 0620 "${e[0]}"
probe "group-writable entry"
assert_eq built "$how" "an entry writable by its group"
chown 65534 "${e[0]}" 2>/dev/null || fail "cannot chown the entry"
probe "entry not root's"
assert_eq built "$how" "an entry owned by another user"
probe "rewritten by root"
assert_eq loaded "$how" "the entry written again by the last start"
truncate -s 100 "${e[0]}"
probe "cut-short entry"
assert_eq built "$how" "an entry cut short"
assert_eq ok "$(val sethostname)" "sethostname after the cut-short entry"
size=$(stat -c %s "${e[0]}")
((size > 100)) || fail "the cut-short entry was not written again ($size bytes)"

log "past 32 entries, the oldest written go when one is written"
rm -f "$cache"/seccomp-*
for i in $(seq 40); do
        printf 'x' >"$cache/seccomp-old$i"
        chmod 0600 "$cache/seccomp-old$i"
        touch -d "2020-01-01 00:00:$i" "$cache/seccomp-old$i"
done
probe "with 40 old entries"
assert_eq built "$how" "a start with 40 foreign entries"
assert_eq 32 "$(find "$cache" -maxdepth 1 -name 'seccomp-*' | wc -l)" "entries kept"
mapfile -t e < <(entries)
assert_eq 1 "${#e[@]}" "the new entry among them"
for i in $(seq 9); do
        assert_file_not_exists "$cache/seccomp-old$i"
done
# The oldest went, not others (other tests' starts may have written entries meanwhile, so how many
# of the old ones are left may be fewer than 31).
kept=0
for i in $(seq 10 40); do
        if [[ -e $cache/seccomp-old$i ]]; then
                kept=$((kept + 1))
        else
                ((kept == 0)) || fail "seccomp-old$i went while an older entry stayed"
        fi
done
((kept > 0)) || fail "no old entry kept"
rm -f "$cache"/seccomp-old*
