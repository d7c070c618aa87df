#!/bin/bash
# nsbootctl copy-to and copy-from, on a busybox guest in the default user namespace mode and with
# --private-users=no, then on a booted Debian guest. A directory tree (modes, symlinks, a hard link,
# user.* and trusted.* xattrs, a file of a guest user, an unmapped owner, a setuid-root file) goes
# into the guest and comes back, compared from the host through the tree and from inside: copy-to
# keeps ids the guest has (others become its root), modes and user.* xattrs; copy-from gives root
# the files, without setuid/setgid bits or file capabilities. The guest's attacks: GUESTPATH's
# parent a symlink to / or /proc/1/root (resolved in the guest), a FIFO, a device node and a socket
# at GUESTPATH (refused) and in a tree (skipped), symlinks and FIFOs swapped in by a loop during the
# copies (nothing lands outside the destination, no hang), a 20 GiB sparse file (arrives sparse on
# a 64 MiB tmpfs) and a 100 MiB one (fails with no space left, nothing left behind); SIGINT and
# SIGTERM with the guest's side frozen before and in the middle of the stream (both sides clean
# up). --force, relative guest paths, libarchive missing, a machine that does not run; no temporary
# directory and no process left. Then a booted Debian guest: a config file in, /etc/systemd and a
# symlink out, compared with the guest's view.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd setfattr getfattr setcap getcap python3 mkfifo readelf

ctl_init
# libarchive is loaded by these commands only.
readelf -d "$CTL" | grep -q 'NEEDED.*libarchive' && fail "nsbootctl links libarchive"

# ctl_fails EXPECTED ARGS...: nsbootctl ARGS fails, saying EXPECTED.
ctl_fails() {
        local expected=$1 out rc=0
        shift
        out=$(ctl "$@" 2>&1) || rc=$?
        log "nsbootctl $*: rc $rc: $out"
        ((rc != 0 && rc != 124)) || fail "nsbootctl $*: rc $rc (expected a failure): $out"
        assert_contains "$out" "$expected" "nsbootctl $*"
}

# meta PATH...: owner, group, mode in octal and type of each, one line, from the host.
meta() {
        stat -c '%u:%g %a %F' "$@" | tr '\n' ';'
}

# no_leftovers DIR...: no temporary directory of a copy below them.
no_leftovers() {
        local left
        left=$(find "$@" -xdev -name '.#nsbootctl-copy-*' 2>/dev/null | head -n 5)
        [[ -z $left ]] || fail "temporary directories left: $left"
}

# no_copy_processes: no nsbootctl of ours still runs.
no_copy_processes() {
        local left
        left=$(pgrep -x nsbootctl -a | grep -F "$WORKDIR" || true)
        [[ -z $left ]] || fail "nsbootctl processes left: $left"
}

# make_source DIR: the host tree to copy in.
make_source() {
        local d=$1
        mkdir -p "$d/sub"
        chmod 0750 "$d/sub"
        printf 'file\n' >"$d/f"
        chmod 0640 "$d/f"
        ln "$d/f" "$d/hard"
        ln -s f "$d/rel"
        ln -s /etc/shadow "$d/abs"
        setfattr -n user.colour -v blue "$d/f"
        setfattr -n trusted.secret -v host "$d/f"
        printf 'owned\n' >"$d/sub/owned"
        chown 1000:1001 "$d/sub/owned"
        printf 'far\n' >"$d/sub/far"
        chown 3000000:3000000 "$d/sub/far"
        printf '#!/bin/sh\n' >"$d/suid"
        chmod 4755 "$d/suid"
}

