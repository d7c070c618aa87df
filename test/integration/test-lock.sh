#!/bin/bash
# A tree or machine name that is in use cannot be started a second time; the refusal names the
# nsboot process that holds it, and the lock goes away with that process.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
other=""
busybox_tree other
name=$(basename "$tree")

boot_sleeping "$tree"
holder=$NSBOOT_PID

nsboot_run -M "${name}b" -D "$tree" /bin/true
assert_rc 1 "second start of the same tree under another name"
assert_file_contains "$NSBOOT_ERR" "$holder" "refusal names the holder's PID"

nsboot_run -M "$name" -D "$other" /bin/true
assert_rc 1 "second start of the same machine name on another tree"
assert_file_contains "$NSBOOT_ERR" "'$name'" "refusal names the machine"
assert_file_contains "$NSBOOT_ERR" "$holder" "refusal names the holder's PID"

kill -0 "$holder" || fail "the first nsboot died"
poweroff_guest

nsboot_run -D "$tree" /bin/true
assert_rc 0 "start after the first nsboot exited"

# -x, --volatile and --read-only never write to the tree: they share its lock, so many of them run
# on it at once, while a machine that writes to it (or a second one) waits for none of them.
lock=/run/nsboot/locks/tree-$(stat -c '%Hd:%Ld:%i' "$tree")
held() { python3 -c 'import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(0)
sys.exit(1)' "$1"; }

boot_sleeping "$tree" -x
eph_pid=$NSBOOT_PID
boot_sleeping "$tree" --read-only -M "${name}ro"
ro_pid=$NSBOOT_PID
kill -0 "$eph_pid" || fail "the -x machine died when a --read-only one started on its tree"
assert_file_exists "$lock" "the tree's shared lock"
held "$lock" || fail "nobody holds $lock"
assert_eq 0 "$(stat -c %s "$lock")" "a shared lock file holds no record"

nsboot_run -M "${name}v" --volatile=overlay -D "$tree" /bin/true
assert_rc 0 "a third machine that only reads the tree"
nsboot_run -M "${name}w" -D "$tree" /bin/true
assert_rc 1 "a machine that writes to the tree while others read it"
assert_file_contains "$NSBOOT_ERR" "is in use by machines that run it without writing to it" "refusal says why"
assert_file_exists "$lock" "the readers' lock after the writer's refusal"
# --volatile=state reads the tree, but --disk-quota writes its project IDs at the start: a writer.
nsboot_run -M "${name}q" --volatile=state --disk-quota=10M -D "$tree" /bin/true
assert_rc 1 "a --volatile=state machine with a disk quota while others read the tree"
assert_file_contains "$NSBOOT_ERR" "is in use by machines that run it without writing to it" "refusal of the quota's writes"

poweroff_guest # the --read-only one
NSBOOT_PID=$eph_pid
assert_file_exists "$lock" "the lock while the -x machine still runs"
held "$lock" || fail "the -x machine does not hold $lock any more"
poweroff_guest
assert_file_not_exists "$lock" "the last reader removes the shared lock file"

boot_sleeping "$tree"
holder=$NSBOOT_PID
nsboot_run -x -D "$tree" /bin/true
assert_rc 1 "-x on a tree that a machine writes to"
assert_file_contains "$NSBOOT_ERR" "$holder" "refusal names the writer's PID"
nsboot_run -M "${name}ro" --read-only -D "$tree" /bin/true
assert_rc 1 "--read-only on a tree that a machine writes to"
poweroff_guest
assert_file_not_exists "$lock" "the writer's lock file after it ended"

# A killed reader's lock file (no record, nobody holds it) is taken over by the next start.
boot_sleeping "$tree" -x
kill -KILL "$NSBOOT_PID"
timeout 10 tail --pid="$NSBOOT_PID" -f /dev/null
assert_file_exists "$lock" "a SIGKILLed reader leaves its lock file"
nsboot_run -D "$tree" /bin/true
assert_rc 0 "a writer after the last reader was killed"
assert_file_not_exists "$lock" "the stale shared lock file after the next start"
# The killed -x machine's own records and cgroups: the next -x start of the tree repairs them.
nsboot_run -x -D "$tree" /bin/true
assert_rc 0 "an -x start after a killed -x machine"
left=$(find /run/nsboot/machines -maxdepth 1 -name "$(basename "$tree")-*" 2>/dev/null)
assert_eq "" "$left" "records of the killed -x machine after the next -x start"

# nsboot --cleanup of one machine leaves another machine's lock file alone: it does not even lock
# it to look (a start of that machine meanwhile would find its file held and be refused). A read
# lease on the file sees every open() for writing, which the flock() needs.
new_name stranger
slock=/run/nsboot/locks/machine-$stranger
at_exit "rm -f '$slock'"
echo "999999 $stranger /nonexistent" >"$slock"
python3 - "$slock" "$NSBOOT" "$name" <<'EOF' || fail "nsboot --cleanup opened another machine's lock file to lock it"
import fcntl, os, signal, subprocess, sys
path, nsboot, name = sys.argv[1:]
broken = []
fd = os.open(path, os.O_RDONLY)
def on_break(signum, frame):
    broken.append(signum)
    fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
signal.signal(signal.SIGIO, on_break)
fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_RDLCK)
subprocess.run([nsboot, "--cleanup", "-M", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
sys.exit(1 if broken else 0)
EOF
assert_file_exists "$slock" "another machine's stale lock file after --cleanup"
