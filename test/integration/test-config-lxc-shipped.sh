#!/bin/bash
# Every config file Debian's LXC packages (lxc, liblxc-common, lxc-templates) ship
# (/usr/share/lxc/config/*.conf with their includes) passes "nsboot --check", or fails only on keys
# not supported yet: no unknown key, no value nsboot misreads. Which lines nsboot must ignore or
# refuse is worked out here from nsboot.conf(5)'s LXC COMPATIBILITY section, line by line of the
# files: nsboot must refuse exactly those lines (PATH:LINE: KEY), and warn once about each key it
# ignores, at one of its lines.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd apt-get dpkg unshare

lxc=$("$SRCDIR/test/lib/lxc-configs.sh") || skip "cannot download Debian's lxc packages (apt lists missing or no mirror)"
confdir=$lxc/usr/share/lxc/config
mapfile -t configs < <(find "$confdir" -maxdepth 1 -name '*.conf' | sort)
((${#configs[@]} > 10)) || fail "only ${#configs[@]} config files in the packages"

# What nsboot must say about a line "KEY = VALUE" of these files, written from nsboot.conf(5)
# (LXC COMPATIBILITY: "Keys that are ignored", "Keys that describe what nsboot does anyway",
# "Keys that are not supported yet"), not from nsboot's code: "ignored", "unsupported" or nothing.
expect_for() {
        local key=$1 value=$2 tok
        case $key in
        lxc.log.file | lxc.log.level) ;;
        lxc.apparmor.* | lxc.selinux.* | lxc.tty.dir | lxc.hook.clone | lxc.hook.destroy | lxc.log.* | \
                lxc.monitor.* | lxc.rootfs.managed | lxc.rootfs.mount | lxc.seccomp.allow_nesting | lxc.signal.reboot)
                echo ignored ;;
        lxc.console.path) ;;
        lxc.start.auto | lxc.start.order | lxc.start.delay) ;;
        lxc.init.cmd | lxc.init.cwd | lxc.init.uid | lxc.init.gid | lxc.init.groups | lxc.execute.cmd | \
                lxc.keyring.session | lxc.environment.runtime | lxc.environment.hooks | lxc.autodev.tmpfs.size | \
                lxc.time.offset.boot | lxc.time.offset.monotonic | lxc.proc.oom_score_adj | lxc.sched.core | \
                lxc.namespace.clone | lxc.namespace.keep | lxc.namespace.share.net | lxc.namespace.share.uts | \
                lxc.namespace.share.ipc) ;;
        lxc.console.* | lxc.seccomp.notify.* | lxc.start.* | lxc.init.* | lxc.namespace.* | lxc.proc.* | lxc.time.* | \
                lxc.environment.*)
                echo unsupported ;;
        lxc.autodev)
                [[ $value == 1 ]] || echo tightened ;;
        lxc.mount.auto)
                local kind=""
                for tok in $value; do
                        tok=${tok%:force}
                        case $tok in
                        proc | proc:mixed | sys | sys:mixed | sys:ro | cgroup | cgroup:mixed | cgroup:ro | cgroup-full | \
                                cgroup2) ;;
                        proc:rw | sys:rw | cgroup:rw | cgroup-full:rw) kind=tightened ;;
                        *) echo unsupported; return ;;
                        esac
                done
                [[ -z $kind ]] || echo "$kind" ;;
        esac
}

# The expected messages, "PATH:LINE: KEY: KIND", over every config file (includes too).
expected=$WORKDIR/expected
while IFS= read -r -d '' f; do
        n=0
        while IFS= read -r line; do
                n=$((n + 1))
                [[ $line =~ ^[[:space:]]*(lxc\.[A-Za-z0-9_.]+)[[:space:]]*=[[:space:]]*(.*[^[:space:]])?[[:space:]]*$ ]] || continue
                kind=$(expect_for "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")
                [[ -z $kind ]] || echo "/usr/share/lxc/config/${f#"$confdir"/}:$n: ${BASH_REMATCH[1]}: $kind"
        done <"$f"
done < <(find "$confdir" -name '*.conf' -print0) | sort -u >"$expected"
log "expected messages:"$'\n'"$(cat "$expected")"
[[ -s $expected ]] || fail "no shipped line is expected to be ignored or refused: the expectations cannot be wrong"

busybox_tree tree
reported=$WORKDIR/reported
clean=0
partial=0
for conf in "${configs[@]}"; do
        base=/usr/share/lxc/config/$(basename "$conf")
        err=$WORKDIR/check-$(basename "$conf").err
        # The files include each other by absolute path: show them at their real place, in a
        # private mount namespace that only this nsboot --check sees.
        rc=0
        timeout 30 unshare -m --propagation private sh -c \
                'mount --bind "$1" /usr/share && shift && exec "$@"' _ "$lxc/usr/share" \
                "$NSBOOT" --config="$base" --check -D "$tree" >/dev/null 2>"$err" || rc=$?
        # nsboot's messages, classified; anything else (but LXC 2.0 spellings) is unexpected.
        sed -nE 's/^nsboot: ([^ ]+:[0-9]+: [^:]+): not supported yet \(.*/\1: unsupported/p;
                 s/^nsboot: ([^ ]+:[0-9]+: [^:]+): ignored: .*/\1: ignored/p;
                 s/^nsboot: ([^ ]+:[0-9]+: [^:]+): tightened: .*/\1: tightened/p' "$err" >>"$reported"
        unexpected=$(grep -v -e ': not supported yet (' -e ': ignored: ' -e ': tightened: ' -e 'obsolete since LXC 3.0' \
                -e 'is LXC 2.0 syntax' "$err" || true)
        [[ -z $unexpected ]] || fail "$base: unexpected messages:"$'\n'"$unexpected"
        # Refused exactly when something in it is not supported.
        if grep -q ': not supported yet (' "$err"; then
                [[ $rc == 1 ]] || fail "$base: a key not supported yet, but --check exited $rc"
                partial=$((partial + 1))
        else
                [[ $rc == 0 ]] || fail "$base: --check failed (exit $rc) without naming a key:"$'\n'"$(cat "$err")"
                clean=$((clean + 1))
        fi
done
sort -u -o "$reported" "$reported"
# Refusals: exactly the expected lines. Ignored keys: "one warning per key" in a run, so each at
# one of its lines (the first read), each key at least once, and none elsewhere.
if ! diff -u <(grep -E ': (unsupported|tightened)$' "$expected") <(grep -E ': (unsupported|tightened)$' "$reported"); then
        fail "the lines nsboot refuses or tightens in the shipped configs differ from nsboot.conf(5)'s (- expected, + reported)"
fi
extra=$(comm -13 <(grep ': ignored$' "$expected") <(grep ': ignored$' "$reported"))
[[ -z $extra ]] || fail "nsboot ignored lines that nsboot.conf(5) does not say it ignores:"$'\n'"$extra"
ignored_keys() { awk -F': ' '$NF == "ignored" { print $2 }' "$1" | sort -u; }
assert_eq "$(ignored_keys "$expected")" "$(ignored_keys "$reported")" "the keys ignored in the shipped configs"
log "${#configs[@]} shipped configs: $clean pass --check, $partial fail only on keys not supported yet"
# nsboot.conf(5) says a file of a template that includes them runs as it is.
((partial == 0)) || fail "$partial shipped configs are refused, but nsboot.conf(5) says nsboot reads every one"
exit 0