# check_copied_in TREE LEADER GUESTDIR FAR: the source as make_source made it, at GUESTDIR in the
# guest; FAR is the owner the file of an id outside the user namespace's range got.
check_copied_in() {
        local tree=$1 leader=$2 g=$3 h=$1$3 far=$4
        assert_eq "0:0 640 regular file;0:0 750 directory;1000:1001 644 regular file;$far 644 regular file;0:0 4755 regular file;" \
                "$(meta "$h/f" "$h/sub" "$h/sub/owned" "$h/sub/far" "$h/suid")" "copy-to: owners and modes seen through the tree"
        assert_eq "0:0 640;0:0 750;1000:1001 644;$far 644;0:0 4755;" \
                "$(in_guest "$leader" stat -c '%u:%g %a' "$g/f" "$g/sub" "$g/sub/owned" "$g/sub/far" "$g/suid" | tr '\n' ';')" \
                "copy-to: owners and modes seen in the guest"
        assert_eq "f /etc/shadow" "$(readlink "$h/rel") $(readlink "$h/abs")" "copy-to: symlinks"
        assert_eq "$(stat -c %i "$h/f")" "$(stat -c %i "$h/hard")" "copy-to: hard link"
        assert_eq "file" "$(in_guest "$leader" cat "$g/hard")" "copy-to: content, read in the guest"
        assert_eq "blue" "$(getfattr --only-values -n user.colour "$h/f")" "copy-to: user.* xattr"
        getfattr -n trusted.secret "$h/f" >/dev/null 2>&1 && fail "copy-to: a trusted.* xattr was copied"
        return 0
}

# check_copied_out DIR: a tree from the guest, as the host has it.
check_copied_out() {
        local d=$1
        assert_eq "0:0 640 regular file;0:0 750 directory;0:0 644 regular file;0:0 755 regular file;" \
                "$(meta "$d/f" "$d/sub" "$d/sub/owned" "$d/suid")" "copy-from: root's files, no setuid bit"
        assert_eq "f /etc/shadow" "$(readlink "$d/rel") $(readlink "$d/abs")" "copy-from: symlinks as symlinks"
        assert_eq "$(stat -c %i "$d/f")" "$(stat -c %i "$d/hard")" "copy-from: hard link"
        assert_eq "owned" "$(cat "$d/sub/owned")" "copy-from: content"
        assert_eq "blue" "$(getfattr --only-values -n user.colour "$d/f")" "copy-from: user.* xattr"
}

# attack_paths TREE LEADER NAME: GUESTPATH's parent a symlink out of the guest, specials.
attack_paths() {
        local tree=$1 leader=$2 name=$3 out marker
        marker=nsbt-copy-marker-$$
        echo guest >"$tree/$marker"
        in_guest "$leader" ln -s / /up
        in_guest "$leader" ln -s /proc/1/root /pid1
        ctl copy-from "$name" "/up/$marker" "$WORKDIR/m1"
        ctl copy-from "$name" "/pid1/$marker" "$WORKDIR/m2"
        assert_eq "guest guest" "$(cat "$WORKDIR/m1") $(cat "$WORKDIR/m2")" "copy-from through symlinks: the guest's file"
        echo host >"$WORKDIR/hostfile"
        ctl copy-to "$name" "$WORKDIR/hostfile" "/up/$marker-in"
        ctl copy-to "$name" "$WORKDIR/hostfile" "/pid1/$marker-in2"
        assert_file_exists "$tree/$marker-in"
        assert_file_exists "$tree/$marker-in2"
        [[ ! -e /$marker-in && ! -e /$marker-in2 ]] || fail "copy-to through a symlink wrote to the host's /"
        rm -f "$tree/$marker"*

        # Specials at GUESTPATH are refused; in a tree they are skipped.
        in_guest "$leader" mkfifo /fifo
        mknod "$tree/zero" c 1 5
        python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$tree/sock"
        ctl_fails "is a FIFO, refusing" copy-from "$name" /fifo "$WORKDIR/x"
        ctl_fails "is a character device, refusing" copy-from "$name" /zero "$WORKDIR/x"
        ctl_fails "is a socket, refusing" copy-from "$name" /sock "$WORKDIR/x"
        [[ ! -e $WORKDIR/x ]] || fail "a refused copy left $WORKDIR/x"
        mkdir "$tree/specials"
        mv "$tree/fifo" "$tree/zero" "$tree/sock" "$tree/specials/"
        echo ok >"$tree/specials/file"
        out=$(ctl copy-from "$name" /specials "$WORKDIR/specials" 2>&1)
        assert_contains "$out" "Skipping 'specials/fifo': a FIFO is not copied"
        assert_contains "$out" "a character device is not copied"
        assert_eq "file" "$(ls "$WORKDIR/specials")" "copy-from: specials skipped"

        # A setuid-root file and one with a file capability arrive without them.
        printf 'x' >"$tree/capfile"
        chmod 6755 "$tree/capfile"
        setcap cap_net_raw+ep "$tree/capfile"
        ctl copy-from "$name" /capfile "$WORKDIR/capfile"
        assert_eq "755" "$(stat -c %a "$WORKDIR/capfile")" "copy-from: no setuid/setgid"
        assert_eq "" "$(getcap "$WORKDIR/capfile")" "copy-from: no file capability"
        rm -rf "$tree/specials" "$tree/capfile" "$tree/up" "$tree/pid1" "$WORKDIR/specials" "$WORKDIR/capfile" \
                "$WORKDIR/m1" "$WORKDIR/m2" "$WORKDIR/hostfile"
}

