#!/bin/bash
# The bash completion of nsbootctl, driven as bash drives it (COMP_WORDS, COMP_CWORD, then the
# function): verbs, options and their values, running machines for enter/stop/console, every machine
# (config files, /var/lib/machines, running ones) for remove and the first name of clone and rename,
# nothing after "enter NAME"; for bind a running machine, a host path, and the words of --options
# one after another.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

# shellcheck source=shell-completion/bash/nsbootctl
. "$SRCDIR/shell-completion/bash/nsbootctl"

# complete WORD...: the candidates for the last word, sorted, one line.
complete_words() {
        COMP_WORDS=(nsbootctl "$@")
        COMP_CWORD=$#
        COMPREPLY=()
        _nsbootctl
        ((${#COMPREPLY[@]})) || return 0
        printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}

busybox_tree bb
running=$(basename "$bb")
new_name conf_only
mkdir -p /etc/nsboot
echo 'nsboot.boot = yes' >"/etc/nsboot/$conf_only.conf"
at_exit "rm -f '/etc/nsboot/$conf_only.conf'"
boot_sleeping "$bb"
retry 10 test -f "/run/nsboot/machines/$running.state" || fail "no state file"

assert_eq "list list-images " "$(complete_words li)" "verbs li*"
assert_eq "images " "$(complete_words im)" "verb"
assert_eq "disable " "$(complete_words dis)" "verb disable"
assert_eq "terminate " "$(complete_words ter)" "verb terminate"
assert_eq "$running " "$(complete_words terminate "$running")" "terminate: running machines"
assert_eq "" "$(complete_words terminate "$conf_only")" "terminate: a machine that does not run"
assert_eq "start stat status stop " "$(complete_words st)" "verbs st*"
assert_eq "shell " "$(complete_words sh)" "verb shell"
assert_eq "clone console console-log convert-nspawn copy-from copy-to create " "$(complete_words c)" "verbs c*"
assert_eq "--json " "$(complete_words --js)" "option"
assert_eq "cpu memory name " "$(complete_words top --sort '')" "--sort values"
assert_eq "cpu " "$(complete_words top --sort = c)" "--sort=c (bash splits at =)"
assert_eq "debootstrap mkosi " "$(complete_words create --method '')" "--method values"
assert_contains "$(complete_words create --release book)" "bookworm" "--release from debootstrap"
assert_eq "$running " "$(complete_words enter "$running")" "enter: running machines"
assert_eq "" "$(complete_words enter "$conf_only")" "enter: a machine that does not run"
assert_eq "" "$(complete_words enter "$running" l)" "enter NAME: the rest is the guest's command"
assert_eq "$running " "$(complete_words --quiet stop "${running:0:6}" | tr ' ' '\n' | grep -x "$running" | tr '\n' ' ')" \
        "stop after an option"
assert_eq "$running " "$(complete_words console "$running")" "console: running machines"
assert_eq "freeze " "$(complete_words fr)" "verb freeze"
assert_eq "$running " "$(complete_words thaw "$running")" "thaw: running machines"
assert_eq "" "$(complete_words freeze "$conf_only")" "freeze: a machine that does not run"
assert_eq "" "$(complete_words console "$conf_only")" "console: a machine that does not run"
assert_eq "" "$(complete_words console "$running" "")" "console takes one machine"
assert_eq "$conf_only " "$(complete_words remove "$conf_only")" "remove: machines of /etc/nsboot"
assert_contains "$(complete_words remove "")" "$running" "remove: running machines too"
assert_eq "$conf_only " "$(complete_words start "$conf_only")" "start: machines of /etc/nsboot"
assert_eq "$conf_only " "$(complete_words enable "$conf_only")" "enable: machines of /etc/nsboot"
# $NSBOOT_CONFIG_PATH's directories take the place of /etc/nsboot and /run/nsboot, as for nsbootctl.
mkdir "$WORKDIR/cfg"
: >"$WORKDIR/cfg/${conf_only}alt.conf"
assert_eq "${conf_only}alt " "$(NSBOOT_CONFIG_PATH=relative:$WORKDIR/cfg complete_words start "$conf_only")" \
        "start with \$NSBOOT_CONFIG_PATH: its directory's machine, not /etc/nsboot's"
assert_eq "$conf_only " "$(complete_words status "$conf_only")" "status: stopped machines too"
assert_eq "export export-tar " "$(complete_words exp)" "verbs exp*"
assert_eq "$conf_only " "$(complete_words export "$conf_only")" "export: machines of /etc/nsboot"
assert_contains "$(complete_words export "$conf_only" "$bb/e")" "$bb/etc" "export NAME: the file to write"
assert_eq "" "$(complete_words export "$conf_only" "$bb/etc" "")" "export takes two arguments"
assert_eq "$conf_only " "$(complete_words clone "$conf_only")" "clone: machines of /etc/nsboot"
assert_eq "" "$(complete_words rename "$conf_only" "")" "rename NAME: the new name is not offered"
assert_eq "--keep-machine-id " "$(complete_words clone --keep-m)" "--keep-machine-id"
assert_eq "$running " "$(complete_words copy-to "$running")" "copy-to: running machines"
assert_eq "" "$(complete_words copy-to "$conf_only")" "copy-to: a machine that does not run"
assert_eq "$SRCDIR/NEWS " "$(complete_words copy-to "$running" "$SRCDIR/NEW")" "copy-to: the host path"
assert_eq "" "$(complete_words copy-to "$running" /etc "/etc/host")" "copy-to: no guest path"
assert_eq "" "$(complete_words copy-from "$running" "/etc/host")" "copy-from: no guest path"
assert_eq "$SRCDIR/NEWS " "$(complete_words copy-from "$running" /x "$SRCDIR/NEW")" "copy-from: the host path"
assert_eq "--force " "$(complete_words --for)" "--force"
assert_eq "bind " "$(complete_words bi)" "verb bind"
assert_eq "$running " "$(complete_words bind "$running")" "bind: running machines"
assert_contains "$(complete_words bind "$running" "$bb")" "$bb" "bind NAME: a host path"
assert_eq "" "$(complete_words bind "$running" "$bb" /x)" "bind NAME HOSTPATH: the guest's path is not known"
assert_eq "idmap,norbind " "$(complete_words bind --options idmap,nor)" "--options: the last word of the list"
assert_eq "--mkdir " "$(complete_words bind --mk)" "--mkdir"
poweroff_guest
assert_eq "" "$(complete_words stop "$running")" "stop: the machine no longer runs"
exit 0
