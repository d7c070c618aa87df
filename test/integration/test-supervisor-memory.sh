#!/bin/bash
# Issue 14: the supervisor of a running guest holds <= 2 MiB (VmRSS), in the default mode and with
# --private-users=no. One second after the guest started it gives back its free heap and the clean
# page-cache pages of its code that only setup used (src/supervisor/trim.c); the pages it needs
# later come back by a fault: after the trim it still serves the guest's /proc (FUSE), answers
# nsbootctl on its control socket and powers the guest off on SIGTERM, exit status 0; what that
# mapped again is given back at the next check (every 10 s). VmRSS, PSS and USS (smaps_rollup) are
# logged at each step.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd awk

LIMIT_KIB=2048
ctl_init

# mem PID: "VmRSS=N Pss=N USS=N" in KiB
mem() {
        local rss pss uss
        rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status")
        read -r pss uss < <(awk '/^Pss:/ { p = $2 } /^Private_(Clean|Dirty):/ { u += $2 }
                END { print p, u }' "/proc/$1/smaps_rollup")
        echo "VmRSS=$rss Pss=$pss USS=$uss"
}

# rss_after_trim PID SECS: VmRSS once a trim has run (it drops within SECS), else the last value
rss_after_trim() {
        local rss deadline=$((SECONDS + $2))
        while :; do
                rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status")
                ((rss > LIMIT_KIB && SECONDS < deadline)) || break
                sleep 0.2
        done
        echo "$rss"
}

t=""
busybox_tree t
for mode in pick no; do
        boot_sleeping "$t" -q --private-users="$mode"
        log "--private-users=$mode, at once: $(mem "$NSBOOT_PID")"
        rss=$(rss_after_trim "$NSBOOT_PID" 10)
        log "--private-users=$mode, after the trim: $(mem "$NSBOOT_PID")"
        ((rss <= LIMIT_KIB)) || fail "--private-users=$mode: the supervisor's VmRSS is $rss KiB, more than $LIMIT_KIB KiB"
        # Code given back is mapped again when used
        in_guest "$LEADER" cat /proc/meminfo >"$WORKDIR/meminfo" || fail "cannot read the guest's /proc/meminfo"
        assert_file_contains "$WORKDIR/meminfo" "MemTotal:" "the guest's /proc/meminfo after the trim"
        assert_contains "$(ctl list 2>&1)" "$(basename "$t")" "nsbootctl list after the trim"
        log "--private-users=$mode, after use: $(mem "$NSBOOT_PID")"
        # What that mapped again is given back at the next check (every 10 s)
        rss=$(rss_after_trim "$NSBOOT_PID" 25)
        log "--private-users=$mode, after the next check: $(mem "$NSBOOT_PID")"
        ((rss <= LIMIT_KIB)) || fail "--private-users=$mode: the supervisor's VmRSS is $rss KiB after use, more than $LIMIT_KIB KiB"
        kill -TERM "$NSBOOT_PID"
        nsboot_wait 30
        assert_rc 0 "--private-users=$mode: poweroff on SIGTERM after the trim"
done
exit 0