# attack_races TREE LEADER NAME: loops in the guest swap symlinks and FIFOs in while copies run.
attack_races() {
        local tree=$1 leader=$2 name=$3 i loop rc
        mkdir -p "$tree/race" "$tree/race2"
        ctl enter "$name" sh -c 'while [ ! -e /race-stop ]; do rm -rf /race/d; mkdir /race/d; echo in >/race/d/f;
                rm -rf /race/d; ln -s / /race/d; rm -f /race2/f; echo data >/race2/f; rm -f /race2/f; mkfifo /race2/f;
                done </dev/null >/dev/null 2>&1 &'
        echo host >"$WORKDIR/racefile"
        for i in $(seq 1 20); do
                rc=0
                timeout 20 "$CTL" -q copy-from "$name" /race "$WORKDIR/race.$i" 2>/dev/null || rc=$?
                ((rc != 124)) || fail "copy-from /race hung"
                timeout 20 "$CTL" -q copy-from "$name" /race2 "$WORKDIR/race2.$i" 2>/dev/null || rc=$?
                ((rc != 124)) || fail "copy-from /race2 hung"
                timeout 20 "$CTL" -q copy-to "$name" "$WORKDIR/racefile" "/race/d/racefile.$i" 2>/dev/null || rc=$?
                ((rc != 124)) || fail "copy-to /race/d hung"
        done
        touch "$tree/race-stop"
        for i in $(seq 1 20); do
                [[ ! -e /racefile.$i ]] || fail "copy-to through a swapped symlink wrote to the host's /"
                if [[ -e $WORKDIR/race.$i/d ]]; then
                        [[ -L $WORKDIR/race.$i/d || -d $WORKDIR/race.$i/d ]] || fail "race.$i/d: $(stat -c %F "$WORKDIR/race.$i/d")"
                fi
                if [[ -e $WORKDIR/race2.$i/f ]]; then
                        [[ -f $WORKDIR/race2.$i/f && ! -L $WORKDIR/race2.$i/f ]] || fail "race2.$i/f is no regular file"
                fi
        done
        loop=$(find "$WORKDIR" -maxdepth 3 -name 'racefile.*' -path "$WORKDIR/race.*" | head -n 1)
        log "swapped races done${loop:+ (one copy-to landed in a copied tree: $loop)}"
        find "$WORKDIR" -maxdepth 2 \( -type p -o -type c -o -type b -o -type s \) -newer "$WORKDIR/racefile" |
                grep . && fail "a special file arrived on the host"
        sleep 0.5
        rm -rf "$tree/race" "$tree/race2" "$tree/race-stop" "$WORKDIR"/race*
}

