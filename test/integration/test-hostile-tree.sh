#!/bin/bash
# A hostile tree cannot reach outside itself: symlinks at /dev, /run, /proc, /sys, /tmp, /var,
# /etc/os-release and /etc/machine-id that point to /, /etc, host paths that do not exist yet
# or /proc/sysrq-trigger, absolute or as '..' chains; FIFOs (also /etc/passwd and /etc/group,
# which the guest's init reads before it runs) and a device node where a file belongs; some also as disk images. Each is booted (-b) and runs a command, in the default
# user-namespace mode and with --private-users=no, each run bounded by a timeout: nothing may
# hang, and the host must stay as it was (its files, paths that do not exist, the kernel log,
# the mount table). Trees live on a tmpfs of their own, so the worst a bug could do to them
# stays there. Every finding is listed before the test fails.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

require_root
HOSTILE=$WORKDIR/hostile
mkdir -p "$HOSTILE"
mount -t tmpfs -o size=256m,mode=0755 nsboot-hostile "$HOSTILE"
at_exit "_umount '$HOSTILE'"
mount --make-shared "$HOSTILE"
init=$(_testinit_path)
# Host paths a tree names that must never come into existence (--link-journal=try-guest would
# make /var/log/journal/ID in the tree, and link the host's journal directory to it).
canary=/var/tmp/nsboot-hostile-$$
at_exit "rm -rf '$canary'*"
# ... and one that exists, into which nothing may be written.
mkdir -p "$canary-existing"
jid=$(printf '%032x' $$)
at_exit "rm -f /var/log/journal/$jid"

# name: what to do in the tree (run in it by bash, with $canary set).
cases=(
        "dev-root:rm -rf dev && ln -s / dev"
        "run-root:rm -rf run && ln -s / run"
        "proc-root:rm -rf proc && ln -s / proc"
        "sys-root:rm -rf sys && ln -s / sys"
        "sys-etc:rm -rf sys && ln -s /etc sys"
        "proc-newdir:rm -rf proc && ln -s $canary-proc proc"
        "sys-newdir:rm -rf sys && ln -s $canary-sys sys"
        "tmp-dotdot:rm -rf tmp && ln -s ../../../../../../../../../../..$canary-tmp tmp"
        "var-newdir:rm -rf var && ln -s $canary-var var"
        "var-hostdir:rm -rf var && ln -s $canary-existing var && echo $jid >etc/machine-id"
        "osrel-hostetc:rm etc/os-release && ln -s ../../../../../../../../../etc/os-release etc/os-release"
        "osrel-sysrq:rm etc/os-release && ln -s /proc/sysrq-trigger etc/os-release"
        "osrel-fifo:rm etc/os-release && mkfifo etc/os-release"
        "machineid-sysrq:ln -sf /proc/sysrq-trigger etc/machine-id"
        "machineid-dotdot:ln -sf ../../../../../../../../etc/machine-id etc/machine-id"
        "machineid-fifo:rm -f etc/machine-id && mkfifo etc/machine-id"
        "machineid-kmsg:rm -f etc/machine-id && mknod etc/machine-id c 1 11"
        "etc-root:mv etc etc.real && ln -s / etc"
        "init-sysrq:rm sbin/init && ln -s /proc/sysrq-trigger sbin/init"
        "init-fifo:rm sbin/init && mkfifo sbin/init"
        "passwd-fifo:rm etc/passwd && mkfifo etc/passwd"
        "group-fifo:rm etc/group && mkfifo etc/group"
)

host_state() {
        md5sum /etc/os-release /etc/machine-id /etc/hostname /etc/passwd 2>/dev/null
        find "$canary"* 2>/dev/null || true
        ls -l /var/log/journal 2>/dev/null | grep -F "$canary" || true
        # A write to /proc/sysrq-trigger logs "sysrq: ..." in the kernel log.
        dmesg 2>/dev/null | grep -ci 'sysrq' || true
}

findings=()
run_case() {
        local name=$1 mode=$2 rc=0 before after
        shift 2
        before=$(host_state)
        mounts_snapshot
        _next_output_files
        if [[ $mode == boot ]]; then
                timeout -k 2 20 "$NSBOOT" -q -M "$name" "$@" -b </dev/null >"$NSBOOT_OUT" 2>"$NSBOOT_ERR" || rc=$?
        else
                timeout -k 2 20 "$NSBOOT" -q -M "$name" "$@" --link-journal=try-guest /bin/echo hostile-ok \
                        </dev/null >"$NSBOOT_OUT" 2>"$NSBOOT_ERR" || rc=$?
        fi
        after=$(host_state)
        mode="$mode $*"
        log "$name ($mode): exit $rc; $(tr '\n' ' ' <"$NSBOOT_ERR" | cut -c1-200)"
        [[ $rc != 124 && $rc != 137 ]] || findings+=("$name ($mode): nsboot hung (killed after 20 s)")
        [[ $before == "$after" ]] ||
                findings+=("$name ($mode): the host changed: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ' || true)")
        mounts_check "$name ($mode)" || findings+=("$name ($mode): mounts left on the host")
}

for c in "${cases[@]}"; do
        name=${c%%:*}
        name=hostile${name//-/}$$
        name=${name:0:60}
        tree=$HOSTILE/$name
        "$SRCDIR/test/fixtures/mktree-busybox.sh" "$tree" "$init" >/dev/null
        (cd "$tree" && canary=$canary jid=$jid bash -c "${c#*:}") || fail "cannot make the tree for ${c%%:*}"
        sources=(-D "$tree")
        # The same tree as a disk image: the image's root is looked into the same way.
        if [[ ${c%%:*} == @(osrel-fifo|machineid-fifo|machineid-kmsg|var-hostdir|proc-newdir|init-sysrq) ]] &&
                nsboot_has_option --image; then
                make_ext4_image "$HOSTILE/$name.ext4" "$tree"
                sources+=(-i "$HOSTILE/$name.ext4")
        fi
        for ((i = 0; i < ${#sources[@]}; i += 2)); do
                for mode in boot command; do
                        run_case "$name" "$mode" "${sources[@]:i:2}"
                        if nsboot_has_option --private-users; then
                                run_case "$name" "$mode" "${sources[@]:i:2}" --private-users=no
                        fi
                done
        done
done

if ((${#findings[@]})); then
        printf 'FINDING: %s\n' "${findings[@]}" >&2
        fail "${#findings[@]} findings"
fi
