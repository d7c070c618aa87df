#!/bin/bash
# The preflight of a boot (src/supervisor/host-limits.c): when root's inotify instances are used
# up, nsboot refuses to boot and names fs.inotify.max_user_instances and the sysctl that raises
# it; when only a few are left, it warns; command mode (no -b) is not checked. The host's limit
# is never touched: nsboot runs as root of a user namespace of its own (unshare -Ur) whose
# user.max_inotify_instances is lowered, which is the limit its inotify_init1() calls then meet.
# (Past the preflight, nsboot fails there for other reasons: not root on the host.)
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd unshare
unshare -Ur -- /bin/sh -c 'echo 5 >/proc/sys/user/max_inotify_instances' 2>/dev/null ||
        skip "cannot set user.max_inotify_instances in a user namespace"
REAL_NSBOOT=$NSBOOT
t=""

# nsboot_limited N: from now on nsboot runs in a user namespace allowing N inotify instances.
nsboot_limited() {
        local wrapper=$WORKDIR/nsboot-inotify-$1
        printf '#!/bin/bash\nexec unshare -Ur -- /bin/sh -c %q %q %q "$@"\n' \
                'echo "$0" >/proc/sys/user/max_inotify_instances && exec "$@"' "$1" "$REAL_NSBOOT" >"$wrapper"
        chmod 0755 "$wrapper"
        NSBOOT=$wrapper
}

busybox_tree t

nsboot_limited 0
nsboot_run -q -D "$t" -b sleep
assert_rc 1
assert_contains "$(cat "$NSBOOT_ERR")" "Not booting: root has used up its inotify instances" "no instance left"
assert_contains "$(cat "$NSBOOT_ERR")" "sysctl -w fs.inotify.max_user_instances=" "the sysctl named"
nsboot_run -q -D "$t" /bin/true
assert_not_contains "$(cat "$NSBOOT_ERR")" "inotify" "command mode is not checked"

nsboot_limited 3
nsboot_run -q -D "$t" -b sleep
assert_contains "$(cat "$NSBOOT_ERR")" "Only 3 inotify instances are left for root" "three left"
assert_not_contains "$(cat "$NSBOOT_ERR")" "Not booting" "three left"

nsboot_limited 64
nsboot_run -q -D "$t" -b sleep
assert_not_contains "$(cat "$NSBOOT_ERR")" "inotify" "enough left"
exit 0