# attack_sizes TREE NAME: a sparse file arrives sparse; a big one fails cleanly on a small tmpfs.
attack_sizes() {
        local tree=$1 name=$2 small=$WORKDIR/small
        mkdir -p "$small"
        mount -t tmpfs -o size=64m tmpfs "$small"
        at_exit "_umount '$small'"
        truncate -s 20G "$tree/sparse"
        echo end >>"$tree/sparse"
        timeout 120 "$CTL" copy-from "$name" /sparse "$small/sparse" || fail "copy-from of a sparse file failed"
        assert_eq "$(stat -c %s "$tree/sparse")" "$(stat -c %s "$small/sparse")" "sparse file size"
        (($(du -k "$small/sparse" | cut -f1) < 1024)) || fail "the sparse file arrived with its holes filled"
        assert_eq "end" "$(tail -c 4 "$small/sparse")" "sparse file's end"
        rm -f "$small/sparse" "$tree/sparse"
        head -c 100M /dev/urandom >"$tree/big"
        ctl_fails "No space left on device" copy-from "$name" /big "$small/big"
        assert_eq "" "$(ls -A "$small")" "nothing left on the full tmpfs"
        rm -f "$tree/big"
        umount "$small"
}

# force_and_errors TREE NAME
force_and_errors() {
        local tree=$1 name=$2
        echo one >"$WORKDIR/one"
        echo two >"$WORKDIR/two"
        ctl copy-to "$name" "$WORKDIR/one" /forced
        ctl_fails "'/forced' exists in the machine, use --force to replace it" copy-to "$name" "$WORKDIR/two" /forced
        assert_eq "one" "$(cat "$tree/forced")" "not replaced without --force"
        ctl copy-to --force "$name" "$WORKDIR/two" /forced
        assert_eq "two" "$(cat "$tree/forced")" "replaced with --force"
        mkdir "$WORKDIR/dir"
        ctl copy-to "$name" "$WORKDIR/dir" /forcedir
        ctl copy-to --force "$name" "$WORKDIR/one" /forcedir
        assert_eq "one" "$(cat "$tree/forcedir")" "a directory replaced by a file with --force"
        ctl copy-from "$name" /forced "$WORKDIR/got"
        ctl_fails "exists on the host, use --force to replace it" copy-from "$name" /forced "$WORKDIR/got"
        ctl copy-from --force "$name" /forcedir "$WORKDIR/dir"
        assert_eq "one" "$(cat "$WORKDIR/dir")" "copy-from --force replaced a directory"
        ctl_fails "a path in the machine must be absolute" copy-from "$name" forced "$WORKDIR/rel"
        ctl_fails "a path in the machine must be absolute" copy-to "$name" "$WORKDIR/one" forced
        ctl_fails "names no file to copy" copy-from "$name" / "$WORKDIR/root"
        ctl_fails "No such file or directory" copy-from "$name" /nonexistent "$WORKDIR/none"
        ctl_fails "Cannot enter '/nonexistent' in the machine" copy-to "$name" "$WORKDIR/one" /nonexistent/x
        [[ ! -e $WORKDIR/none ]] || fail "a failed copy-from left its destination"
        ctl freeze "$name"
        ctl_fails "is frozen, a copy would wait for ever" copy-from "$name" /forced "$WORKDIR/frozen"
        ctl thaw "$name"
        rm -rf "$tree/forced" "$tree/forcedir" "$WORKDIR/got" "$WORKDIR/dir" "$WORKDIR/one" "$WORKDIR/two"
}

# freeze NAME 0|1: thaw or freeze the machine's cgroup (cgroup2's cgroup.freeze), where the guest's
# side of a copy goes as it joins the machine.
freeze() {
        local cg
        cg=$(cgroup2_root)$(sed -n 's/^0:://p' "/proc/$LEADER/cgroup")
        echo "$2" >"$cg/cgroup.freeze"
}

