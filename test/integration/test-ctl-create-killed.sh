#!/bin/bash
# nsbootctl create killed by SIGKILL, with stand-ins for the tools it runs that wait. While it
# decompresses an image (--from=IMAGE.gz): gzip ends with it, and the next create of that name
# removes the decompressed image. While mkosi runs (--method=mkosi): mkosi ends with it, and its
# build cgroups (nsbootctl-create-NAME below the cgroup2 root and the name=systemd root of a hybrid
# host), mkosi's work directory and its lock file stay behind; while it runs, a second create of
# the name is refused and touches none of it; once it is dead, the next create of that name removes
# them all and succeeds, and so does nsboot --cleanup -M NAME.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

ctl_init
require_cmd tar gzip
# shellcheck source=test/lib/ctl-create.sh
. "$SRCDIR/test/lib/ctl-create.sh"

v2=$(cgroup2_root)
v1=/sys/fs/cgroup/systemd
[[ $(stat -f -c %T $v1 2>/dev/null) == cgroupfs ]] || v1=""

# A mkosi that says where it is and waits to be killed.
mkdir -p "$WORKDIR/bin"
cat >"$WORKDIR/bin/mkosi" <<EOF
#!/bin/sh
echo \$\$ >"$WORKDIR/mkosi.pid.tmp"
mv "$WORKDIR/mkosi.pid.tmp" "$WORKDIR/mkosi.pid"
exec sleep 120
EOF
chmod 0755 "$WORKDIR/bin/mkosi"

bb="" img="" name=""
busybox_tree bb
tar -C "$bb" -czf "$WORKDIR/bb.tar.gz" .

# cgroups_of NAME: the build cgroups of a create of NAME that exist.
cgroups_of() {
        local d
        for d in "$v2" $v1; do
                [[ ! -d $d/nsbootctl-create-$1 ]] || echo "$d/nsbootctl-create-$1"
        done
}

# killed_create NAME: a create of NAME --method=mkosi SIGKILLed while mkosi runs;
# its cgroups, work directory and lock file are left.
killed_create() {
        local name=$1 pid mkosi out
        rm -f "$WORKDIR/mkosi.pid"
        PATH=$WORKDIR/bin:$PATH "$CTL" create "$name" --method=mkosi >"$WORKDIR/create.out" 2>&1 &
        pid=$!
        at_exit "_kill_if_alive $pid"
        retry 20 test -e "$WORKDIR/mkosi.pid" || { cat "$WORKDIR/create.out"; fail "mkosi never ran"; }
        mkosi=$(cat "$WORKDIR/mkosi.pid")
        at_exit "kill -KILL $mkosi 2>/dev/null"
        assert_contains "$(cat "/proc/$pid/cgroup")" "0::/nsbootctl-create-$name" "nsbootctl in its build cgroup"

        # A second create of the name while this one runs: refused, nothing of the first touched.
        out=$(ctl create "$name" --from="$WORKDIR/bb.tar.gz" 2>&1) && fail "a second create of $name succeeded"
        log "second create: $out"
        assert_contains "$out" "already running"
        assert_eq "$((${v1:+1} + 1))" "$(cgroups_of "$name" | wc -l)" "the running create's cgroups"
        assert_file_exists "$MACHINES/.$name.partial.mkosi" "the running create's work directory"
        kill -0 "$pid" || fail "the second create ended the first"
        assert_contains "$(cat "$v2/nsbootctl-create-$name/cgroup.procs")" "$mkosi" "mkosi in the build cgroup"

        # mkosi is told (SIGTERM) when its nsbootctl dies: it would go on writing into what the
        # next create removes, no longer under the machine's lock.
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null || true
        wait_gone "$mkosi" 10 || fail "mkosi outlived the create that was killed"
        assert_eq "$((${v1:+1} + 1))" "$(cgroups_of "$name" | wc -l)" "cgroups left by the killed create"
        assert_file_exists "/run/nsboot/locks/machine-$name" "the lock file of the killed create"
}

# --- create --from a compressed image, killed while it decompresses.
cat >"$WORKDIR/bin/gzip" <<EOF
#!/bin/sh
# What create reads through a pipe (the first block) is decompressed; the image's file waits.
[ -f /dev/stdout ] || exec /bin/gzip "\$@"
echo \$\$ >"$WORKDIR/gzip.pid.tmp"
mv "$WORKDIR/gzip.pid.tmp" "$WORKDIR/gzip.pid"
exec sleep 120
EOF
chmod 0755 "$WORKDIR/bin/gzip"
head -c 1M /dev/zero | /bin/gzip >"$WORKDIR/zero.raw.gz"
new_name img
forget "$img"
at_exit "rm -f '$MACHINES/.$img.partial.image'"
PATH=$WORKDIR/bin:$PATH "$CTL" create "$img" --from="$WORKDIR/zero.raw.gz" >"$WORKDIR/create.out" 2>&1 &
pid=$!
at_exit "_kill_if_alive $pid"
retry 20 test -e "$WORKDIR/gzip.pid" || { cat "$WORKDIR/create.out"; fail "gzip never decompressed the image"; }
gzip_pid=$(cat "$WORKDIR/gzip.pid")
at_exit "kill -KILL $gzip_pid 2>/dev/null"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
wait_gone "$gzip_pid" 10 || fail "gzip outlived the create that was killed"
assert_file_exists "$MACHINES/.$img.partial.image" "the image file of the killed create"
ctl create "$img" --from="$WORKDIR/bb.tar.gz" || fail "the create after a killed one failed"
assert_file_not_exists "$MACHINES/.$img.partial.image" "the image file after the next create"
assert_file_not_exists "/run/nsboot/locks/machine-$img" "lock file after the next create"
ctl remove "$img"

# --- create --method=mkosi, killed while mkosi builds.
grep -qx '0::/' /proc/self/cgroup || skip "not in the cgroup2 root: create moves into no build cgroup"
new_name name
forget "$name"
at_exit "rmdir $v2/nsbootctl-create-$name ${v1:+$v1/nsbootctl-create-$name} 2>/dev/null; rm -rf '$MACHINES/.$name.partial.mkosi'"

killed_create "$name"
ctl create "$name" --from="$WORKDIR/bb.tar.gz" || fail "the create after a killed one failed"
assert_eq "" "$(cgroups_of "$name")" "cgroups after the next create"
assert_file_not_exists "$MACHINES/.$name.partial.mkosi" "mkosi's work directory after the next create"
assert_file_not_exists "/run/nsboot/locks/machine-$name" "lock file after the next create"
assert_file_exists "$MACHINES/$name/sbin/init" "the new machine"
ctl remove "$name"

killed_create "$name"
out=$(timeout 60 "$NSBOOT" --cleanup -M "$name" 2>&1) || fail "nsboot --cleanup failed: $out"
log "cleanup: $out"
assert_eq "" "$(cgroups_of "$name")" "cgroups after nsboot --cleanup"
assert_contains "$out" "Removed the cgroup $v2/nsbootctl-create-$name"
assert_not_contains "$out" "Nothing to clean up"
assert_file_not_exists "/run/nsboot/locks/machine-$name" "lock file after nsboot --cleanup"
rm -rf "$MACHINES/.$name.partial.mkosi"
exit 0
