#!/bin/bash
# --link-journal=guest: the host's /var/log/journal/ID links to the guest's journal, so the host's
# journalctl reads what the guest logs; =host: the host's directory is bound into the guest;
# try-host does the same as host when it can; auto binds only a host directory that exists already;
# without a machine ID guest fails and the try- modes quietly do nothing (the command still runs).
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

# probe MODE: run a command in the tree with --link-journal=MODE; it prints "bound" if the host's
# journal directory is mounted on the guest's, leaves a file there, and prints "ran".
probe() {
        nsboot_run -q -D "$tree" --link-journal="$1" /bin/sh -c \
                "grep -q ' /var/log/journal/$id ' /proc/self/mountinfo && echo bound
                 echo $msg >/var/log/journal/$id/nsbt-probe 2>/dev/null; echo ran"
}

# auto: nothing while the host has no directory for the machine ID...
probe auto
assert_rc 0
assert_eq ran "$(output)" "auto without the host's directory"
assert_file_not_exists "/var/log/journal/$id" "auto created something on the host"
# ... and the host's directory bound into the guest once there is one.
mkdir "/var/log/journal/$id"
probe auto
assert_rc 0
assert_eq $'bound\nran' "$(output)" "auto with the host's directory"
assert_file_contains "/var/log/journal/$id/nsbt-probe" "$msg" "auto: the guest wrote into the host's directory"
rm -rf "/var/log/journal/$id"
# try-host: like host when it can.
probe try-host
assert_rc 0
assert_eq $'bound\nran' "$(output)" "try-host with a machine ID"
assert_file_contains "/var/log/journal/$id/nsbt-probe" "$msg" "try-host: the guest wrote into the host's directory"
rm -rf "/var/log/journal/$id"

# Without a machine ID: guest and host refused with a reason; try-guest and try-host quietly
# nothing, and the command runs.
set_machine_id "$tree" empty
journals_before=$(ls -A /var/log/journal)
for mode in guest host; do
        nsboot_run -D "$tree" --link-journal=$mode /bin/sh -c 'echo ran'
        assert_rc 1 "--link-journal=$mode without a machine ID"
        assert_file_contains "$NSBOOT_ERR" "no machine ID" "reason ($mode)"
        assert_eq "" "$(output)" "the command ran although --link-journal=$mode failed"
done
for mode in try-guest try-host; do
        probe $mode
        assert_rc 0 "--link-journal=$mode without a machine ID"
        assert_eq ran "$(output)" "--link-journal=$mode without a machine ID"
        assert_file_not_contains "$NSBOOT_ERR" "link-journal" "$mode is quiet"
done
assert_eq "$journals_before" "$(ls -A /var/log/journal)" "the host's /var/log/journal after the try- modes"
exit 0
