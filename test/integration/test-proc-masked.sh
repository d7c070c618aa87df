#!/bin/bash
# Dangerous /proc entries cannot be opened in the guest, even by root; some directories are
# read-only.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
boot_sleeping "$tree"

checked=0
for entry in kallsyms kcore keys sysrq-trigger timer_list; do
        if [[ ! -e /proc/$entry ]]; then
                log "host has no /proc/$entry"
                continue
        fi
        # Open without reading or writing anything: sysrq-trigger is write-only, and a write
        # could do something to the host.
        if [[ $entry == sysrq-trigger ]]; then
                redirect="exec 3>>/proc/$entry"
        else
                redirect="exec 3</proc/$entry"
        fi
        # The probe itself works on the host, so a failure in the guest means "masked".
        bash -c "$redirect" || fail "cannot open /proc/$entry even on the host; the test is wrong"
        if in_guest "$LEADER" sh -c "$redirect" 2>/dev/null; then
                fail "/proc/$entry can be opened in the guest"
        fi
        checked=$((checked + 1))
done
((checked > 0)) || fail "no maskable /proc entry on this host"

minfo=$(in_guest "$LEADER" cat /proc/self/mountinfo)
for dir in acpi apm asound bus fs irq scsi; do
        [[ -e /proc/$dir ]] || continue
        opts=$(awk -v m="/proc/$dir" '$5 == m { o = $6 } END { print o }' <<<"$minfo")
        [[ ,$opts, == *,ro,* ]] || fail "/proc/$dir is not mounted read-only in the guest (options '$opts')"
        if in_guest "$LEADER" touch "/proc/$dir" 2>/dev/null; then
                fail "/proc/$dir is writable in the guest"
        fi
done

poweroff_guest
