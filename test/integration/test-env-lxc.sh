#!/bin/bash
# LXC 6's lxc.environment.runtime and lxc.environment.hooks: the guest's command gets
# lxc.environment and lxc.environment.runtime, never the hooks' variables; every hook, on the host
# and in the guest's namespaces, with and without a user namespace, gets lxc.environment.hooks and
# none of the guest's; LXC's own variables (LXC_NAME) win over a hook variable of that name; an
# empty line clears the list. Bad values name file:line and start nothing. (An untrusted file may
# not set lxc.environment.hooks: test-untrusted-keys.sh.)
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
name=$(basename "$tree")
# The hooks that run in the guest's namespaces run as its root, by default an unprivileged host
# uid: the script and its log must be open to it.
hookdir=$(mktemp -d /tmp/nsboot-env-lxc.XXXXXX)
at_exit "rm -rf '$hookdir'"
chmod 0755 "$hookdir"
log=$hookdir/hooks.log
hook=$hookdir/hook.sh
printf '#!/bin/sh\necho "$3: $(env | grep -E "^(NSBT_|LXC_NAME=)" | sort | tr "\\n" " ")" >>%s\n' "$log" >"$hook"
chmod 0755 "$hook"
install -m 0666 /dev/null "$log"

conf=$WORKDIR/env.conf
cat >"$conf" <<CONF
lxc.environment = NSBT_BOTH=both
lxc.environment.runtime = NSBT_RUNTIME=runtime
lxc.environment.hooks = NSBT_GONE=cleared
lxc.environment.hooks =
lxc.environment.hooks = NSBT_HOOKS=hooks
lxc.environment.hooks = LXC_NAME=not-the-name
lxc.hook.pre-start = $hook
lxc.hook.mount = $hook
lxc.hook.start-host = $hook
lxc.hook.post-stop = $hook
CONF

for mode in pick no; do
        : >"$log"
        nsboot_run --private-users="$mode" --config="$conf" -D "$tree" /bin/sh -c 'env | grep ^NSBT_ | sort'
        assert_rc 0 "the run with hooks ($mode)"
        assert_eq "NSBT_BOTH=both"$'\n'"NSBT_RUNTIME=runtime" "$(output)" "the guest's environment ($mode)"
        for type in pre-start mount start-host post-stop; do
                assert_file_contains "$log" "$type: LXC_NAME=$name NSBT_HOOKS=hooks " "the $type hook's environment ($mode)"
        done
        assert_eq 4 "$(wc -l <"$log")" "one line per hook ($mode)"
        assert_file_not_contains "$log" NSBT_BOTH "lxc.environment reached a hook ($mode)"
        assert_file_not_contains "$log" NSBT_RUNTIME "lxc.environment.runtime reached a hook ($mode)"
        assert_file_not_contains "$log" NSBT_GONE "a cleared lxc.environment.hooks variable ($mode)"
done

# With -b the guest's init gets the same: its environment, read from the host while it runs.
boot_sleeping "$tree" --config="$conf"
environ=$(tr '\0' '\n' <"/proc/$LEADER/environ" | grep ^NSBT_ | sort)
assert_eq "NSBT_BOTH=both"$'\n'"NSBT_RUNTIME=runtime" "$environ" "init's environment"
poweroff_guest

# Bad values: file:line, nothing starts.
printf '%s\n' "lxc.environment.hooks = 1BAD=x" "lxc.environment.runtime = =x" "lxc.environment.hooks = A B=c" \
        "lxc.hook.pre-start = /bin/touch $WORKDIR/ran" >"$WORKDIR/bad.conf"
nsboot_run --config="$WORKDIR/bad.conf" -M "$name" -D "$tree" /bin/echo ran
assert_rc 1 "bad values"
assert_file_contains "$NSBOOT_ERR" "$WORKDIR/bad.conf:1: lxc.environment.hooks: invalid value '1BAD=x'"
assert_file_contains "$NSBOOT_ERR" "$WORKDIR/bad.conf:2: lxc.environment.runtime: invalid value '=x'"
assert_file_contains "$NSBOOT_ERR" "$WORKDIR/bad.conf:3: lxc.environment.hooks: invalid value 'A B=c'"
assert_file_not_exists "$WORKDIR/ran" "a hook ran"
assert_file_not_contains "$NSBOOT_OUT" ran "the command ran"
assert_file_not_exists "/run/nsboot/machines/$name"
exit 0
