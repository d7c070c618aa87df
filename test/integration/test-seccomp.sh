#!/bin/bash
# The guest's system call filter and process hygiene (issue 8), seen from inside a busybox guest
# with test/fixtures/seccomp-probe: the calls systemd-nspawn's filter refuses (and userfaultfd,
# TIOCSTI) are refused while everyday calls work; --system-call-filter allows and denies; an LXC
# profile stacks on top; an untrusted file may only deny; inherited descriptors stay outside;
# no_new_privs per option; a new session keyring; -u users get no inheritable capabilities and
# still die with nsboot; the stub init of -a is filtered too. The filter's own checks run in the
# default mode (user namespace) and with --private-users=no, where nothing but the filter refuses.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

PROBE=$(fixture_binary seccomp-probe "${SECCOMP_PROBE:-}")
grep -q '^Seccomp:' /proc/self/status || skip "the kernel has no seccomp"

busybox_tree tree
install -m 0755 "$PROBE" "$tree/usr/bin/seccomp-probe"
# nsboot started in a session keyring of its own, whose ID the wrapper prints on stderr.
REAL_NSBOOT=$NSBOOT
printf '#!/bin/sh\nexec %q with-session-keyring %q "$@"\n' "$PROBE" "$NSBOOT" >"$WORKDIR/nsboot-with-keyring"
chmod 0755 "$WORKDIR/nsboot-with-keyring"

# val KEY: what the last probe run printed for KEY.
val() {
        sed -n "s/^$1=//p" "$NSBOOT_OUT" | tail -n 1
}

# expect KEY=VALUE...: each probe result of the last run.
expect() {
        local kv
        for kv in "$@"; do
                assert_eq "${kv#*=}" "$(val "${kv%%=*}")" "probe ${kv%%=*}"
        done
}

refused=(keyctl bpf perf_event_open open_by_handle_at swapon userfaultfd tiocsti tiocsti_high adjtimex)

# What the kernel alone says to the same calls, from the host (its own UTS namespace for
# sethostname): none of them is EPERM or ENOSYS there, so with --private-users=no the answers
# below are the filter's alone.
host=$(unshare -u "$PROBE" "${refused[@]}" unknown audit_socket basics sethostname mknod)
log "the kernel alone:"$'\n'"$host"
for p in "${refused[@]}" unknown; do
        [[ $host =~ (^|$'\n')$p=(EPERM|ENOSYS)($'\n'|$) ]] && skip "the host itself refuses $p: $host"
done

# --- The default filter, in both modes --------------------------------------------------------
for mode in "" --private-users=no; do
        # shellcheck disable=SC2086 # $mode is one option or none
        nsboot_run -q $mode -D "$tree" /usr/bin/seccomp-probe "${refused[@]}" unknown audit_socket basics \
                sethostname mknod seccomp nnp fds
        assert_rc 0
        for p in "${refused[@]}"; do
                expect "$p=EPERM"
        done
        # Unknown to libseccomp (statmount, Linux 6.8): ENOSYS, so that programs fall back.
        expect unknown=ENOSYS audit_socket=EAFNOSUPPORT basics=ok sethostname=ok mknod=ok seccomp=2 nnp=0 fds=0,1,2

        # -a: the stub init is filtered as well.
        # shellcheck disable=SC2086
        nsboot_run -q -a $mode -D "$tree" /usr/bin/seccomp-probe keyctl pid1_seccomp
        assert_rc 0
        expect keyctl=EPERM pid1_seccomp=2

        # Without a user namespace the superblocks are the host's: remounting them is refused (a
        # path that does not exist: nothing would happen anyway); bind remounts are not.
        # shellcheck disable=SC2086
        nsboot_run -q $mode -D "$tree" /usr/bin/seccomp-probe remount fsconfig_reconfigure bind_remount
        if [[ -n $mode ]]; then
                expect remount=EPERM fsconfig_reconfigure=EPERM bind_remount=ENOENT
        else
                expect remount=ENOENT bind_remount=ENOENT
                assert_ne EPERM "$(val fsconfig_reconfigure)" "fsconfig reconfigure in a user namespace"
        fi

        # Allowing @keyring shows the session keyring: a new one, not the caller's.
        NSBOOT=$WORKDIR/nsboot-with-keyring
        # shellcheck disable=SC2086
        nsboot_run -q $mode --system-call-filter=@keyring -D "$tree" /usr/bin/seccomp-probe keyctl session_keyring
        NSBOOT=$REAL_NSBOOT
        expect keyctl=ok
        caller_keyring=$(sed -n 's/^caller_session_keyring=//p' "$NSBOOT_ERR")
        assert_match "$caller_keyring" '^[0-9]+$' "the caller's session keyring"
        assert_match "$(val session_keyring)" '^[0-9]+$' "the guest's session keyring"
        assert_ne "$caller_keyring" "$(val session_keyring)" "the guest's session keyring is the caller's"
