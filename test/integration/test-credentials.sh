#!/bin/bash
# --set-credential and --load-credential (nsboot.set-credential, nsboot.load-credential), as
# systemd-nspawn passes credentials: in both modes the guest's init finds them in
# $CREDENTIALS_DIRECTORY = /run/host/credentials, a read-only ramfs of mode 0500 with one file of
# mode 0400 each, owned by the guest's root (values with C escapes decoded, files read on the host,
# a relative name from nsboot's own $CREDENTIALS_DIRECTORY); another user in the guest cannot read
# them, and the host's mount table never shows them. A booted systemd imports them as its system
# credentials. Bad specifications, missing or special files (a FIFO, a device: no hang) and too
# much data are refused naming the option, without printing a secret, and leave nothing behind.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

busybox_tree tree
name=$(basename "$tree")
printf 'from-a-file\n' >"$WORKDIR/secret"
probe='echo "dir=$CREDENTIALS_DIRECTORY"; cd "$CREDENTIALS_DIRECTORY" || exit 1
stat -c "%n %a %u:%g %s" . greeting file; cat greeting; echo; cat file
touch new 2>/dev/null && echo writable; grep -c " /run/host/credentials .*ro," /proc/self/mountinfo'
for mode in $(userns_modes); do
        # shellcheck disable=SC2046 # userns_args prints zero or one word
        nsboot_run -D "$tree" $(userns_args "$mode") --set-credential='greeting:hello\tworld\x21' \
                --load-credential=file:"$WORKDIR/secret" /bin/sh -c "$probe"
        assert_rc 0 "credentials ($mode)"
        out=$(tr -d '\r' <"$NSBOOT_OUT")
        assert_contains "$out" "dir=/run/host/credentials" "\$CREDENTIALS_DIRECTORY ($mode)"
        assert_contains "$out" ". 500 0:0 0" "the directory: 0500, the guest's root's ($mode)"
        assert_contains "$out" "greeting 400 0:0 12" "a set credential: 0400, root's, 12 bytes ($mode)"
        assert_contains "$out" "file 400 0:0 12" "a loaded credential ($mode)"
        assert_contains "$out" "hello"$'\t'"world!" "the value, unescaped ($mode)"
        assert_contains "$out" "from-a-file" "the file's contents ($mode)"
        assert_not_contains "$out" "writable" "the credentials are read-only ($mode)"
        assert_eq 0 "$(grep -c /run/host/credentials /proc/self/mountinfo)" "the host's mount table ($mode)"
done
# Without credentials there is neither the directory nor the variable.
nsboot_run -D "$tree" /bin/sh -c 'echo "dir=${CREDENTIALS_DIRECTORY:-none}"; test -e /run/host/credentials && echo exists'
assert_eq "dir=none" "$(tr -d '\r' <"$NSBOOT_OUT")" "no credentials, no directory"

# Another user of the guest cannot read them (the tree's "nobody").
nsboot_run -D "$tree" -u nobody --set-credential=greeting:hi /bin/sh -c 'cat /run/host/credentials/greeting; echo rc=$?'
out=$(tr -d '\r' <"$NSBOOT_OUT")
assert_contains "$out" "rc=1" "nobody cannot read the credential"
grep -qx hi <<<"$out" && fail "nobody read the credential"

# A relative name comes from nsboot's own $CREDENTIALS_DIRECTORY (nsboot@.service's LoadCredential=).
mkdir -p "$WORKDIR/own-creds" && printf 'passed-on' >"$WORKDIR/own-creds/token"
CREDENTIALS_DIRECTORY=$WORKDIR/own-creds nsboot_run -D "$tree" --load-credential=tok:token \
        /bin/sh -c 'cat "$CREDENTIALS_DIRECTORY/tok"'
assert_eq passed-on "$(tr -d '\r' <"$NSBOOT_OUT")" "a credential of nsboot's own, passed on"

# Refused: naming the option, never printing the secret; nothing left behind.
fifo=$WORKDIR/fifo
mkfifo "$fifo"
head -c $((1024 * 1024 + 1)) /dev/zero >"$WORKDIR/big"
while IFS='|' read -r spec msg; do
        # shellcheck disable=SC2086 # one or two options
        nsboot_run -D "$tree" -M "$name" $spec /bin/true
        assert_rc 1 "$spec"
        assert_file_contains "$NSBOOT_ERR" "$msg" "$spec"
        assert_file_not_contains "$NSBOOT_ERR" "s3cr3t" "no secret in the message of $spec"
        assert_file_not_exists "/run/nsboot/machines/$name"
done <<EOF2
--set-credential=nocolon|--set-credential: invalid value '(redacted)'
--set-credential=a/b:s3cr3t|--set-credential: invalid value 'a/b:...'
--set-credential=..:s3cr3t|--set-credential: invalid value '..:...'
--set-credential=:s3cr3t|--set-credential: invalid value ':...'
--set-credential=bad:s3cr3t\q|--set-credential: invalid value 'bad:...'
--set-credential=x:s3cr3t --set-credential=x:s3cr3t|--set-credential: 'x:...' is given twice
--load-credential=f:$WORKDIR/none|--load-credential: 'f:...' does not exist
--load-credential=f:$WORKDIR|--load-credential: invalid value 'f:...'
--load-credential=f:$fifo|--load-credential: invalid value 'f:...'
--load-credential=f:/dev/zero|--load-credential: invalid value 'f:...'
--load-credential=f:$WORKDIR/big|--load-credential: 'f:...' is too large
--load-credential=f:token|--load-credential: 'f:...' does not exist
--load-credential=f:sub/token|--load-credential: invalid value 'f:...'
EOF2

# From a config file; a booted systemd imports them as its system credentials.
deb=""
debian_tree deb
printf 'nsboot.set-credential = nsbt.greeting:from the file\nnsboot.load-credential = nsbt.file:%s\n' \
        "$WORKDIR/secret" >"$WORKDIR/creds.conf"
nsboot_start -D "$deb" --config="$WORKDIR/creds.conf" --private-network -b
leader=$(leader_pid "$NSBOOT_PID" 60)
wait_booted "$leader"
assert_eq "from the file" "$(in_guest "$leader" systemd-creds --system cat nsbt.greeting)" "systemd's system credential"
assert_eq "from-a-file" "$(in_guest "$leader" systemd-creds --system cat nsbt.file)" "systemd's system credential, loaded"
in_guest "$leader" systemctl poweroff || true
nsboot_wait 60
assert_rc 0 "exit status after poweroff"
exit 0
