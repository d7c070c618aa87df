#!/bin/bash
# --core-scheduling (nsboot.core-scheduling, LXC's lxc.sched.core), in both modes, read with
# test/fixtures/core-sched-probe (PR_SCHED_CORE_GET) from the host and inside.
# Where the kernel gives cookies (core scheduling and SMT active): the guest's init, a child of it
# and a command of nsbootctl enter have one cookie, not 0, and the host's processes another, from
# the command line as from a file in either spelling; inside, the guest's processes may take a new
# cookie or their init's again, but reach no process outside their PID namespace.
# Where the kernel has no core scheduling (CONFIG_SCHED_CORE): the start fails naming the option
# and leaves nothing behind; where no SMT is active, the guest starts without a cookie.
# Everywhere: the system call filter lets the guest call PR_SCHED_CORE (the kernel answers, not the
# filter's EPERM), nsbootctl enter works, =no and lxc.sched.core = 0 start, a file beside the tree
# may ask for it, and a bad value is refused with the file and line. The test ends with a skip
# (77) where the kernel gives no cookie, once those have been tested.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

PROBE=$(fixture_binary core-sched-probe "${CORE_SCHED_PROBE:-}")
busybox_tree tree
name=$(basename "$tree")
install -m 0755 "$PROBE" "$tree/usr/bin/core-sched-probe"

# What this kernel does: a cookie (hexadecimal, 0 for this shell), EINVAL (no core scheduling) or
# ENODEV (no SMT active).
kernel=$("$PROBE" get 0)
kernel=${kernel#0=}
log "PR_SCHED_CORE_GET of this shell: $kernel"
[[ $kernel =~ ^(EINVAL|ENODEV|0)$ ]] || fail "unexpected answer of PR_SCHED_CORE_GET: $kernel"

printf 'nsboot.core-scheduling = yes\n' >"$WORKDIR/native.conf"
printf '# the LXC spelling\nlxc.sched.core = 1\n' >"$WORKDIR/lxc.conf"
printf 'lxc.sched.core = 0\n' >"$WORKDIR/off.conf"
printf '# core scheduling\nlxc.sched.core = 2\n' >"$WORKDIR/bad.conf"

# A guest that waits for $tree/stop with a child; "ready" once the child runs.
wait_stop='sleep 1000 & echo ready; while [ ! -e /stop ]; do sleep 0.1; done; kill $!'

# start_waiting ARGS...: start that guest; sets LEADER and CHILD (host PIDs).
start_waiting() {
        rm -f "$tree/stop"
        nsboot_start -M "$name" -D "$tree" "$@" /bin/sh -c "$wait_stop"
        wait_output '^ready'
        LEADER=$(leader_pid "$NSBOOT_PID")
        CHILD=$(pgrep -P "$LEADER" -x sleep) || fail "no child of the guest's init"
}

stop_waiting() {
        touch "$tree/stop"
        nsboot_wait 30
        assert_rc 0 "the guest stopped"
        assert_file_not_exists "/run/nsboot/machines/$name"
}

# cookie_of PID: its cookie as the host sees it.
cookie_of() {
        local out
        out=$("$PROBE" get "$1")
        echo "${out#"$1"=}"
}

# The guest may call PR_SCHED_CORE: the kernel's answer, not the filter's EPERM.
if [[ $kernel == 0 ]]; then expect=ok; else expect=$kernel; fi
for mode in $(userns_modes); do
        # shellcheck disable=SC2046 # userns_args prints zero or one word
        nsboot_run -D "$tree" $(userns_args "$mode") /usr/bin/core-sched-probe create
        assert_rc 0 "the probe in the guest ($mode)"
        assert_eq "create=$expect" "$(tr -d '\r' <"$NSBOOT_OUT" | sed -n 1p)" "PR_SCHED_CORE in the guest ($mode)"
done

# nsbootctl enter into a guest without a cookie, whatever the kernel.
boot_sleeping "$tree" -M "$name"
out=$(timeout 30 "$CTL" enter "$name" /usr/bin/core-sched-probe get 0) || fail "nsbootctl enter failed"
assert_eq "0=$kernel" "$out" "a command of nsbootctl enter in a guest without --core-scheduling"
poweroff_guest

# Off: =no and lxc.sched.core = 0 start anywhere.
nsboot_run -D "$tree" --core-scheduling=no /usr/bin/core-sched-probe get 0
assert_rc 0 "--core-scheduling=no"
nsboot_run -D "$tree" --config="$WORKDIR/off.conf" /usr/bin/core-sched-probe get 0
assert_rc 0 "lxc.sched.core = 0"
assert_eq "0=$kernel" "$(tr -d '\r' <"$NSBOOT_OUT")" "no cookie with lxc.sched.core = 0"

# Both spellings in a file, and in a file beside the tree (not a privileged key); the command line wins.
for conf in native lxc; do
        nsboot_run -D "$tree" --config="$WORKDIR/$conf.conf" --check
        assert_rc 0 "--check with $conf.conf"
        assert_file_contains "$NSBOOT_OUT" "nsboot.core-scheduling = yes"
done
cp "$WORKDIR/lxc.conf" "$WORKDIR/$name.nsboot"
nsboot_run -D "$tree" --check
assert_file_contains "$NSBOOT_OUT" "nsboot.core-scheduling = yes"
assert_file_not_contains "$NSBOOT_ERR" "ignored"
rm "$WORKDIR/$name.nsboot"
nsboot_run -D "$tree" --config="$WORKDIR/lxc.conf" --core-scheduling=no --check
assert_file_contains "$NSBOOT_OUT" "nsboot.core-scheduling = no"

# Bad values: refused before anything starts, naming the option or file:line.
nsboot_run -D "$tree" -M "$name" --config="$WORKDIR/bad.conf" /bin/true
assert_rc 1 "lxc.sched.core = 2"
assert_file_contains "$NSBOOT_ERR" "$WORKDIR/bad.conf:2: lxc.sched.core: invalid value '2' (expected yes or no (1 or 0))"
assert_file_not_exists "/run/nsboot/machines/$name"
nsboot_run -D "$tree" -M "$name" --core-scheduling=maybe /bin/true
assert_rc 1 "--core-scheduling=maybe"
assert_file_contains "$NSBOOT_ERR" "--core-scheduling: invalid value 'maybe' (expected yes or no (1 or 0))"

case $kernel in
EINVAL)
        # Asked for and not there: the start fails, naming the option; nothing is left (nsboot_run
        # checks the cgroup and the mounts too).
        for mode in $(userns_modes); do
                for how in --core-scheduling --config="$WORKDIR/native.conf" --config="$WORKDIR/lxc.conf"; do
                        # shellcheck disable=SC2046
                        nsboot_run -D "$tree" -M "$name" $(userns_args "$mode") "$how" /bin/true
                        assert_rc 1 "$how without core scheduling in the kernel ($mode)"
                        assert_file_contains "$NSBOOT_ERR" \
                                "--core-scheduling: this kernel has no core scheduling (CONFIG_SCHED_CORE)"
                        assert_file_not_exists "/run/nsboot/machines/$name"
                done
        done
        skip "this kernel has no core scheduling (CONFIG_SCHED_CORE): only the refusal, the values and the guest's calls were tested"
        ;;
