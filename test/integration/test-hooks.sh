#!/bin/bash
# lxc.hook.*: every type runs in LXC's order, in the namespaces LXC runs it in, with LXC's
# environment and (lxc.hook.version = 0) its three arguments, with and without a user namespace; version 1 gives the environment
# only; a failing hook stops the start naming the hook and its exit status, the guest never runs,
# the stop hooks still run, and nothing is left behind (lib.sh checks mounts and the cgroup).
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
name=$(basename "$tree")
# The hooks that run in the guest's namespaces run as its root, by default an unprivileged host
# uid (as LXC's unprivileged containers run them): the script and its log must be open to it.
hookdir=$(mktemp -d /tmp/nsboot-hooks.XXXXXX)
at_exit "rm -rf '$hookdir'"
chmod 0755 "$hookdir"
log=$hookdir/hooks.log
hook=$hookdir/hook.sh
host_mnt=$(readlink /proc/self/ns/mnt)

# One line per run: arguments, then what the environment and the namespaces say.
cat >"$hook" <<SCRIPT
#!/bin/sh
alive=no
[ -n "\${LXC_PID:-}" ] && [ -d "/proc/\$LXC_PID" ] && alive=yes
proc=\$(grep -c " \$LXC_ROOTFS_MOUNT/proc " /proc/self/mountinfo)
echo "args=\$*|type=\${LXC_HOOK_TYPE:-}|section=\${LXC_HOOK_SECTION:-}|name=\$LXC_NAME|rootfs=\$LXC_ROOTFS_PATH|mount=\$LXC_ROOTFS_MOUNT|conf=\$LXC_CONFIG_FILE|cgns=\$LXC_CGNS_AWARE|version=\$LXC_HOOK_VERSION|pid=\${LXC_PID:-}|alive=\$alive|target=\${LXC_TARGET:-}|mnt=\$(readlink /proc/self/ns/mnt)|proc=\$proc|stdin=\$(readlink /proc/self/fd/0)" >>"$log"
SCRIPT
chmod 0755 "$hook"
install -m 0666 /dev/null "$log"
# The start hook runs in the guest, after the switch to its root: a script of the tree.
cat >"$tree/start-hook" <<'SCRIPT'
#!/bin/sh
echo "args=$*|type=${LXC_HOOK_TYPE:-}|name=$LXC_NAME|root=$(ls -d /sbin/init)" >>/start-hook.log
SCRIPT
chmod 0755 "$tree/start-hook"

conf=$WORKDIR/hooks.conf
cat >"$conf" <<CONF
lxc.hook.post-stop = $hook
lxc.hook.stop = $hook
lxc.hook.start = /start-hook
lxc.hook.start-host = $hook
lxc.hook.autodev = $hook
lxc.hook.mount = $hook
lxc.hook.pre-mount = $hook
lxc.hook.pre-start = $hook first
lxc.hook.pre-start = $hook second
CONF

