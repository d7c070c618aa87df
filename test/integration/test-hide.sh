#!/bin/bash
# --inaccessible=PATH and nsboot.proc.hide make paths of the guest unreadable, /proc entries (the
# /proc view's too) and files of the tree alike, for root inside as well; the rest stays readable.
# Bad paths are refused naming the option, and leave nothing behind.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
name=$(basename "$tree")
echo secret >"$tree/etc/secret"
conf=$WORKDIR/hide.conf
printf 'lxc.rootfs.path = dir:%s\nnsboot.proc.hide = /proc/meminfo\n' "$tree" >"$conf"

nsboot_run -q --config="$conf" -M "$name" --inaccessible=/proc/uptime --inaccessible=/etc/secret \
        --inaccessible=/proc/sys/kernel /bin/sh -c '
        for f in /proc/uptime /proc/meminfo /etc/secret /proc/sys/kernel/hostname /proc/cpuinfo /proc/version; do
                if cat "$f" >/dev/null 2>&1; then echo "$f=readable"; else echo "$f=hidden"; fi
        done'
assert_rc 0
for f in /proc/uptime /proc/meminfo /etc/secret /proc/sys/kernel/hostname; do
        assert_contains "$(output)" "$f=hidden" "$f in the guest"
done
for f in /proc/cpuinfo /proc/version; do
        assert_contains "$(output)" "$f=readable" "$f in the guest"
done
assert_eq secret "$(cat "$tree/etc/secret")" "the hidden file in the tree, from the host"

nsboot_run -q --config="$conf" -M "$name" --check --inaccessible=/proc/kmsg
assert_rc 0
assert_eq "/proc/meminfo /proc/kmsg" "$(output | sed -n 's/^nsboot.proc.hide = //p' | paste -s -d ' ')" \
        "--check shows the hide list"

nsboot_run -q -D "$tree" --inaccessible=proc/uptime /bin/true
assert_rc 1
assert_file_contains "$NSBOOT_ERR" "--inaccessible: invalid value 'proc/uptime'" "a relative path is refused"
nsboot_run -q -D "$tree" --inaccessible=/no/such/file /bin/true
assert_rc 1
assert_file_contains "$NSBOOT_ERR" "--inaccessible=/no/such/file: not in the guest" "a missing path is named"
exit 0
