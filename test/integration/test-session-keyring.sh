#!/bin/bash
# lxc.keyring.session (nsboot.session-keyring), seen with test/fixtures/seccomp-probe under
# --system-call-filter=@keyring, nsboot started in a session keyring of its own, in both user
# namespace modes: by default and with 1 the guest has a new session keyring; with 0 (or no) it
# has the caller's, as LXC documents it. From an untrusted file beside the tree, 0 is ignored with
# a warning. A bad value names file:line and starts nothing.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

PROBE=$(fixture_binary seccomp-probe "${SECCOMP_PROBE:-}")
busybox_tree tree
name=$(basename "$tree")
install -m 0755 "$PROBE" "$tree/usr/bin/seccomp-probe"
# nsboot in a new session keyring, whose ID the probe prints on stderr as caller_session_keyring.
printf '#!/bin/sh\nexec %q with-session-keyring %q "$@"\n' "$PROBE" "$NSBOOT" >"$WORKDIR/nsboot-with-keyring"
chmod 0755 "$WORKDIR/nsboot-with-keyring"
REAL_NSBOOT=$NSBOOT

# keyrings [NSBOOT OPTIONS...]: sets caller and guest, the session keyrings of nsboot's caller and
# of the guest.
keyrings() {
        NSBOOT=$WORKDIR/nsboot-with-keyring
        nsboot_run -q --system-call-filter=@keyring "$@" -D "$tree" /usr/bin/seccomp-probe session_keyring
        NSBOOT=$REAL_NSBOOT
        assert_rc 0 "the probe ($*)"
        caller=$(sed -n 's/^caller_session_keyring=//p' "$NSBOOT_ERR")
        guest=$(output | sed -n 's/^session_keyring=//p')
        assert_match "$caller" '^[0-9]+$' "the caller's session keyring ($*)"
        assert_match "$guest" '^[0-9]+$' "the guest's session keyring ($*)"
}

for mode in pick no; do
        printf 'lxc.keyring.session = 1\n' >"$WORKDIR/new.conf"
        printf 'lxc.keyring.session = 0\n' >"$WORKDIR/caller.conf"
        printf 'nsboot.session-keyring = no\n' >"$WORKDIR/native.conf"
        keyrings --private-users="$mode"
        assert_ne "$caller" "$guest" "by default the guest has a new session keyring ($mode)"
        keyrings --private-users="$mode" --config="$WORKDIR/new.conf"
        assert_ne "$caller" "$guest" "lxc.keyring.session = 1: a new session keyring ($mode)"
        keyrings --private-users="$mode" --config="$WORKDIR/caller.conf"
        assert_eq "$caller" "$guest" "lxc.keyring.session = 0: the caller's session keyring ($mode)"
        keyrings --private-users="$mode" --config="$WORKDIR/native.conf"
        assert_eq "$caller" "$guest" "nsboot.session-keyring = no: the caller's session keyring ($mode)"
done

# An untrusted file beside the tree may not hand the caller's keyring to the guest.
untrusted=$(dirname "$tree")/$name.nsboot
printf 'nsboot.hostname = nsbt-untrusted\nlxc.keyring.session = 0\n' >"$untrusted"
at_exit "rm -f '$untrusted'"
keyrings
assert_ne "$caller" "$guest" "lxc.keyring.session = 0 from an untrusted file took effect"
assert_file_contains "$NSBOOT_ERR" "$untrusted:2: lxc.keyring.session: ignored in an untrusted file"
rm -f "$untrusted"

for bad in 2 maybe -1; do
        printf 'nsboot.hostname = x\nlxc.keyring.session = %s\n' "$bad" >"$WORKDIR/bad.conf"
        nsboot_run --config="$WORKDIR/bad.conf" -M "$name" -D "$tree" /bin/echo ran
        assert_rc 1 "lxc.keyring.session = $bad"
        assert_file_contains "$NSBOOT_ERR" "$WORKDIR/bad.conf:2: lxc.keyring.session: invalid value '$bad'"
        assert_file_not_contains "$NSBOOT_OUT" ran "the command ran with lxc.keyring.session = $bad"
        assert_file_not_exists "/run/nsboot/machines/$name"
done
exit 0
