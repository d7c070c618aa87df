# shellcheck shell=bash
# nsbootctl create in the tests: a tree built by debootstrap or mkosi takes minutes, so it is built
# once per version of the create code and cached under /var/cache/nsboot/trees like the test tree;
# and the check that such a tree boots to "running". Sourced after lib.sh; needs ctl() and CTL.

MACHINES=/var/lib/machines

# forget NAME: remove what create made for NAME, if the test ends early.
forget() {
        at_exit "rm -rf --one-file-system '$MACHINES/$1' '$MACHINES/.$1.partial'; rm -f '/etc/nsboot/$1.conf'"
}

# every_kind_of_file DIR: in DIR/srv/data a setuid file of another owner with a hard link, user
# and trusted extended attributes, a device node, a FIFO and a symbolic link; and a file capability
# on DIR/bin/busybox.
every_kind_of_file() {
        mkdir -p "$1/srv/data"
        echo data >"$1/srv/data/file"
        ln "$1/srv/data/file" "$1/srv/data/hardlink"
        chown 1234:5678 "$1/srv/data/file"
        chmod 4750 "$1/srv/data/file"
        mknod "$1/srv/data/null" c 1 3
        mkfifo "$1/srv/data/fifo"
        ln -s ../data/file "$1/srv/data/symlink"
        python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.nsboot", b"u"); os.setxattr(sys.argv[1], "trusted.nsboot", b"t")' \
                "$1/srv/data/file"
        setcap cap_net_raw+ep "$1/bin/busybox"
}

# manifest DIR [NAME...]: test/lib/tree-manifest.py of DIR, without etc/ (create changes it) and
# the other top-level NAMEs.
manifest() {
        python3 "$SRCDIR/test/lib/tree-manifest.py" "$1" etc "${@:2}"
}

# ctl_create_cached VAR METHOD [CREATE OPTIONS...]: the tree "nsbootctl create --method=METHOD
# OPTIONS" made, from the cache or built now (checking that create is silent in a script, writes
# the config file and leaves no work files); its path goes into VAR. The options are part of the
# cache key.
ctl_create_cached() {
        local -n _cc_ret=$1
        local _cc_method=$2 _cc_hash _cc_cache _cc_name
        shift 2
        _cc_hash=$( (cat "$SRCDIR/src/ctl/create.c" "$SRCDIR/src/ctl/progress.c"; echo "$*") | sha256sum | cut -c1-12)
        _cc_cache=/var/cache/nsboot/trees/nsbootctl-$_cc_method-$_cc_hash
        mkdir -p "$(dirname "$_cc_cache")"
        exec 9>"$_cc_cache.lock"
        flock -w 1800 9 || fail "timed out waiting for $_cc_cache.lock"
        if [[ ! -f $_cc_cache.done ]]; then
                new_name _cc_name
                at_exit "rm -rf --one-file-system '$MACHINES/$_cc_name' '$MACHINES/.$_cc_name.partial' '$MACHINES/.$_cc_name.partial.mkosi'; rm -f '/etc/nsboot/$_cc_name.conf'"
                log "nsbootctl create $_cc_name --method=$_cc_method $* (several minutes the first time)"
                CTL_TIMEOUT=1800 ctl create "$_cc_name" --method="$_cc_method" "$@" >"$WORKDIR/create.out" 2>&1 ||
                        { cat "$WORKDIR/create.out"; fail "create --method=$_cc_method failed"; }
                [[ ! -s $WORKDIR/create.out ]] || { cat "$WORKDIR/create.out"; fail "create printed something in a script"; }
                assert_file_contains "/etc/nsboot/$_cc_name.conf" "nsboot.boot = yes"
                assert_file_contains "/etc/nsboot/$_cc_name.conf" "nsbootctl create ($_cc_method "
                assert_file_not_exists "$MACHINES/.$_cc_name.partial"
                assert_file_not_exists "$MACHINES/.$_cc_name.partial.mkosi"
                for _cc_h in /sys/fs/cgroup /sys/fs/cgroup/unified /sys/fs/cgroup/systemd; do
                        assert_file_not_exists "$_cc_h/nsbootctl-create-$_cc_name" "the cgroup of the build"
                done
                [[ -z $(find "$MACHINES" -maxdepth 1 -name '.mkosi-*' -newer "$WORKDIR") ]] || fail "mkosi's files left in $MACHINES"
                cp "/etc/nsboot/$_cc_name.conf" "$MACHINES/$_cc_name/.nsbootctl-create.conf"
                rm -rf "$_cc_cache"
                mv "$MACHINES/$_cc_name" "$_cc_cache"
                rm -f "/etc/nsboot/$_cc_name.conf"
                touch "$_cc_cache.done"
        fi
        exec 9>&-
        _cc_ret=$_cc_cache
}

# ctl_boot_running TREE: a copy of TREE boots to systemd's "running" (enter and list see it) and
# stops cleanly through nsbootctl; sets the machine's name in CTL_BOOTED.
ctl_boot_running() {
        local tree=$1 name state i
        new_name name
        # A copy, not the cache: the default user namespace mode idmaps the tree, which an
        # overlayfs cannot be.
        cp -a "$tree" "$WORKDIR/$name"
        rm -f "$WORKDIR/$name/.nsbootctl-create.conf"
        nsboot_start -q -D "$WORKDIR/$name" -b --private-network
        for ((i = 0; i < 240; i++)); do
                state=$(ctl enter "$name" systemctl is-system-running --wait 2>/dev/null) || true
                [[ $state == running || $state == degraded ]] && break
                kill -0 "$NSBOOT_PID" 2>/dev/null || { show_output; fail "nsboot exited while booting"; }
                sleep 0.5
        done
        log "the created machine: $state"
        if [[ $state == degraded ]]; then
                ctl enter "$name" systemctl --failed --no-pager || true
        fi
        assert_eq running "$state" "the created machine's systemd"
        assert_match "$(ctl list | awk -v n="$name" '$1 == n')" "^$name +running +systemd " "list"
        CTL_BOOTED=$name
}

# ctl_stop_booted: stop the machine of ctl_boot_running.
ctl_stop_booted() {
        ctl stop "$CTL_BOOTED"
        nsboot_wait 30
        assert_rc 0 "nsboot after stop"
}
