#!/bin/bash
# lxc.init.uid, lxc.init.gid (LXC 2.0: lxc.init_uid, lxc.init_gid) and lxc.init.groups, in both user
# namespace modes: the command runs under those numeric guest ids, as id shows inside, and as the
# mapped host ids in the host's /proc/PID/status; the tree's /etc/passwd gives HOME and USER only
# when it has the uid. With -b, init runs under them as in LXC: testinit sees its uid, and without
# capabilities its reboot() fails. Refused before anything starts, naming the key (and file:line
# for a bad value), with nothing left on the host: bad values, ids the user namespace does not
# map, -u together with them.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
name=$(basename "$tree")
conf=$WORKDIR/ids.conf
printf '%s\n' "lxc.init_uid = 1000" "lxc.init.gid = 1001" "lxc.init.groups = 10,20" "lxc.init.groups = 30" >"$conf"

# status_ids PID FIELD: the ids of a "Uid:", "Gid:" (the real one) or "Groups:" line of the host's view.
status_ids() {
        awk -v f="$2:" '$1 == f { if (f == "Groups:") { $1 = ""; print substr($0, 2) } else print $2 }' "/proc/$1/status"
}

# The guest prints its ids and waits (bounded) for /nsbt-go, so that the host can look at it.
probe='echo "ids=$(id -u):$(id -g):$(id -G | tr " " ,) home=$HOME user=${USER-unset}"
i=0; while [ ! -e /nsbt-go ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done'
for mode in pick no; do
        rm -f "$tree/nsbt-go"
        nsboot_start --private-users="$mode" --config="$conf" -D "$tree" /bin/sh -c "$probe"
        wait_output '^ids='
        LEADER=$(leader_pid "$NSBOOT_PID")
        ubase=$(awk '$1 == 0 { print $2 }' "/proc/$LEADER/uid_map")
        gbase=$(awk '$1 == 0 { print $2 }' "/proc/$LEADER/gid_map")
        [[ $mode == no ]] && assert_eq "0 0" "$ubase $gbase" "no user namespace: host ids"
        [[ $mode == pick ]] && assert_ne 0 "$ubase" "a picked range"
        assert_eq "ids=1000:1001:1001,10,20,30 home=/ user=unset" "$(output | grep '^ids=')" "the ids inside ($mode)"
        assert_eq "$((ubase + 1000))" "$(status_ids "$LEADER" Uid)" "the host's Uid ($mode)"
        assert_eq "$((gbase + 1001))" "$(status_ids "$LEADER" Gid)" "the host's Gid ($mode)"
        assert_eq "$((gbase + 10)) $((gbase + 20)) $((gbase + 30))" "$(status_ids "$LEADER" Groups)" \
                "the host's Groups ($mode)"
        touch "$tree/nsbt-go"
        nsboot_wait
        assert_rc 0 "the command as uid 1000 ($mode)"
done

# A uid the tree's /etc/passwd has: its HOME, USER and shell (the default command), not its group.
echo 'nsbtids:x:1000:4242:test:/home/nsbt:/bin/nsbtshell' >>"$tree/etc/passwd"
printf '#!/bin/sh\necho "shell=$0 ids=$(id -u):$(id -g) home=$HOME user=$USER"\n' >"$tree/bin/nsbtshell"
chmod 0755 "$tree/bin/nsbtshell"
nsboot_run --config="$conf" -D "$tree"
assert_rc 0 "the default command as a uid of the tree's passwd"
assert_contains "$(output)" "ids=1000:1001 home=/home/nsbt user=nsbtids" "HOME and USER from the tree's passwd"
assert_contains "$(output)" "shell=/bin/nsbtshell" "the user's shell is the default command"

# -b: init under the ids; it cannot power off (no CAP_SYS_BOOT), so nsboot's stop ends it.
nsboot_run --config="$conf" -D "$tree" -b exit 7
assert_rc 7 "init as uid 1000, exit 7"
assert_eq 1000 "$(fact uid)" "init's uid inside"
boot_sleeping "$tree" --config="$conf" --stop-timeout=10
pick_leader_uid=$(awk '$1 == 0 { print $2 }' "/proc/$LEADER/uid_map")
assert_eq "$((pick_leader_uid + 1000))" "$(status_ids "$LEADER" Uid)" "init's host uid"
assert_eq 0000000000000000 "$(awk '$1 == "CapEff:" { print $2 }' "/proc/$LEADER/status")" "init has no capabilities"
kill -TERM "$NSBOOT_PID"
nsboot_wait 40
assert_contains "$(fact error)" "reboot() failed: Operation not permitted" "init without capabilities cannot reboot()"
assert_file_not_exists "/run/nsboot/machines/$name"

# Bad values: file:line and key; ids outside the user namespace's map and -u: the key; nothing
# starts, nothing is left.
printf '%s\n' "lxc.init.uid = -1" "lxc.init.gid = 4294967295" "lxc.init.groups = 10,x" "lxc.init.uid = root" \
        "lxc.init.groups = ," >"$WORKDIR/bad.conf"
nsboot_run --config="$WORKDIR/bad.conf" -M "$name" -D "$tree" /bin/echo ran
assert_rc 1 "bad values"
for line in "1: lxc.init.uid: invalid value '-1'" "2: lxc.init.gid: invalid value '4294967295'" \
        "3: lxc.init.groups: invalid value '10,x'" "4: lxc.init.uid: invalid value 'root'" \
        "5: lxc.init.groups: invalid value ','"; do
        assert_file_contains "$NSBOOT_ERR" "$WORKDIR/bad.conf:$line" "the error names file:line"
done
assert_file_not_contains "$NSBOOT_OUT" ran "the command ran with bad values"
assert_file_not_exists "/run/nsboot/machines/$name"
for key in "lxc.init.uid = 65536|nsboot.init-uid=65536 (lxc.init.uid): not a user id of the guest" \
        "lxc.init.gid = 70000|nsboot.init-gid=70000 (lxc.init.gid): not a group id of the guest" \
        "lxc.init.groups = 5,65536|nsboot.init-groups: 65536 (lxc.init.groups) is not a group id of the guest"; do
        echo "${key%%|*}" >"$WORKDIR/unmapped.conf"
        nsboot_run --config="$WORKDIR/unmapped.conf" -M "$name" -D "$tree" /bin/echo ran
        assert_rc 1 "${key%%|*}: unmapped"
        assert_file_contains "$NSBOOT_ERR" "${key#*|}" "the error names the key"
        assert_file_not_contains "$NSBOOT_OUT" ran "the command ran with ${key%%|*}"
        assert_file_not_exists "/run/nsboot/machines/$name"
done
# Without a user namespace every id is the guest's.
echo "lxc.init.uid = 70000" >"$WORKDIR/unmapped.conf"
nsboot_run --private-users=no --config="$WORKDIR/unmapped.conf" -D "$tree" /bin/sh -c 'id -u'
assert_rc 0 "uid 70000 without a user namespace"
assert_eq 70000 "$(output)" "uid 70000 inside"
nsboot_run -u nobody --config="$conf" -M "$name" -D "$tree" /bin/echo ran
assert_rc 1 "-u with lxc.init.uid"
assert_file_contains "$NSBOOT_ERR" "-u/--user= cannot be combined with nsboot.init-uid"
assert_file_not_exists "/run/nsboot/machines/$name"
exit 0
