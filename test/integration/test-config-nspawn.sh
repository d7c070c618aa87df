#!/bin/bash
# systemd-nspawn's settings files run as they are: nsboot -M NAME (or -D .../NAME) reads
# /run/systemd/nspawn/NAME.nspawn when no nsboot or LXC file exists, trusted, and says so; a
# NAME.nspawn beside the tree untrusted (its privileged settings ignored with a warning, the others
# applied), after a NAME.nsboot there; --config=FILE.nspawn too. What the file sets is seen inside
# the guest (host name, environment as systemd-nspawn splits it, a bind, a private network, Parameters= as the command or as
# init's arguments with Boot=yes, the command line's arguments replacing them). A setting nsboot has
# no equivalent of, an unknown one, a bad section or a FIFO where the file belongs is refused naming
# FILE:LINE or the file, at once, and nothing is left behind.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
name=$(basename "$tree")
dir=/run/systemd/nspawn
[[ -d $dir ]] || { mkdir -p "$dir"; at_exit "rmdir '$dir' 2>/dev/null || true"; }
conf=$dir/$name.nspawn
at_exit "rm -f '$conf'"
mkdir -p "$WORKDIR/hostdir"
echo from-the-host >"$WORKDIR/hostdir/file"

probe='echo "host=$(hostname) greeting=$GREETING"; cat /mnt/h/file 2>/dev/null || echo no-bind; [ "$(readlink /proc/self/ns/net)" = "$HOSTNET" ] && echo host-net || echo own-net; echo "args=$*"'
cat >"$conf" <<EOF
# as an administrator writes it for systemd-nspawn
[Exec]
Hostname=nspawned
Environment="GREETING=hello world" HOSTNET=$(readlink /proc/self/ns/net)
Parameters=/bin/sh -c '$probe' probe first "second arg"

[Files]
Bind=$WORKDIR/hostdir:/mnt/h

[Network]
Private=yes
EOF

nsboot_run -D "$tree"
assert_rc 0 "the machine's .nspawn file, trusted"
out=$(tr -d '\r' <"$NSBOOT_OUT")
assert_contains "$out" "host=nspawned greeting=hello world" "Hostname= and Environment="
assert_contains "$out" "from-the-host" "Bind="
assert_contains "$out" "own-net" "Private=yes"
assert_contains "$out" "args=first second arg" "Parameters=, quoted as systemd-nspawn quotes"
assert_file_contains "$NSBOOT_ERR" "No nsboot config for machine '$name': using systemd-nspawn's $conf" "it says so"

# The command line wins: its command replaces Parameters=, its options the file's.
nsboot_run -D "$tree" --hostname=fromcli /bin/sh -c 'echo "host=$(hostname) greeting=$GREETING"'
assert_rc 0 "a command on the command line"
assert_eq "host=fromcli greeting=hello world" "$(tr -d '\r' <"$NSBOOT_OUT")" "the command line's command and host name"

# Boot=yes: Parameters= are init's arguments (testinit prints them).
printf '[Exec]\nBoot=yes\nParameters=exit 7\n' >"$conf"
nsboot_run -D "$tree"
assert_rc 7 "Boot=yes with Parameters=exit 7"
assert_eq "exit 7" "$(fact args)" "init's arguments"

# --config= takes an .nspawn file anywhere; an nsboot file of the machine goes first.
printf '[Exec]\nHostname=byconfig\n' >"$WORKDIR/other.nspawn"
nsboot_run -D "$tree" --config="$WORKDIR/other.nspawn" /bin/hostname
assert_eq byconfig "$(tr -d '\r' <"$NSBOOT_OUT")" "--config=FILE.nspawn"
rm -f "$conf"

# Beside the tree: untrusted. Hostname= applies, Bind= and Private= are ignored with a warning.
beside=$(dirname "$tree")/$name.nspawn
at_exit "rm -f '$beside'"
printf '[Exec]\nHostname=beside\nParameters=/bin/sh -c %s\n[Files]\nBind=%s:/mnt/h\n[Network]\nPrivate=yes\n' \
        "'$probe'" "$WORKDIR/hostdir" >"$beside"
