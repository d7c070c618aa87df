#!/bin/bash
# --suppress-sync (nsboot.suppress-sync), as systemd-nspawn's: in both modes sync(), fsync() and the
# like return 0 at once in the guest. The probe is fsync() on /dev/null, which the kernel refuses
# (EINVAL) unless the filter answers first: busybox dd conv=fsync fails without the option and
# succeeds with it. A call --system-call-filter denies keeps its EPERM. From a config file; and a
# booted systemd guest runs with it, its services too (they inherit PID 1's filter).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

busybox_tree tree
probe='dd if=/dev/zero of=/dev/null count=1 conv=fsync 2>/dev/null; echo "fsync=$?"'
for mode in $(userns_modes); do
        # shellcheck disable=SC2046 # userns_args prints zero or one word
        nsboot_run -D "$tree" $(userns_args "$mode") /bin/sh -c "$probe"
        assert_eq "fsync=1" "$(tr -d '\r' <"$NSBOOT_OUT")" "fsync(/dev/null) fails without --suppress-sync ($mode)"
        # shellcheck disable=SC2046
        nsboot_run -D "$tree" $(userns_args "$mode") --suppress-sync /bin/sh -c "$probe; sync; echo sync=\$?"
        assert_eq "fsync=0"$'\n'"sync=0" "$(tr -d '\r' <"$NSBOOT_OUT")" "--suppress-sync ($mode)"
done
# The deny list in the same filter as the argument checks (default mode), and in one of its own
# (--private-users=no also denies the mount calls its superblock checks look at).
for mode in $(userns_modes); do
        # shellcheck disable=SC2046
        nsboot_run -D "$tree" $(userns_args "$mode") --suppress-sync --system-call-filter='~fsync' /bin/sh -c "$probe"
        assert_rc 0 "--suppress-sync with fsync denied ($mode)"
        assert_eq "fsync=1" "$(tr -d '\r' <"$NSBOOT_OUT")" "a denied fsync() keeps its error ($mode)"
done
nsboot_run -D "$tree" --suppress-sync=no /bin/sh -c "$probe"
assert_eq "fsync=1" "$(tr -d '\r' <"$NSBOOT_OUT")" "--suppress-sync=no"
nsboot_run -D "$tree" --suppress-sync=maybe /bin/true
assert_rc 1 "--suppress-sync=maybe"
assert_file_contains "$NSBOOT_ERR" "--suppress-sync: invalid value 'maybe' (expected yes or no)"

deb=""
debian_tree deb
printf 'nsboot.suppress-sync = yes\n' >"$WORKDIR/sync.conf"
nsboot_start -D "$deb" --config="$WORKDIR/sync.conf" --private-network -b
leader=$(leader_pid "$NSBOOT_PID" 60)
wait_booted "$leader"
assert_no_failed_units "$leader"
out=$(in_guest "$leader" systemd-run --wait -q -P /bin/sh -c "$probe")
assert_eq "fsync=0" "$out" "a service of the booted guest"
in_guest "$leader" systemctl poweroff || true
nsboot_wait 60
assert_rc 0 "exit status after poweroff"
exit 0
