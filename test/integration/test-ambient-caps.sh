#!/bin/bash
# --ambient-capability (nsboot.ambient-capability), as systemd-nspawn's: the command gets these
# capabilities in its inheritable and ambient sets, so they survive its execve() and its
# children's, also as an unprivileged --user (who can then chown, which it cannot without). Only
# capabilities the guest keeps: another is refused naming it, as are "all" and --boot; in both
# modes.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

busybox_tree tree
probe='grep CapAmb /proc/self/status | cut -f2; touch /tmp/f; chown 1:1 /tmp/f 2>/dev/null && echo chowned; sh -c "grep CapAmb /proc/self/status" | cut -f2'
for mode in $(userns_modes); do
        # shellcheck disable=SC2046 # userns_args prints zero or one word
        nsboot_run -D "$tree" $(userns_args "$mode") -u nobody /bin/sh -c "$probe"
        assert_eq "0000000000000000"$'\n'"0000000000000000" "$(tr -d '\r' <"$NSBOOT_OUT")" "nobody without ($mode)"
        # shellcheck disable=SC2046
        nsboot_run -D "$tree" $(userns_args "$mode") -u nobody --ambient-capability=CAP_CHOWN,kill /bin/sh -c "$probe"
        assert_rc 0 "--ambient-capability for nobody ($mode)"
        assert_eq "0000000000000021"$'\n'"chowned"$'\n'"0000000000000021" "$(tr -d '\r' <"$NSBOOT_OUT")" \
                "nobody with chown and kill, and its child ($mode)"
        # shellcheck disable=SC2046
        nsboot_run -D "$tree" $(userns_args "$mode") --ambient-capability=chown /bin/sh -c 'grep CapAmb /proc/self/status | cut -f2'
        assert_eq "0000000000000001" "$(tr -d '\r' <"$NSBOOT_OUT")" "root's command with chown ($mode)"
done
printf 'nsboot.ambient-capability = cap_chown\n' >"$WORKDIR/amb.conf"
nsboot_run -D "$tree" --config="$WORKDIR/amb.conf" -u nobody /bin/sh -c "$probe"
assert_contains "$(tr -d '\r' <"$NSBOOT_OUT")" "chowned" "from a config file"

# Refused: what the guest does not keep (CAP_SYS_MODULE never; CAP_NET_BIND_SERVICE not in a user
# namespace on the host's network), "all", a boot.
nsboot_run -D "$tree" --ambient-capability=sys_module /bin/true
assert_rc 1 "--ambient-capability=sys_module"
assert_file_contains "$NSBOOT_ERR" "--ambient-capability=: the guest does not keep cap_sys_module (add it with --capability=)"
nsboot_run -D "$tree" --ambient-capability=net_bind_service /bin/true
assert_rc 1 "--ambient-capability=net_bind_service on the host's network"
assert_file_contains "$NSBOOT_ERR" "the guest does not keep cap_net_bind_service"
nsboot_run -D "$tree" --private-network --ambient-capability=net_bind_service -u nobody /bin/sh -c 'grep CapAmb /proc/self/status | cut -f2'
assert_eq "0000000000000400" "$(tr -d '\r' <"$NSBOOT_OUT")" "net_bind_service with a private network"
nsboot_run -D "$tree" --ambient-capability=all /bin/true
assert_rc 1 "--ambient-capability=all"
assert_file_contains "$NSBOOT_ERR" "--ambient-capability: invalid value 'all'"
nsboot_run -D "$tree" --ambient-capability=bogus /bin/true
assert_rc 1 "--ambient-capability=bogus"
nsboot_run -D "$tree" -b --ambient-capability=chown
assert_rc 1 "--ambient-capability with -b"
assert_file_contains "$NSBOOT_ERR" "--ambient-capability= cannot be combined with -b/--boot"
exit 0