# ends_failing PID WHAT: nsbootctl PID ends within 20 s, with a failure.
ends_failing() {
        local rc=0
        timeout 20 tail --pid="$1" -f /dev/null || fail "$2 did not end"
        wait "$1" || rc=$?
        ((rc != 0)) || fail "$2 succeeded"
}

# guest_side_checks PID: the guest's side of a copy, as the host sees it: the guest's root (its
# machine's base UID in the default mode), with no more capabilities than the guest's PID 1 may
# have, not dumpable (its /proc files are the host root's, not its own: the guest's root cannot
# trace it), in no PID namespace of the guest (one NSpid), in the machine's cgroup.
guest_side_checks() {
        local child=$1 base uid capeff capbnd
        [[ -n $child ]] || fail "no guest side found"
        base=$(sed -n 's/^UID_BASE=//p' "/run/nsboot/machines/$name.state")
        uid=$(awk '$1 == "Uid:" { print $2 }' "/proc/$child/status")
        assert_eq "$base" "$uid" "the guest side's UID"
        if [[ $base != 0 ]]; then
                assert_eq "0" "$(stat -c %u "/proc/$child/status")" "the guest side is not dumpable"
        fi
        assert_eq "1" "$(awk '$1 == "NSpid:" { print NF - 1 }' "/proc/$child/status")" "the guest side's PID namespaces"
        capeff=$(awk '$1 == "CapEff:" { print $2 }' "/proc/$child/status")
        capbnd=$(awk '$1 == "CapBnd:" { print $2 }' "/proc/$LEADER/status")
        (((0x$capeff & ~0x$capbnd) == 0)) || fail "the guest side has capabilities PID 1 cannot have: $capeff, $capbnd"
        assert_eq "$(sed -n 's/^0:://p' "/proc/$LEADER/cgroup")" "$(sed -n 's/^0:://p' "/proc/$child/cgroup")" \
                "the guest side's cgroup"
}

# cancel TREE NAME: SIGINT or SIGTERM cancels a copy whose guest side is stuck (its cgroup frozen)
# before or in the middle of the stream, and each side cleans up its temporary directory.
cancel() {
        local tree=$1 name=$2 pid
        at_exit "freeze '$name' 0 2>/dev/null || true"
        head -c 300M /dev/zero | tr '\0' x >"$WORKDIR/slow-src"
        cp "$WORKDIR/slow-src" "$tree/slow"
        freeze "$name" 1
        "$CTL" copy-from "$name" /slow "$WORKDIR/slow" &
        pid=$!
        sleep 1
        kill -INT "$pid"
        ends_failing "$pid" "copy-from, its guest side frozen, after SIGINT"
        freeze "$name" 0
        [[ ! -e $WORKDIR/slow ]] || fail "a cancelled copy-from left its destination"
        no_leftovers "$WORKDIR"
        no_copy_processes

        # In the middle: frozen once its temporary directory exists, thawed after SIGTERM.
        "$CTL" copy-to "$name" "$WORKDIR/slow-src" /slow2 &
        pid=$!
        until compgen -G "$tree/.#nsbootctl-copy-*" >/dev/null; do
                kill -0 "$pid" 2>/dev/null || fail "copy-to ended before it could be frozen"
        done
        freeze "$name" 1
        guest_side_checks "$(pgrep -P "$pid")"
        kill -TERM "$pid"
        sleep 0.5
        freeze "$name" 0
        ends_failing "$pid" "copy-to after SIGTERM"
        [[ ! -e $tree/slow2 ]] || fail "a cancelled copy-to left its destination"
        no_leftovers "$tree"
        no_copy_processes
        rm -f "$WORKDIR/slow-src" "$tree/slow"
}

