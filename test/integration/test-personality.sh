#!/bin/bash
# lxc.arch / --personality: a 32-bit personality (x86, i686, linux32) makes uname -m in the guest say
# i686, for the command and for PID 1 (set before exec, inherited by its children); x86_64 keeps the host's.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[[ $(uname -m) == x86_64 ]] || skip "the 32-bit personality test needs an x86_64 host (this is $(uname -m))"
busybox_tree tree

nsboot_run -D "$tree" /bin/uname -m
assert_rc 0 "uname without a personality"
assert_eq x86_64 "$(tr -d '\r' <"$NSBOOT_OUT")" "the host's machine by default"

for arch in x86 i686 linux32; do
        nsboot_run -D "$tree" --personality="$arch" /bin/uname -m
        assert_rc 0 "--personality=$arch"
        assert_eq i686 "$(tr -d '\r' <"$NSBOOT_OUT")" "uname -m with --personality=$arch"
done

printf 'lxc.arch = i686\n' >"$WORKDIR/arch.conf"
nsboot_run -D "$tree" --config="$WORKDIR/arch.conf" /bin/uname -m
assert_eq i686 "$(tr -d '\r' <"$NSBOOT_OUT")" "uname -m with lxc.arch = i686"
# the command line wins over the file
nsboot_run -D "$tree" --config="$WORKDIR/arch.conf" --personality=x86-64 /bin/uname -m
assert_eq x86_64 "$(tr -d '\r' <"$NSBOOT_OUT")" "--personality=x86-64 over lxc.arch = i686"

# PID 1 itself has it (and passes it to what it starts): a booted guest's init. (A process
# nsenter puts in from the host has the host's: the personality is a process's, not a namespace's.)
boot_sleeping "$tree" --personality=x86
assert_eq 00000008 "$(awk '{ print }' "/proc/$LEADER/personality")" "PID 1's personality is PER_LINUX32"
poweroff_guest

# Another architecture cannot run here: refused before anything starts.
nsboot_run -D "$tree" --personality=arm64 /bin/true
assert_rc 1 "--personality=arm64"
assert_file_contains "$NSBOOT_ERR" "--personality: not supported yet ('arm64'" "arm64 refused"
