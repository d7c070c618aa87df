#!/bin/bash
# nsbootctl convert-nspawn: a .nspawn file becomes config lines that nsboot --check accepts with the
# same meaning; settings without an equivalent are named with file:line and make it exit 1.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init

busybox_tree bb
cat >"$WORKDIR/web.nspawn" <<'NSPAWN'
# a comment
[Exec]
Boot=yes
Environment=LANG=C.UTF-8
Environment=DEBUG=1
Hostname=webhost
DropCapability=CAP_SYS_NICE CAP_SYS_PTRACE
KillSignal=SIGRTMIN+4
LimitNOFILE=1024:4096
PrivateUsers=no

[Files]
Bind=/srv:/data
BindReadOnly=/etc/ssl/certs
TemporaryFileSystem=/var/tmp:mode=1777

[Network]
Private=yes
NSPAWN
out=$(timeout 20 "$CTL" convert-nspawn "$WORKDIR/web.nspawn") || fail "convert-nspawn failed"
echo "$out"
printf 'nsboot.directory = %s\n%s\n' "$bb" "$out" >"$WORKDIR/web.conf"
check=$(timeout 20 "$NSBOOT" --config="$WORKDIR/web.conf" --check 2>&1) || { echo "$check"; fail "--check refused the converted file"; }
for want in "nsboot.boot = yes" "nsboot.setenv = LANG=C.UTF-8" "nsboot.setenv = DEBUG=1" "nsboot.hostname = webhost" \
        "nsboot.kill-signal = SIGRTMIN+4" "nsboot.private-network = yes" "nsboot.private-users = no"; do
        grep -qxF "$want" <<<"$check" || fail "'$want' not in --check's output:"$'\n'"$check"
done
assert_match "$(grep '^nsboot.drop-capability' <<<"$check")" "cap_sys_nice.*cap_sys_ptrace|cap_sys_ptrace.*cap_sys_nice" "dropped capabilities"
assert_match "$(grep '^nsboot.rlimit' <<<"$check")" "nofile.*1024.*4096" "rlimit"
# --check prints mounts in their fstab form.
assert_contains "$check" "nsboot.mount-entry = /srv /data none rbind,rw" "bind"
assert_contains "$check" "nsboot.mount-entry = /etc/ssl/certs /etc/ssl/certs none rbind,ro" "bind-ro"
assert_contains "$check" "nsboot.mount-entry = tmpfs /var/tmp tmpfs rw,nosuid,nodev,mode=1777" "tmpfs"

# Settings nsboot does not know: named, left out, exit status 1; a list key is split.
printf '[Exec]\nBoot=yes\nPersonality=x86\n[Files]\nFrobnicate=alice\n[Network]\nMACVLAN=eth0 eth1\n' >"$WORKDIR/other.nspawn"
out=$(timeout 20 "$CTL" convert-nspawn "$WORKDIR/other.nspawn" 2>"$WORKDIR/err") && fail "an unknown setting passed"
assert_file_contains "$WORKDIR/err" "$WORKDIR/other.nspawn:5: [Files] Frobnicate=: unknown setting, left out"
assert_contains "$out" "nsboot.network-macvlan = eth0"$'\n'"nsboot.network-macvlan = eth1" "MACVLAN= list"
assert_contains "$out" "nsboot.personality = x86" "Personality="
assert_not_contains "$out" "Frobnicate"
printf 'Boot=yes\n' >"$WORKDIR/bad.nspawn"
out=$(timeout 20 "$CTL" convert-nspawn "$WORKDIR/bad.nspawn" 2>&1) && fail "a key outside a section passed"
assert_contains "$out" "$WORKDIR/bad.nspawn:1: a setting outside [Exec], [Files] or [Network]"
exit 0