nsboot_run -D "$tree" -E HOSTNET="$(readlink /proc/self/ns/net)"
assert_rc 0 "an untrusted .nspawn file"
out=$(tr -d '\r' <"$NSBOOT_OUT")
assert_contains "$out" "host=beside" "Hostname= of an untrusted file"
assert_contains "$out" "no-bind" "Bind= of an untrusted file is ignored"
assert_contains "$out" "host-net" "Private= of an untrusted file is ignored"
assert_file_contains "$NSBOOT_ERR" "$beside:5: nsboot.bind: ignored in an untrusted file"
# --settings= as systemd-nspawn takes it: trusted honours the file beside the tree, no reads none.
nsboot_run -D "$tree" --settings=trusted -E HOSTNET="$(readlink /proc/self/ns/net)"
assert_rc 0 "--settings=trusted"
out=$(tr -d '\r' <"$NSBOOT_OUT")
assert_contains "$out" "from-the-host" "--settings=trusted: Bind= of the file beside the tree"
assert_contains "$out" "own-net" "--settings=trusted: Private= of the file beside the tree"
nsboot_run -D "$tree" --settings=no /bin/hostname
assert_eq "$name" "$(tr -d '\r' <"$NSBOOT_OUT")" "--settings=no reads no file"
# override: the file's Hostname= wins over --hostname and its Parameters= over the command line's
# command; an option the file does not set (-E) still counts.
nsboot_run -D "$tree" --settings=override --hostname=fromcli -E GREETING=fromcli /bin/echo the-command-line
assert_contains "$(tr -d '\r' <"$NSBOOT_OUT")" "host=beside greeting=fromcli" "--settings=override"
nsboot_run -D "$tree" --settings=maybe /bin/true
assert_rc 1 "--settings=maybe"
assert_file_contains "$NSBOOT_ERR" "--settings=maybe: invalid value (expected yes, no, trusted or override)"
printf 'nsboot.hostname = nsboot-file\n' >"$(dirname "$tree")/$name.nsboot"
at_exit "rm -f '$(dirname "$tree")/$name.nsboot'"
nsboot_run -D "$tree" /bin/hostname
assert_eq nsboot-file "$(tr -d '\r' <"$NSBOOT_OUT")" "NAME.nsboot goes before NAME.nspawn"
rm -f "$(dirname "$tree")/$name.nsboot" "$beside"

# Refused, naming the file and line, before anything starts.
refused() {
        local what=$1 text=$2 msg=$3
        printf '%b' "$text" >"$conf"
        nsboot_run -D "$tree" -M nsc-bad /bin/true
        assert_rc 1 "$what"
        assert_file_contains "$NSBOOT_ERR" "$msg" "$what: the message"
        assert_file_not_exists /run/nsboot/machines/nsc-bad.state "$what: no machine record"
}
# -M names the machine, so the file is nsc-bad.nspawn.
conf=$dir/nsc-bad.nspawn
at_exit "rm -f '$conf'"
refused "a bad BindUser=" '[Exec]\nBoot=no\n[Files]\nBindUser=alice a/b\n' "$conf:4: nsboot.bind-user: invalid value 'a/b'"
refused "a relative PivotRoot=" '[Exec]\nPivotRoot=sysroot\n' "$conf:2: nsboot.pivot-root: invalid value 'sysroot'"
refused "an unknown setting" '[Exec]\nFrobnicate=yes\n' "$conf:2: [Exec] Frobnicate=: unknown setting"
refused "an unknown section" '[Service]\nType=notify\n' "$conf:1: unknown section [Service]"
refused "outside a section" 'Boot=yes\n' "$conf:1: a setting outside [Exec], [Files] or [Network]"
refused "a bad value" '[Exec]\nKillSignal=SIGNOPE\n' "$conf:2: nsboot.kill-signal: invalid value 'SIGNOPE'"
refused "a bad PrivateUsersChown=" '[Files]\nPrivateUsersChown=maybe\n' "$conf:2: PrivateUsersChown: invalid value 'maybe'"
rm -f "$conf"
mkfifo "$conf"
nsboot_run -t 20 -D "$tree" -M nsc-bad /bin/true
assert_rc 1 "a FIFO as the .nspawn file"
assert_file_contains "$NSBOOT_ERR" "$conf: not a regular file"
rm -f "$conf"
# The same for nsboot's own file beside the tree (it blocked in open() before).
mkfifo "$(dirname "$tree")/$name.nsboot"
nsboot_run -t 20 -D "$tree" /bin/true
assert_rc 1 "a FIFO as NAME.nsboot"
assert_file_contains "$NSBOOT_ERR" "$name.nsboot: not a regular file"
rm -f "$(dirname "$tree")/$name.nsboot"
# A symlink beside the tree is not followed: it could point nsboot at any host file (a trusted one in
# /run/systemd/nspawn is, as systemd-nspawn follows it).
for f in "$name.nsboot" "$name.nspawn"; do
        ln -s /etc/passwd "$(dirname "$tree")/$f"
        nsboot_run -t 20 -D "$tree" /bin/true
        assert_rc 1 "a symlink as $f"
        assert_file_contains "$NSBOOT_ERR" "$f: a symbolic link: an untrusted file (beside the tree) is not followed"
        assert_file_not_contains "$NSBOOT_ERR" "root:" "$f: nothing of the link's target in the messages"
        rm -f "$(dirname "$tree")/$f"
done
printf '[Exec]\nHostname=linked\n' >"$WORKDIR/linked.nspawn"
ln -s "$WORKDIR/linked.nspawn" "$dir/$name.nspawn"
at_exit "rm -f '$dir/$name.nspawn'"
nsboot_run -D "$tree" /bin/hostname
assert_eq linked "$(tr -d '\r' <"$NSBOOT_OUT")" "a trusted .nspawn file may be a symlink"
rm -f "$dir/$name.nspawn"
log "PASS"
