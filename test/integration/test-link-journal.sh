#!/bin/bash
# --link-journal=guest: the host's /var/log/journal/ID links to the guest's journal, so the host's
# journalctl reads what the guest logs; =host: the host's directory is bound into the guest.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd journalctl
debian_tree tree
id=$(cat "$tree/etc/machine-id")
[[ $id =~ ^[0-9a-f]{32}$ ]] || fail "the tree has no machine ID ('$id')"
[[ -e /var/log/journal/$id ]] && fail "/var/log/journal/$id exists already"
at_exit "rm -rf '/var/log/journal/$id'"
msg="nsboot-link-journal-test-$$"

for mode in guest host; do
        nsboot_start -D "$tree" -b --link-journal=$mode
        LEADER=$(leader_pid "$NSBOOT_PID")
        wait_booted "$LEADER"
        in_guest "$LEADER" sh -c "echo '$msg-$mode' | systemd-cat -t nsboot-test && journalctl --flush" ||
                fail "logging in the guest failed"
        case $mode in
        guest)
                [[ -L /var/log/journal/$id ]] || fail "no symlink /var/log/journal/$id on the host"
                assert_eq "$tree/var/log/journal/$id" "$(readlink "/var/log/journal/$id")" "symlink target"
                ;;
        host)
                [[ -d /var/log/journal/$id && ! -L /var/log/journal/$id ]] || fail "no host directory for $id"
                assert_match "$(in_guest "$LEADER" cat /proc/self/mountinfo)" " /var/log/journal/$id " \
                        "the host's directory bound into the guest"
                ;;
        esac
        retry 20 sh -c "journalctl --directory='/var/log/journal/$id' -o cat | grep -q '$msg-$mode'" ||
                fail "the host's journalctl does not show the guest's message ($mode)"
        in_guest "$LEADER" systemctl poweroff
        nsboot_wait 60
        assert_rc 0
        rm -rf "/var/log/journal/$id"
done

# guest without a machine ID: refused with a reason; try-guest: quietly nothing.
set_machine_id "$tree" empty
nsboot_run -D "$tree" --link-journal=guest /bin/true
assert_rc 1
assert_file_contains "$NSBOOT_ERR" "no machine ID" "reason"
nsboot_run -D "$tree" --link-journal=try-guest /bin/true
assert_rc 0
exit 0