ENODEV)
        for mode in $(userns_modes); do
                # shellcheck disable=SC2046
                nsboot_run -D "$tree" $(userns_args "$mode") --core-scheduling /usr/bin/core-sched-probe get 0
                assert_rc 0 "--core-scheduling without SMT ($mode)"
                assert_file_contains "$NSBOOT_ERR" "--core-scheduling: no SMT is active here"
        done
        skip "no SMT is active here, the kernel gives no cookie: only the start without one was tested"
        ;;
esac

host_cookie=$(cookie_of $$)
# The kernel gives cookies. From the host: the guest's init and its child share one, not 0 and not
# this shell's; a command of nsbootctl enter has it too, nsboot itself not.
for mode in $(userns_modes); do
        for how in --core-scheduling --config="$WORKDIR/native.conf" --config="$WORKDIR/lxc.conf"; do
                # shellcheck disable=SC2046
                start_waiting $(userns_args "$mode") "$how"
                cookie=$(cookie_of "$LEADER")
                [[ $cookie =~ ^[0-9a-f]+$ && $cookie != 0 ]] || fail "the guest's init has no cookie: $cookie ($how, $mode)"
                assert_eq "$cookie" "$(cookie_of "$CHILD")" "a child of the guest's init ($how, $mode)"
                assert_ne "$cookie" "$host_cookie" "this shell's cookie ($how, $mode)"
                assert_eq 0 "$(cookie_of "$NSBOOT_PID")" "nsboot's own cookie ($how, $mode)"
                out=$(timeout 30 "$CTL" enter "$name" /usr/bin/core-sched-probe get 0) || fail "nsbootctl enter failed"
                assert_eq "0=$cookie" "$out" "a command of nsbootctl enter ($how, $mode)"
                stop_waiting
        done
done

# Inside, as the guest's own processes (children of its init): they have their init's cookie,
# and one may take a new cookie for itself, which changes nobody else's; a process outside their
# PID namespace (this shell, whose PID names none there) they can neither give a cookie to nor
# take one from.
inside="core-sched-probe get 1 0; core-sched-probe create; core-sched-probe share-to $$; core-sched-probe share-from $$
core-sched-probe get 1"
for mode in $(userns_modes); do
        # shellcheck disable=SC2046
        nsboot_run -D "$tree" $(userns_args "$mode") --core-scheduling /bin/sh -c "$inside"
        assert_rc 0 "the guest's attempts ($mode)"
        out=$(tr -d '\r' <"$NSBOOT_OUT")
        cookie=$(sed -n 's/^1=//p' <<<"$out" | sed -n 1p)
        [[ $cookie =~ ^[0-9a-f]+$ && $cookie != 0 ]] || fail "the guest's init has no cookie inside: $cookie ($mode)"
        assert_eq "0=$cookie" "$(sed -n 2p <<<"$out")" "a child of init, inside ($mode)"
        assert_eq "create=ok" "$(sed -n 3p <<<"$out")" "a guest process takes a new cookie ($mode)"
        assert_ne "0=$cookie" "$(sed -n 4p <<<"$out")" "its new cookie ($mode)"
        assert_eq "share-to=ESRCH"$'\n'"0=$cookie" "$(sed -n 5,6p <<<"$out")" "giving a host process the cookie ($mode)"
        assert_eq "share-from=ESRCH"$'\n'"0=$cookie" "$(sed -n 7,8p <<<"$out")" "taking a host process's cookie ($mode)"
        assert_eq "1=$cookie" "$(sed -n 9p <<<"$out")" "the guest's init keeps its cookie ($mode)"
        assert_eq "$host_cookie" "$(cookie_of $$)" "this shell's cookie is unchanged ($mode)"
done
exit 0