done

# --- 32-bit programs meet the same lists (where the host runs them) ----------------------------
if cc -m32 -std=gnu11 -O2 -static -o "$WORKDIR/seccomp-probe32" "$SRCDIR/test/fixtures/seccomp-probe.c" \
        2>/dev/null && "$WORKDIR/seccomp-probe32" basics >/dev/null 2>&1; then
        install -m 0755 "$WORKDIR/seccomp-probe32" "$tree/usr/bin/seccomp-probe32"
        nsboot_run -q --private-users=no -D "$tree" /usr/bin/seccomp-probe32 "${refused[@]}" unknown basics
        assert_rc 0
        for p in "${refused[@]}"; do
                [[ $p == tiocsti_high ]] || expect "$p=EPERM"
        done
        expect unknown=ENOSYS basics=ok
else
        log "no 32-bit build or no i386 emulation in this kernel: the i386 filter is not tried"
fi

# --- --system-call-filter ----------------------------------------------------------------------
nsboot_run -q --system-call-filter='~sethostname' -D "$tree" /usr/bin/seccomp-probe sethostname basics
expect sethostname=EPERM basics=ok
# @clock opens with CAP_SYS_TIME (adjtimex only reads here), and ~@clock closes it again.
nsboot_run -q --capability=CAP_SYS_TIME -D "$tree" /usr/bin/seccomp-probe adjtimex
expect adjtimex=ok
nsboot_run -q --capability=CAP_SYS_TIME --system-call-filter='~@clock' -D "$tree" /usr/bin/seccomp-probe adjtimex
expect adjtimex=EPERM
# --- An LXC profile, stacked -------------------------------------------------------------------
cat >"$WORKDIR/test.seccomp" <<'EOF'
2
denylist
reject_force_umount  # as LXC's common.seccomp
[all]
sethostname errno 38
mknod errno 1
# not a call of x86-64: skipped there
[arm]
breakpoint
EOF
printf 'lxc.seccomp.profile = %s\n' "$WORKDIR/test.seccomp" >"$WORKDIR/profile.conf"
nsboot_run -q --config="$WORKDIR/profile.conf" -D "$tree" /usr/bin/seccomp-probe sethostname mknod bpf basics
assert_rc 0
# The profile's errno wins; nsboot's refusals stay (a profile cannot open what nsboot refuses).
expect sethostname=ENOSYS mknod=EPERM bpf=EPERM basics=ok

# A bad profile is refused before anything starts, naming its file and line.
printf '2\ndenylist\nmknod errno\n' >"$WORKDIR/bad.seccomp"
printf 'lxc.seccomp.profile = %s\n' "$WORKDIR/bad.seccomp" >"$WORKDIR/bad.conf"
nsboot_run -q --config="$WORKDIR/bad.conf" -D "$tree" /bin/true
assert_rc 1 "bad profile"
assert_file_contains "$NSBOOT_ERR" "bad.seccomp:3: 'errno' needs a number"
printf 'lxc.seccomp.notify.proxy = unix:/run/x\n' >"$WORKDIR/notify.conf"
nsboot_run -q --config="$WORKDIR/notify.conf" -D "$tree" /bin/true
assert_rc 1 "lxc.seccomp.notify.proxy"
assert_file_contains "$NSBOOT_ERR" "lxc.seccomp.notify.proxy: not supported"
nsboot_run -q --system-call-filter=no_such_call -D "$tree" /bin/true
assert_rc 1 "unknown system call"
assert_file_contains "$NSBOOT_ERR" "--system-call-filter: invalid value 'no_such_call'"

