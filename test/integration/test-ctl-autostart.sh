#!/bin/bash
# nsbootctl autostart (lxc-autostart) and the init scripts of hosts without systemd: the machines
# with lxc.start.auto start, in lxc.start.order, lxc.start.delay apart, each with the config file
# that says so; the others, and one whose file has errors, do not; a name in an earlier config
# directory hides the same name in a later one; a second autostart leaves running machines alone.
# units/nsboot.init stop stops every running machine (side by side) and start brings the autostart
# ones back. The config directories are the test's own ($NSBOOT_CONFIG_PATH).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

ctl_init
INIT=$BUILDDIR/units/nsboot.init
[[ -f $INIT ]] || fail "no init script at $INIT"
[[ ! -d /run/systemd/system ]] || skip "systemd runs this host: autostart starts nsboot@.service (test-vm-machined)"

export NSBOOT_CONFIG_PATH=$WORKDIR/etc1:$WORKDIR/etc2
mkdir -p "$WORKDIR/etc1" "$WORKDIR/etc2"

busybox_tree tree_a
busybox_tree tree_b
busybox_tree tree_c
new_name a
new_name b
new_name c
new_name e
for m in "$a" "$b" "$c" "$e"; do
        stop_at_exit "$m"
        at_exit "rm -f '/var/log/nsboot/$m.log'"
done
printf '%s\n' "nsboot.directory = $tree_a" "nsboot.parameters = sleep" "lxc.start.auto = 1" "lxc.start.order = 2" \
        >"$WORKDIR/etc1/$a.conf"
printf '%s\n' "nsboot.directory = $tree_b" "nsboot.parameters = sleep" "lxc.start.auto = 1" "lxc.start.order = 1" \
        "lxc.start.delay = 2" >"$WORKDIR/etc1/$b.conf"
printf '%s\n' "nsboot.directory = $tree_c" "nsboot.parameters = sleep" >"$WORKDIR/etc1/$c.conf"
# hidden by etc1's: would not start (no such tree)
printf '%s\n' "nsboot.directory = $WORKDIR/nonexistent" "lxc.start.auto = 1" >"$WORKDIR/etc2/$a.conf"
# errors: left out with a warning
printf '%s\n' "nsboot.directory = $tree_c" "lxc.start.auto = 1" "nsboot.frobnicate = 1" >"$WORKDIR/etc2/$e.conf"

out=$(ctl autostart 2>&1) || fail "nsbootctl autostart failed: $out"
echo "$out"
assert_contains "$out" "Machine '$b' started" "autostart of $b"
assert_contains "$out" "Machine '$a' started" "autostart of $a"
assert_contains "$out" "$WORKDIR/etc2/$e.conf has errors, not starting machine '$e'" "the file with errors"
assert_file_exists "/run/nsboot/machines/$a.state"
assert_file_exists "/run/nsboot/machines/$b.state"
assert_file_not_exists "/run/nsboot/machines/$c.state" "a machine without lxc.start.auto"
assert_file_not_exists "/run/nsboot/machines/$e.state" "a machine whose file has errors"
# lxc.start.order: b first; lxc.start.delay: a at least 2 s after b's init ran.
start_a=$(sed -n 's/^START=//p' "/run/nsboot/machines/$a.state")
start_b=$(sed -n 's/^START=//p' "/run/nsboot/machines/$b.state")
((start_a - start_b >= 1900000)) || fail "$a started $(((start_a - start_b) / 1000)) ms after $b, not after its delay"
# each with the file that said so (etc1's, not etc2's)
assert_contains "$(tr '\0' ' ' <"/proc/$(supervisor_of "$a")/cmdline")" "--config=$WORKDIR/etc1/$a.conf" "$a's config file"

out=$(ctl autostart 2>&1) || fail "a second autostart failed: $out"
assert_contains "$out" "Machine '$a' is running already." "a second autostart"
pid_a=$(supervisor_of "$a")

# The init script of a host without systemd. stop stops every running machine: only when ours are
# the only ones here (another test's machine must not be stopped).
others=$(ctl list | awk -v a="$a" -v b="$b" 'NR > 1 && NF && $1 != a && $1 != b')
if [[ -z $others ]]; then
        NSBOOTCTL=$CTL NSBOOT_STOP_TIMEOUT=30 timeout 60 sh "$INIT" stop || fail "the init script's stop failed"
        wait_pid_exit "$pid_a" 10 || fail "$a still runs after the init script's stop"
        assert_file_not_exists "/run/nsboot/machines/$a.state" "$a after the init script's stop"
        assert_file_not_exists "/run/nsboot/machines/$b.state" "$b after the init script's stop"
else
        log "other machines run here ($others): stopping ours by name instead of the init script's stop --all"
        ctl stop "$a" "$b" || fail "stop failed"
fi
NSBOOTCTL=$CTL timeout 60 sh "$INIT" start || fail "the init script's start failed"
assert_file_exists "/run/nsboot/machines/$a.state" "$a after the init script's start"
assert_file_exists "/run/nsboot/machines/$b.state" "$b after the init script's start"
assert_contains "$(NSBOOTCTL=$CTL sh "$INIT" status)" "$a" "the init script's status"
ctl stop "$a" "$b" || fail "stop failed"

out=$(ctl stop --all "$a" 2>&1) && fail "stop --all with a name passed"
assert_contains "$out" "stop takes machine names or --all, not both"
exit 0
