#!/bin/bash
# --volatile=yes|state|overlay and --read-only: what the guest may write, where it goes (nowhere
# lasting), and that the tree is unchanged afterwards; --volatile=yes boots the Debian tree's
# systemd from a tmpfs root with only the tree's /usr.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

nsboot_has_option --volatile || skip "nsboot has no --volatile"

busybox_tree tree
echo original >"$tree/etc/marker"
before=$(tree_sum "$tree")
# try PATH: "PATH ok" or "PATH ro" for a write attempt.
probe='try() { if echo x 2>/dev/null >"$1"; then echo "$1 ok"; else echo "$1 ro"; fi; }
       try /etc/new; try /var/new; try /root/new; awk "\$5 == \"/\" { print \"root\", \$6, \$9 }" /proc/self/mountinfo'

for mode in $(userns_modes); do
        # shellcheck disable=SC2046 # userns_args prints zero or one word
        nsboot_run -D "$tree" --read-only $(userns_args "$mode") /bin/sh -c "$probe"
        assert_rc 0 "--read-only ($mode)"
        assert_contains "$(output)" "/etc/new ro" "a write to /etc with --read-only"
        assert_contains "$(output)" "/var/new ro" "a write to /var with --read-only"
        assert_match "$(output | grep ^root)" "^root ro" "the root mount with --read-only"

        # shellcheck disable=SC2046
        nsboot_run -D "$tree" --volatile=state $(userns_args "$mode") /bin/sh -c "$probe"
        assert_rc 0 "--volatile=state ($mode)"
        assert_contains "$(output)" "/etc/new ro" "a write to /etc with --volatile=state"
        assert_contains "$(output)" "/var/new ok" "a write to /var with --volatile=state"

        # shellcheck disable=SC2046
        nsboot_run -D "$tree" --volatile=overlay $(userns_args "$mode") /bin/sh -c "$probe"
        assert_rc 0 "--volatile=overlay ($mode)"
        assert_contains "$(output)" "/etc/new ok" "a write to /etc with --volatile=overlay"
        assert_match "$(output | grep ^root)" "^root rw.* overlay" "the root with --volatile=overlay"
        assert_eq "$before" "$(tree_sum "$tree")" "the tree after the --volatile runs ($mode)"
done

# --volatile=yes needs a tree whose OS is all in /usr: the Debian tree, booted (its /etc is empty:
# no first-boot questions on the console, which nobody answers here).
debian_tree deb
before=$(tree_sum "$deb")
for mode in $(userns_modes); do
        new_name name
        # shellcheck disable=SC2046
        nsboot_start -M "$name" -D "$deb" --volatile=yes $(userns_args "$mode") --private-network -b systemd.firstboot=off
        leader=$(leader_pid "$NSBOOT_PID" 60)
        wait_booted "$leader"
        minfo=$(in_guest "$leader" cat /proc/self/mountinfo)
        assert_match "$(awk '$5 == "/" { print $9 }' <<<"$minfo")" "^tmpfs$" "the root with --volatile=yes ($mode)"
        assert_match "$(awk '$5 == "/usr" { print $6 }' <<<"$minfo")" "^ro" "/usr with --volatile=yes ($mode)"
        in_guest "$leader" sh -c 'echo x >/etc/volatile-write' || fail "a write to /etc with --volatile=yes"
        kill -TERM "$NSBOOT_PID"
        nsboot_wait 60
        assert_rc 0 "poweroff with --volatile=yes ($mode)"
done
assert_eq "$before" "$(tree_sum "$deb")" "the Debian tree after --volatile=yes"