bb="" deb=""
for mode in default no; do
        log "mode: $mode"
        busybox_tree bb
        name=$(basename "$bb")
        # shellcheck disable=SC2046 # nothing or one word
        boot_sleeping "$bb" $([[ $mode == default ]] || echo --private-users=no)
        make_source "$WORKDIR/src"
        ctl copy-to "$name" "$WORKDIR/src" /copied
        # Without a user namespace of its own, the guest has every id.
        check_copied_in "$bb" "$LEADER" /copied "$([[ $mode == default ]] && echo 0:0 || echo 3000000:3000000)"
        ctl copy-from "$name" /copied "$WORKDIR/back"
        check_copied_out "$WORKDIR/back"
        # One file, the second path left out: the same path on the other side.
        single=/tmp/nsbt-copy-single-$$
        echo single >"$single"
        at_exit "rm -f '$single'"
        ctl copy-to "$name" "$single"
        assert_eq "single" "$(in_guest "$LEADER" cat "$single")" "copy-to without GUESTPATH"
        in_guest "$LEADER" sh -c "echo changed >$single"
        ctl copy-from --force "$name" "$single"
        assert_eq "changed" "$(cat "$single")" "copy-from without HOSTPATH"
        attack_paths "$bb" "$LEADER" "$name"
        attack_races "$bb" "$LEADER" "$name"
        attack_sizes "$bb" "$name"
        force_and_errors "$bb" "$name"
        cancel "$bb" "$name"
        # Without libarchive (hidden by /dev/null in a mount namespace of its own): named, with its
        # package, and nothing made.
        # awk reads it all: an early exit would end ldconfig by SIGPIPE, a failure under pipefail
        lib=$(ldconfig -p | awk '/libarchive\.so\.13 .*x86-64/ && !found { print $NF; found = 1 }')
        if [[ -n $lib ]]; then
                out=$(timeout 60 unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$lib" \
                        "$CTL" copy-from "$name" /etc/passwd "$WORKDIR/nolib" 2>&1) && fail "copy-from without libarchive succeeded"
                log "without libarchive: $out"
                assert_contains "$out" "install the package libarchive13" "copy-from without libarchive"
                [[ ! -e $WORKDIR/nolib ]] || fail "copy-from without libarchive made its destination"
        fi
        no_leftovers "$bb" "$WORKDIR"
        no_copy_processes
        poweroff_guest
        nsboot_wait 20
        assert_rc 0 "nsboot after the copies"
        ctl_fails "is not running" copy-from "$name" /copied "$WORKDIR/late"
        rm -rf "$WORKDIR/src" "$WORKDIR/back"
done

# A booted Debian guest (systemd, the default user namespace mode): a config file in, a directory
# tree of symlinks out, compared with what the guest sees.
debian_tree deb
nsboot_start -D "$deb" -b --private-network
LEADER=$(leader_pid "$NSBOOT_PID" 30)
wait_booted "$LEADER"
name=$(basename "$deb")
printf 'Option=1\n' >"$WORKDIR/nsbt.conf"
chmod 0600 "$WORKDIR/nsbt.conf"
chown 1000:1000 "$WORKDIR/nsbt.conf"
ctl copy-to "$name" "$WORKDIR/nsbt.conf" /etc/nsbt.conf
assert_eq "1000:1000 600 Option=1" "$(in_guest "$LEADER" sh -c 'echo $(stat -c "%u:%g %a" /etc/nsbt.conf) $(cat /etc/nsbt.conf)')" \
        "Debian: copy-to, seen in the guest"
ctl copy-from "$name" /etc/systemd "$WORKDIR/systemd"
assert_eq "$(in_guest "$LEADER" find /etc/systemd -mindepth 1 -printf '%P %y %l\n' | sort)" \
        "$(cd "$WORKDIR/systemd" && find . -mindepth 1 -printf '%P %y %l\n' | sort)" "Debian: copy-from of /etc/systemd"
ctl copy-from "$name" /etc/os-release "$WORKDIR/os-release"
assert_eq "$(in_guest "$LEADER" readlink /etc/os-release)" "$(readlink "$WORKDIR/os-release")" "Debian: a symlink arrives as one"
no_leftovers "$deb" "$WORKDIR"
no_copy_processes
kill -TERM "$NSBOOT_PID"
nsboot_wait 60
exit 0
