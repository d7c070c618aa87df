#!/bin/bash
# nsbootctl start: boots machines in the background on a host without systemd (lxc-start, vzctl
# start): nsboot in a session of its own, not a child of the caller, with none of its descriptors,
# nsboot's messages appended to /var/log/nsboot/NAME.log (the guest's console is passive: a guest
# cannot fill the host's /var/log); nsbootctl returns once the guest's init runs.
# A running machine, an invalid name, a machine without a tree and a broken config are refused
# with nsboot's own message on stderr, and leave no machine record, lock or process behind.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

ctl_init
[[ ! -d /run/systemd/system ]] || skip "systemd runs this host: nsbootctl start uses nsboot@.service (test-vm-ctl)"

# machine_conf NAME KEY=VALUE...: /etc/nsboot/NAME.conf, removed with its log at the end.
machine_conf() {
        local name=$1
        shift
        at_exit "rm -f '/etc/nsboot/$name.conf' '/var/log/nsboot/$name.log'"
        mkdir -p /etc/nsboot
        printf '%s\n' "$@" >"/etc/nsboot/$name.conf"
}

busybox_tree tree
new_name one
new_name two
stop_at_exit "$one"
stop_at_exit "$two"
machine_conf "$one" "nsboot.directory = $tree" "nsboot.parameters = sleep"
busybox_tree tree2
machine_conf "$two" "nsboot.directory = $tree2" "nsboot.parameters = sleep"

out=$(ctl start "$one" "$two" 2>&1 7>"$WORKDIR/inherited") || fail "nsbootctl start failed: $out"
assert_contains "$out" "Machine '$one' started" "start's message"
pid=$(supervisor_of "$one")
pid2=$(supervisor_of "$two")
list=$(ctl list)
assert_match "$(grep "^$one " <<<"$list")" "running" "list after start"
assert_match "$(grep "^$two " <<<"$list")" "running" "list after start of the second"
# In a session of its own, without a terminal, and no longer a child of ours.
assert_eq "$pid" "$(ps -o sid= -p "$pid" | tr -d ' ')" "nsboot leads its own session"
assert_eq "?" "$(ps -o tty= -p "$pid" | tr -d ' ')" "nsboot's terminal"
assert_ne "$$" "$(ps -o ppid= -p "$pid" | tr -d ' ')" "nsboot's parent"
assert_eq "/dev/null" "$(readlink "/proc/$pid/fd/0")" "nsboot's stdin"
assert_eq "/var/log/nsboot/$one.log" "$(readlink "/proc/$pid/fd/1")" "nsboot's stdout"
ls -l "/proc/$pid/fd" | grep -q "$WORKDIR/inherited" && fail "nsboot kept a descriptor of nsbootctl's caller"
assert_file_contains "/var/log/nsboot/$one.log" "-- nsbootctl start $one at " "the log's header"
assert_file_contains "/var/log/nsboot/$one.log" "Spawning container $one" "nsboot's messages in the log"
# A guest that floods its console does not fill the host's /var/log.
leader=$(sed -n 's/^LEADER=//p' "/run/nsboot/machines/$one.state")
in_guest "$leader" sh -c 'head -c 4000000 /dev/zero | tr "\\0" x >/dev/console'
size=$(stat -c %s "/var/log/nsboot/$one.log")
((size < 65536)) || fail "the guest's console output went to /var/log/nsboot/$one.log ($size bytes)"

