#!/bin/bash
# --oom-score-adjust (lxc.proc.oom_score_adj) and --cpu-affinity, in both modes: the guest's init
# has them (seen from the host in /proc/PID and inside), and its children inherit them; from a
# file as from the command line (which wins). The guest may raise its OOM adjustment; where nsboot
# holds CAP_SYS_RESOURCE (the system-tier VM runs this script too) the value is also the guest's
# floor, and its root cannot go below it (tried from inside); without that capability a value
# below the current one is refused, naming the capability. CPU affinity is a default the guest may
# widen within its cpuset. Bad values are refused naming the option or file:line, a CPU that is
# not there at start, and nothing is left behind.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
name=$(basename "$tree")
cap_sys_resource=0
(( (0x$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status) >> 24) & 1 )) && cap_sys_resource=1
if [[ ${NSBOOT_TEST_FULL_KERNEL:-0} == 1 ]] && ((!cap_sys_resource)); then
        fail "NSBOOT_TEST_FULL_KERNEL=1, but this root lacks CAP_SYS_RESOURCE"
fi
ncpus=$(nproc)
last=$((ncpus - 1))

# The guest's own view: its init's values and a child's, as the guest's processes see them.
probe='cat /proc/1/oom_score_adj; cat /proc/self/oom_score_adj; grep Cpus_allowed_list /proc/self/status'
for mode in pick no; do
        nsboot_run -D "$tree" --private-users="$mode" --oom-score-adjust=300 --cpu-affinity="$last" /bin/sh -c "$probe"
        assert_rc 0 "--oom-score-adjust=300 --cpu-affinity=$last ($mode)"
        out=$(tr -d '\r' <"$NSBOOT_OUT")
        assert_eq "300"$'\n'"300"$'\n'"Cpus_allowed_list:"$'\t'"$last" "$out" "init and its child inside ($mode)"

        boot_sleeping "$tree" --private-users="$mode" --oom-score-adjust=250 --cpu-affinity="$last"
        assert_eq 250 "$(cat "/proc/$LEADER/oom_score_adj")" "the guest's init on the host ($mode)"
        assert_eq "$last" "$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$LEADER/status")" \
                "the guest's init's CPUs on the host ($mode)"
        poweroff_guest
done

# The guest's root raises its adjustment; lowering it: below the value only where nsboot could set
# a floor. Tried by the guest's init itself (a process nsenter puts in is not its child).
attack='echo 600 >/proc/self/oom_score_adj; cat /proc/self/oom_score_adj
echo -1000 >/proc/self/oom_score_adj 2>/dev/null && echo lowered; cat /proc/self/oom_score_adj'
nsboot_run -D "$tree" --oom-score-adjust=300 /bin/sh -c "$attack"
assert_rc 0 "the guest changes its adjustment"
out=$(tr -d '\r' <"$NSBOOT_OUT")
assert_eq 600 "$(sed -n 1p <<<"$out")" "the guest may raise it"
if ((cap_sys_resource)); then
        assert_eq 600 "$(sed -n 2p <<<"$out")" "the guest's root cannot go below --oom-score-adjust"
        nsboot_run -D "$tree" --oom-score-adjust=-500 /bin/sh -c 'cat /proc/self/oom_score_adj'
        assert_rc 0 "--oom-score-adjust=-500 with CAP_SYS_RESOURCE"
        assert_eq -500 "$(tr -d '\r' <"$NSBOOT_OUT")" "a negative adjustment"
else
        log "no CAP_SYS_RESOURCE here: nsboot cannot set a floor, and refuses a negative adjustment"
        nsboot_run -D "$tree" -M "$name" --oom-score-adjust=-500 /bin/true
        assert_rc 1 "--oom-score-adjust=-500 without CAP_SYS_RESOURCE"
        assert_file_contains "$NSBOOT_ERR" "--oom-score-adjust=-500: Permission denied: a value below the current one needs CAP_SYS_RESOURCE"
        assert_file_not_exists "/run/nsboot/machines/$name"
fi

# The guest widens its affinity within its CPUs (a default, not a limit).
if ((ncpus > 1)); then
        nsboot_run -D "$tree" --cpu-affinity=0 /bin/sh -c "taskset -p $((2 ** ncpus - 1)) \$\$ >/dev/null; grep Cpus_allowed_list /proc/self/status"
        assert_eq "Cpus_allowed_list:"$'\t'"0-$last" "$(tr -d '\r' <"$NSBOOT_OUT")" "the guest widened its affinity"
fi

# From a file; the command line wins.
printf 'lxc.proc.oom_score_adj = 123\nnsboot.cpu-affinity = 0\n' >"$WORKDIR/attrs.conf"
nsboot_run -D "$tree" --config="$WORKDIR/attrs.conf" /bin/sh -c "$probe"
assert_eq "123"$'\n'"123"$'\n'"Cpus_allowed_list:"$'\t'"0" "$(tr -d '\r' <"$NSBOOT_OUT")" "from the file"
nsboot_run -D "$tree" --config="$WORKDIR/attrs.conf" --oom-score-adjust=77 --cpu-affinity="$last" /bin/sh -c "$probe"
assert_eq "77"$'\n'"77"$'\n'"Cpus_allowed_list:"$'\t'"$last" "$(tr -d '\r' <"$NSBOOT_OUT")" "the command line wins"

# Bad values: refused before anything starts, naming the option or file:line.
for bad in 1001 -1001 x 1.5; do
        nsboot_run -D "$tree" --oom-score-adjust="$bad" /bin/true
        assert_rc 1 "--oom-score-adjust=$bad"
        assert_file_contains "$NSBOOT_ERR" "--oom-score-adjust: invalid value '$bad' (expected an integer from -1000 to 1000"
done
for bad in x 3-1 1024 0-; do
        nsboot_run -D "$tree" --cpu-affinity="$bad" /bin/true
        assert_rc 1 "--cpu-affinity=$bad"
        assert_file_contains "$NSBOOT_ERR" "--cpu-affinity: invalid value '$bad' (expected a CPU list"
done
printf 'lxc.proc.oom_score_adj = 5000\nlxc.proc.timerslack_ns = 10\n' >"$WORKDIR/bad.conf"
nsboot_run -D "$tree" --config="$WORKDIR/bad.conf" /bin/true
assert_rc 1 "bad lxc.proc keys"
assert_file_contains "$NSBOOT_ERR" "$WORKDIR/bad.conf:1: lxc.proc.oom_score_adj: invalid value '5000'"
assert_file_contains "$NSBOOT_ERR" "$WORKDIR/bad.conf:2: lxc.proc.timerslack_ns: not supported yet"
# A CPU this host does not have: refused at start, and nothing is left.
nsboot_run -D "$tree" -M "$name" --cpu-affinity=1000 /bin/true
assert_rc 1 "--cpu-affinity=1000"
assert_file_contains "$NSBOOT_ERR" "--cpu-affinity=1000: none of these CPUs is online and in the machine's cpuset"
assert_file_not_exists "/run/nsboot/machines/$name"
exit 0
