#!/bin/bash
# --resolv-conf and --timezone (nsboot.resolv-conf, nsboot.timezone), with systemd-nspawn's modes,
# in both modes: copy-* writes the host's file into the tree (owned by the guest's root) unless the
# tree has a symlink there, replace-* replaces whatever is there, bind-* binds the host's file
# read-only over it, delete removes it, symlink points /etc/localtime at the host's zone in the
# tree's zoneinfo, auto picks as nspawn does (nothing with a private network; a bind on a read-only
# tree); nsboot's default, off, leaves the tree alone. The guest's root can neither remount a bind
# read-write nor unmount it. A hostile tree cannot turn them against the host or hang nsboot: a symlink to the host's /etc/shadow, /etc a symlink to /, a FIFO where the
# file belongs.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=test/lib/images.sh
. "$SRCDIR/test/lib/images.sh"

[[ -f /etc/resolv.conf ]] || skip "the host has no /etc/resolv.conf to pass on"
[[ -e /etc/localtime ]] || skip "the host has no /etc/localtime to pass on"
host_zone=""
if link=$(readlink /etc/localtime); then
        host_zone=${link#*/usr/share/zoneinfo/}
fi

# fresh VAR: a new busybox tree (the modes change it).
fresh() { busybox_tree "$1"; }
inside() { tr -d '\r' <"$NSBOOT_OUT"; }
show='stat -c "%A %u %g" /etc/FILE 2>/dev/null || echo none; cat /etc/FILE 2>/dev/null | md5sum | cut -c1-8; grep -c " /etc/FILE " /proc/self/mountinfo'
show_resolv=${show//FILE/resolv.conf}
show_tz=${show//FILE/localtime}
sum() { md5sum <"$1" | cut -c1-8; }
host_resolv=$(sum /etc/resolv.conf)
host_tz=$(sum /etc/localtime)

for mode in $(userns_modes); do
        # shellcheck disable=SC2046 # userns_args prints zero or one word
        set -- $(userns_args "$mode")
        fresh t
        nsboot_run -D "$t" "$@" /bin/sh -c "$show_resolv"
        assert_contains "$(inside)" "none" "off by default: the tree has no resolv.conf ($mode)"
        nsboot_run -D "$t" "$@" --resolv-conf=copy-host /bin/sh -c "$show_resolv"
        assert_eq "-rw-r--r-- 0 0"$'\n'"$host_resolv"$'\n'"0" "$(inside)" "copy-host: the host's, the guest's root's ($mode)"
        assert_eq "$host_resolv" "$(sum "$t/etc/resolv.conf")" "copy-host: in the tree ($mode)"
        # copy leaves a symlink alone, replace replaces it
        rm "$t/etc/resolv.conf"
        ln -s ../run/resolv.guest "$t/etc/resolv.conf"
        nsboot_run -D "$t" "$@" --resolv-conf=copy-host /bin/true
        assert_eq "../run/resolv.guest" "$(readlink "$t/etc/resolv.conf")" "copy-host leaves a symlink ($mode)"
        nsboot_run -D "$t" "$@" --resolv-conf=replace-host /bin/sh -c "$show_resolv"
        assert_eq "-rw-r--r-- 0 0"$'\n'"$host_resolv"$'\n'"0" "$(inside)" "replace-host ($mode)"
        [[ -f $t/etc/resolv.conf && ! -L $t/etc/resolv.conf ]] || fail "replace-host left no regular file ($mode)"
        nsboot_run -D "$t" "$@" --resolv-conf=bind-host /bin/sh -c "$show_resolv; echo x >>/etc/resolv.conf 2>/dev/null && echo written"
        out=$(inside)
        assert_contains "$out" "$host_resolv"$'\n'"1" "bind-host: the host's file, one mount ($mode)"
        assert_not_contains "$out" "written" "bind-host is read-only ($mode)"
        assert_eq 0 "$(grep -c " $t/etc/resolv.conf " /proc/self/mountinfo)" "no bind on the host ($mode)"
        # The guest's root tries to make the host's file writable, or to take the bind away.
        nsboot_run -D "$t" "$@" --resolv-conf=bind-host /bin/sh -c 'mount -o remount,rw,bind /etc/resolv.conf
                echo "# guest" >>/etc/resolv.conf && echo written; umount /etc/resolv.conf && echo unmounted; true'
        assert_not_contains "$(inside)" "written" "the guest cannot write the host's resolv.conf ($mode)"
        assert_not_contains "$(inside)" "unmounted" "the guest cannot take the bind away ($mode)"
        assert_eq "$host_resolv" "$(sum /etc/resolv.conf)" "the host's resolv.conf is unchanged ($mode)"
        nsboot_run -D "$t" "$@" --resolv-conf=delete /bin/true
        [[ ! -e $t/etc/resolv.conf ]] || fail "delete left /etc/resolv.conf ($mode)"
        # auto: the host's network, a writable tree: a copy; a private network: nothing.
        nsboot_run -D "$t" "$@" --resolv-conf=auto --private-network /bin/true
        [[ ! -e $t/etc/resolv.conf ]] || fail "auto with a private network wrote resolv.conf ($mode)"
        nsboot_run -D "$t" "$@" --resolv-conf=auto /bin/true
        assert_eq "$host_resolv" "$(sum "$t/etc/resolv.conf")" "auto on the host's network ($mode)"

        nsboot_run -D "$t" "$@" --timezone=copy /bin/sh -c "$show_tz"
        assert_eq "-rw-r--r-- 0 0"$'\n'"$host_tz"$'\n'"0" "$(inside)" "timezone copy ($mode)"
        nsboot_run -D "$t" "$@" --timezone=bind /bin/sh -c "$show_tz"
        assert_contains "$(inside)" "$host_tz"$'\n'"1" "timezone bind ($mode)"
        nsboot_run -D "$t" "$@" --timezone=delete /bin/true
        [[ ! -e $t/etc/localtime && ! -L $t/etc/localtime ]] || fail "timezone delete ($mode)"
        if [[ -n $host_zone ]]; then
                # Without the zone in the tree: a copy; with it: a symlink to it.
                nsboot_run -D "$t" "$@" --timezone=symlink /bin/true
                assert_eq "$host_tz" "$(sum "$t/etc/localtime")" "symlink without the zone in the tree ($mode)"
                mkdir -p "$t/usr/share/zoneinfo/$(dirname "$host_zone")"
                cp "/usr/share/zoneinfo/$host_zone" "$t/usr/share/zoneinfo/$host_zone"
                nsboot_run -D "$t" "$@" --timezone=auto /bin/sh -c 'readlink /etc/localtime'
                assert_eq "../usr/share/zoneinfo/$host_zone" "$(inside)" "timezone auto: a symlink ($mode)"
        fi
done

# A read-only tree: auto binds (over files the tree has: a read-only tree cannot get new ones).
fresh t
: >"$t/etc/resolv.conf"
: >"$t/etc/localtime"
nsboot_run -D "$t" --read-only --resolv-conf=auto --timezone=auto /bin/sh -c "$show_resolv; $show_tz; true"
assert_rc 0 "auto on a read-only tree"
assert_contains "$(inside)" "$host_resolv"$'\n'"1" "auto binds resolv.conf on a read-only tree"
assert_contains "$(inside)" "$host_tz"$'\n'"1" "auto binds localtime on a read-only tree"

# Hostile trees.
shadow_before=$(sum /etc/shadow)
fresh t
ln -s /etc/shadow "$t/etc/resolv.conf"
ln -s /etc/shadow "$t/etc/localtime"
nsboot_run -D "$t" --resolv-conf=copy-host --timezone=bind /bin/true
assert_rc 0 "symlinks to /etc/shadow"
assert_eq "$shadow_before" "$(sum /etc/shadow)" "the host's /etc/shadow"
assert_eq /etc/shadow "$(readlink "$t/etc/resolv.conf")" "copy-host left the symlink"
nsboot_run -D "$t" --resolv-conf=replace-host --timezone=copy /bin/true
assert_eq "$shadow_before" "$(sum /etc/shadow)" "the host's /etc/shadow after replace"
assert_eq "$host_resolv" "$(sum "$t/etc/resolv.conf")" "replace-host wrote the tree's file"
fresh t
rm -rf "${t:?}/etc"
ln -s / "$t/etc"
before_root=$(ls -a /)
nsboot_run -D "$t" --resolv-conf=replace-host --timezone=copy /bin/true
assert_eq "$before_root" "$(ls -a /)" "nothing new in the host's /"
assert_eq "$host_resolv" "$(sum "$t/resolv.conf")" "/etc -> / stayed in the tree"
fresh t
mkfifo "$t/etc/resolv.conf" "$t/etc/localtime"
nsboot_run -t 30 -D "$t" --resolv-conf=copy-host --timezone=bind /bin/true
assert_rc 0 "FIFOs where the files belong: no hang"
[[ -p $t/etc/resolv.conf && -p $t/etc/localtime ]] || fail "the FIFOs were replaced"
# Not even opened (as a device node would be, its driver seeing the open): a reader waiting on the
# FIFO still waits after nsboot ran.
timeout 60 cat "$t/etc/resolv.conf" >/dev/null &
reader=$!
sleep 0.5
nsboot_run -t 30 -D "$t" --resolv-conf=copy-host /bin/true
kill -0 "$reader" 2>/dev/null || fail "nsboot opened the FIFO at /etc/resolv.conf"
kill "$reader"
wait "$reader" 2>/dev/null || true

# Bad values.
nsboot_run -D "$t" --resolv-conf=copy /bin/true
assert_rc 1 "--resolv-conf=copy"
assert_file_contains "$NSBOOT_ERR" "--resolv-conf: invalid value 'copy' (expected off, copy-host"
nsboot_run -D "$t" --timezone=utc /bin/true
assert_rc 1 "--timezone=utc"
assert_file_contains "$NSBOOT_ERR" "--timezone: invalid value 'utc' (expected off, copy, bind, symlink, delete or auto)"
exit 0