# field LINE KEY: the value of KEY= in a log line
field() { tr '|' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# check_all_hooks [NSBOOT OPTIONS]: one run with every hook, and everything they saw.
check_all_hooks() {
        : >"$log"
        rm -f "$tree/start-hook.log"
        nsboot_run -D "$tree" --config="$conf" "$@" /bin/echo GUEST-RAN
        assert_rc 0 "start with hooks"
        assert_file_contains "$NSBOOT_OUT" GUEST-RAN "the guest ran"
        local lines l t order
        mapfile -t lines <"$log"
        ((${#lines[@]} == 8)) || fail "expected 8 host hook runs, got ${#lines[@]}:"$'\n'"$(cat "$log")"
        order=""
        for l in "${lines[@]}"; do
                order+="$(field "$l" args | awk '{ print $NF }') "
        done
        assert_eq "pre-start pre-start pre-mount mount autodev start-host stop post-stop " "$order" "hook order"
        assert_eq "first $name lxc pre-start" "$(field "${lines[0]}" args)" "version 0 arguments, after the command's own"
        assert_eq "second $name lxc pre-start" "$(field "${lines[1]}" args)" "second pre-start hook"
        for l in "${lines[@]}"; do
                t=$(field "$l" args | awk '{ print $NF }')
                assert_eq "$name" "$(field "$l" name)" "$t: LXC_NAME"
                assert_eq "$tree" "$(field "$l" rootfs)" "$t: LXC_ROOTFS_PATH"
                assert_eq /run/nsboot/root "$(field "$l" mount)" "$t: LXC_ROOTFS_MOUNT (the tree's place in the guest's namespace)"
                assert_eq "$conf" "$(field "$l" conf)" "$t: LXC_CONFIG_FILE"
                assert_eq 1 "$(field "$l" cgns)" "$t: LXC_CGNS_AWARE"
                assert_eq 0 "$(field "$l" version)" "$t: LXC_HOOK_VERSION"
                assert_eq "" "$(field "$l" type)" "$t: no LXC_HOOK_TYPE with version 0"
                assert_eq /dev/null "$(field "$l" stdin)" "$t: stdin"
                case $t in
                pre-start | start-host | stop | post-stop)
                        assert_eq "$host_mnt" "$(field "$l" mnt)" "$t runs in the host's mount namespace" ;;
                *)
                        assert_ne "$host_mnt" "$(field "$l" mnt)" "$t runs in the guest's mount namespace" ;;
                esac
        done
        # pre-mount before any mount, mount and autodev after /proc is mounted in the tree
        assert_eq 0 "$(field "${lines[2]}" proc)" "pre-mount: nothing mounted yet"
        assert_ne 0 "$(field "${lines[3]}" proc)" "mount hook: /proc of the tree mounted"
        assert_ne 0 "$(field "${lines[4]}" proc)" "autodev hook: /proc of the tree mounted"
        # start-host: LXC_PID is the guest's init, alive at that moment; stop and post-stop: LXC_TARGET
        [[ $(field "${lines[5]}" pid) =~ ^[0-9]+$ ]] || fail "start-host: LXC_PID not set: ${lines[5]}"
        assert_eq yes "$(field "${lines[5]}" alive)" "start-host: LXC_PID names a live process"
        assert_eq "" "$(field "${lines[0]}" pid)" "pre-start: no LXC_PID yet"
        assert_eq stop "$(field "${lines[6]}" target)" "stop: LXC_TARGET"
        assert_eq stop "$(field "${lines[7]}" target)" "post-stop: LXC_TARGET"
        # the start hook ran inside the guest's root, with the tree's /bin/sh
        assert_eq "$name lxc start|type=|name=$name|root=/sbin/init" "$(sed 's/^args=//' "$tree/start-hook.log")" "start hook"
}

check_all_hooks
check_all_hooks --private-users=no

# Version 1: no arguments; LXC_HOOK_TYPE and LXC_HOOK_SECTION instead.
: >"$log"
printf 'lxc.hook.version = 1\nlxc.hook.mount = %s\n' "$hook" >"$WORKDIR/v1.conf"
nsboot_run -D "$tree" --config="$WORKDIR/v1.conf" /bin/true
assert_rc 0 "start with a version 1 hook"
l=$(cat "$log")
assert_eq "" "$(field "$l" args)" "version 1: no arguments"
assert_eq mount "$(field "$l" type)" "version 1: LXC_HOOK_TYPE"
assert_eq lxc "$(field "$l" section)" "version 1: LXC_HOOK_SECTION"
assert_eq 1 "$(field "$l" version)" "version 1: LXC_HOOK_VERSION"

# A failing hook stops the start; the stop hooks still run; nothing is left behind.
for failing in pre-start mount start-host start; do
        : >"$log"
        printf 'lxc.hook.%s = /bin/sh -c "exit 3"\nlxc.hook.post-stop = %s\n' "$failing" "$hook" >"$WORKDIR/fail.conf"
        nsboot_run -D "$tree" --config="$WORKDIR/fail.conf" /bin/echo GUEST-RAN
        assert_rc 1 "failing $failing hook"
        assert_file_contains "$NSBOOT_ERR" "lxc.hook.$failing '/bin/sh -c \"exit 3\"' failed with exit status 3" \
                "$failing: the error names the hook and its status"
        assert_file_not_contains "$NSBOOT_OUT" GUEST-RAN "$failing: the guest did not run"
        grep -q "post-stop" "$log" || fail "$failing: post-stop hook did not run after the failed start"
done

# Hooks are for trusted files only: beside the tree they are ignored, with a warning.
: >"$log"
printf 'lxc.hook.pre-start = %s\n' "$hook" >"$WORKDIR/$name.nsboot"
nsboot_run -D "$tree" /bin/true
assert_rc 0 "untrusted hook"
assert_file_contains "$NSBOOT_ERR" "lxc.hook.pre-start: ignored in an untrusted file" "untrusted hook refused"
[[ ! -s $log ]] || fail "a hook from an untrusted file ran"
rm -f "$WORKDIR/$name.nsboot"