# --- An untrusted file beside the tree may deny, not allow ------------------------------------
cat >"$tree.nsboot" <<'EOF'
nsboot.system-call-filter = @keyring
nsboot.system-call-filter = ~sethostname
nsboot.no-new-privileges = yes
EOF
at_exit "rm -f '$tree.nsboot'"
nsboot_run -q -D "$tree" /usr/bin/seccomp-probe keyctl sethostname nnp
assert_rc 0
expect keyctl=EPERM sethostname=EPERM nnp=1
assert_file_contains "$NSBOOT_ERR" "nsboot.system-call-filter: ignored in an untrusted file"
rm -f "$tree.nsboot"

# --- no_new_privs ---------------------------------------------------------------------------
nsboot_run -q --no-new-privileges=yes -D "$tree" /usr/bin/seccomp-probe nnp
expect nnp=1
printf 'lxc.no_new_privs = 1\n' >"$WORKDIR/nnp.conf"
nsboot_run -q --config="$WORKDIR/nnp.conf" -D "$tree" /usr/bin/seccomp-probe nnp
expect nnp=1

# --- Descriptors: the caller's fd 7 and 9 do not reach the guest --------------------------------
nsboot_run -q -D "$tree" /usr/bin/seccomp-probe fds 7<"$tree/etc/os-release" 9>"$WORKDIR/fd9"
expect fds=0,1,2
nsboot_run -q -a -D "$tree" /usr/bin/seccomp-probe fds 7<"$tree/etc/os-release"
expect fds=0,1,2

# --- A terminal handed over with --console=pipe: the guest cannot type into it ------------------
# (privileged, where only the filter stands in the way: root in a user namespace may not anyway)
if command -v tmux >/dev/null; then
        # (the sleep lets tmux_start find nsboot before it is done)
        tmux_start "$NSBOOT" -q --console=pipe --private-users=no -D "$tree" /bin/sh -c \
                'sleep 2; exec /usr/bin/seccomp-probe tty tiocsti_stdin fds' 
        tmux_wait_exit 30
        assert_rc 0 "probe on a terminal"
        screen=$(tmux_screen)
        assert_contains "$screen" "tty=yes"
        assert_contains "$screen" "tiocsti_stdin=EPERM"
        assert_contains "$screen" "fds=0,1,2"
else
        log "no tmux: TIOCSTI on a real terminal not tried"
fi

# --- -u: no inheritable capabilities; root keeps them -------------------------------------------
nsboot_run -q -D "$tree" /usr/bin/seccomp-probe capinh
assert_ne 0000000000000000 "$(val capinh)" "root's inheritable set"
nsboot_run -q -u nobody -D "$tree" /usr/bin/seccomp-probe capinh
expect capinh=0000000000000000

# --- -u: the command still dies with nsboot (parent-death signal set again) ---------------------
for mode in "" --private-users=no; do
        # shellcheck disable=SC2086
        nsboot_start -q $mode -u nobody -D "$tree" /bin/sleep 600
        leader=$(leader_pid "$NSBOOT_PID")
        at_exit "_kill_if_alive $leader"
        # the uid on the host, less the base of the guest's range (0 without a user namespace)
        uid=$(awk '$1 == "Uid:" { print $2 }' "/proc/$leader/status")
        base=$(awk '$1 == 0 { print $2; exit }' "/proc/$leader/uid_map")
        assert_eq 65534 "$((uid - base))" "the command's user"
        kill -KILL "$NSBOOT_PID"
        wait_pid_exit "$leader" 10 || fail "the -u command ($leader) survived SIGKILL of nsboot${mode:+ ($mode)}"
        wait "$NSBOOT_PID" || true
        if cg=$(machine_cgroup "$(basename "$tree")") && [[ -d $cg ]]; then
                retry 5 test ! -s "$cg/cgroup.procs" || fail "processes left in $cg: $(cat "$cg/cgroup.procs")"
        fi
        # The next start of the machine clears what the killed nsboot left (lock, empty cgroup).
        nsboot_run -q -D "$tree" /bin/true
        assert_rc 0 "next start after SIGKILL"
done