# status: the machine in detail, from its state file, /proc and its cgroup.
status=$(ctl status "$one") || fail "nsbootctl status failed"
echo "$status"
leader=$(sed -n 's/^LEADER=//p' "/run/nsboot/machines/$one.state")
assert_contains "$status" "$one (running)" "status: the name and state"
assert_contains "$status" "Leader: $leader (other)" "status: the leader"
assert_contains "$status" "Supervisor: $pid (nsboot)" "status: the supervisor"
assert_contains "$status" "Tree: $tree" "status: the tree"
read -r _ host count <"/proc/$leader/uid_map"
assert_contains "$status" "User IDs: 0..$((count - 1)) as host $host..$((host + count - 1));" "status: the ids"
assert_match "$(grep 'Tasks:' <<<"$status")" "Tasks: [1-9]" "status: the tasks"
assert_contains "$status" "Log: /var/log/nsboot/$one.log" "status: the log"
# enter -u: a user of the machine's /etc/passwd, without capabilities; a UID it does not list; an
# unknown name is refused.
out=$(ctl enter -u nobody "$one" sh -c 'echo "$(id -u):$(id -g) $HOME $USER"; grep ^CapEff /proc/self/status')
assert_eq "65534:65534 /nonexistent nobody"$'\n'"CapEff:	0000000000000000" "$out" "enter -u nobody"
assert_eq "4711:4711" "$(ctl enter --user=4711 "$one" sh -c 'echo "$(id -u):$(id -g)"')" "enter -u of a bare UID"
assert_eq "0 /root" "$(ctl enter "$one" sh -c 'echo "$(id -u) $HOME"')" "enter without -u"
rc=0
out=$(ctl enter -u nosuch "$one" true 2>&1) || rc=$?
assert_eq 126 "$rc" "enter -u of an unknown user"
assert_contains "$out" "-u/--user=nosuch: no such user in the machine's /etc/passwd"
out=$(ctl status nsbtnone 2>&1) && fail "status of a machine that does not run passed"
assert_contains "$out" "Machine 'nsbtnone' is not running"

out=$(ctl start "$one" 2>&1) && fail "a second start of a running machine passed"
assert_contains "$out" "Machine '$one' is running already"
assert_eq "$pid" "$(supervisor_of "$one")" "the running machine after a second start"

ctl stop "$one" "$two" || fail "nsbootctl stop failed"
assert_file_not_exists "/run/nsboot/machines/$one.state"
wait_pid_exit "$pid" 10 || fail "nsboot of $one still runs after stop"
wait_pid_exit "$pid2" 10 || fail "nsboot of $two still runs after stop"
assert_file_contains "/var/log/nsboot/$one.log" "has been shut down" "the log after stop"

# Started again: the log grows, the machine runs.
ctl start -q "$one" || fail "the second start failed"
assert_eq 2 "$(grep -c "^-- nsbootctl start $one at " "/var/log/nsboot/$one.log")" "one header a start"
pid=$(supervisor_of "$one")
ctl stop "$one" || fail "nsbootctl stop failed"
wait_pid_exit "$pid" 10 || fail "nsboot of $one still runs after stop"

# Refused: nsboot's message on stderr, exit status 1, nothing left.
refused() {
        local name=$1 msg=$2 out
        out=$(ctl start "$name" 2>&1) && fail "start of $name passed"
        assert_contains "$out" "$msg" "start of $name: the message"
        assert_file_not_exists "/run/nsboot/machines/$name.state" "start of $name: a machine record"
        assert_file_not_exists "/run/nsboot/locks/machine-$name" "start of $name: a machine lock"
        pgrep -f "nsboot --boot --console=read-only -M $name\$" >/dev/null && fail "an nsboot of $name still runs"
        return 0
}
new_name bad
machine_conf "$bad" "nsboot.directory = $WORKDIR/nonexistent"
refused "$bad" "-D/--directory=$WORKDIR/nonexistent: No such file or directory"
assert_contains "$(ctl start "$bad" 2>&1)" "Machine '$bad' did not start (nsboot exited with status 1); its output is in /var/log/nsboot/$bad.log"
new_name bad2
machine_conf "$bad2" "nsboot.directory = $tree" "nsboot.frobnicate = 1"
refused "$bad2" "/etc/nsboot/$bad2.conf:2"
new_name none
at_exit "rm -f '/var/log/nsboot/$none.log'"
refused "$none" "No tree or image for machine '$none'"
out=$(ctl start 'a/b' 2>&1) && fail "an invalid name passed"
assert_contains "$out" "'a/b' is not a valid machine name"
exit 0
