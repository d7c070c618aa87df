#!/bin/bash
# The untrusted-file boundary: a NAME.nsboot beside the tree (as an image may ship one) may not
# set the keys nsboot.conf(5) lists under "UNTRUSTED FILES". The list is read from the man page,
# not from the settings table, so the documentation and the code are held to each other: every key
# of the man page's list is tried alone in a NAME.nsboot, with a value that would have an effect,
# and must give a warning naming the file, the line and the key, and have no effect inside the
# guest (checked there: its root, capabilities, network namespace, mounts, devices, UUID,
# environment; a scope property in --check's settings). A key in the list that this test does not know fails it.
# All of it runs in a network namespace of its own, so a broken build that honoured a network key
# would only touch test links.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

MAN=$SRCDIR/man/nsboot.conf.5.scd

# The keys of the man page's list: from "In this version these keys are:" to "In addition", with
# the parenthesised remarks (which name an allowed key, nsboot.tmpfs) left out; ..._N_._SUB_
# becomes ...0.type, LXC 2.0's lxc.network.\* lxc.network.type, ..._FILE_ pids.max and ..._NAME_
# nofile.
man_keys() {
        awk '/^In this version these keys are:/ { on = 1; next } /^In addition/ { on = 0 } on' "$MAN" |
                tr '\n' ' ' | sed -E 's/\([^)]*\)//g; s/\*_N_\*\.\*_SUB_\*?/0.type*/g; s/(cgroup2?)\.\\\*/\1.pids.max/g; s/prlimit\.\\\*/prlimit.nofile/g; s/hook\.\\\*/hook.start-host/g; s/\\\*/type/g; s/\.\*_FILE_/.pids.max*/g; s/\.\*_NAME_/.nofile*/g' |
                grep -oE '\*(nsboot|lxc)\.[a-z0-9._-]*[a-z0-9]\*' | tr -d '*' | sort -u
}

netns_create ns
nsboot_in_netns "$ns"
ip -n "$ns" link add nsbtu$$p type veth peer name nsbtu$$q
ip -n "$ns" link add nsbtu$$b type bridge
net_before=$(net_state "$ns")
ns_inode=$(stat -L -c %i "/run/netns/$ns")

busybox_tree tree
name=$(basename "$tree")
untrusted=$WORKDIR/$name.nsboot
echo nsbt-the-tree >"$tree/nsbt-marker"
# A FUSE node any user may open (the guest's root cannot make nodes in a user namespace): only the
# device policy decides.
mknod -m 0666 "$tree/nsbt-fuse" c 10 229
mkdir -p "$WORKDIR/hostdir" "$WORKDIR/upper"
echo nsbt-host-secret >"$WORKDIR/hostdir/secret"
fstab=$WORKDIR/fstab
printf '2\ndenylist\nmkdir errno 1\n' >"$WORKDIR/seccomp"
echo "$WORKDIR/hostdir mnt/h none bind,create=dir 0 0" >"$fstab"
uuid=0123456789abcdef0123456789abcdef
# Only while the journal is tried does the tree get a machine ID (with one, nsboot.uuid is moot).
machine_id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
at_exit "rm -rf '/var/log/journal/$machine_id'"
export NSBT_SECRET=nsbt-leaked-$$

# VALUE[KEY]: a value with an effect; EFFECT[KEY]: the word that "probe" prints when the key took
# effect inside the guest.
declare -A VALUE EFFECT
for k in nsboot.directory lxc.rootfs.path lxc.rootfs; do VALUE[$k]=/; EFFECT[$k]=other-root; done
# An image instead of the tree (a missing one: used, it would fail the run).
VALUE[nsboot.image]=$WORKDIR/nsbt.img; EFFECT[nsboot.image]=other-root
VALUE[nsboot.overlay]=$WORKDIR/hostdir:$WORKDIR/upper:/mnt/h; EFFECT[nsboot.overlay]=host-dir
VALUE[nsboot.overlay-ro]=$WORKDIR/hostdir:/mnt/h; EFFECT[nsboot.overlay-ro]=host-dir
# A template is copied only into a tree that is not there yet: its default in --check.
VALUE[nsboot.template]=$WORKDIR/hostdir; EFFECT[nsboot.template]=-
for k in nsboot.capability nsboot.keep-capability lxc.cap.keep; do VALUE[$k]=sys_module; EFFECT[$k]=cap-sys-module; done
VALUE[nsboot.private-network]=yes; EFFECT[nsboot.private-network]=own-netns
VALUE[nsboot.uuid]=$uuid; EFFECT[nsboot.uuid]="uuid-set"
# "-": nothing of it could show inside the guest (the scope, machined, firewall rules on the host):
# the key must keep its default in --check's settings, and the run must succeed (register=yes
# and keep-unit=yes fail here, without machined or a unit; port and masquerade without a veth).
VALUE[nsboot.property]=MemoryMax=1M; EFFECT[nsboot.property]=-
VALUE[nsboot.slice]=nsbt.slice; EFFECT[nsboot.slice]=-
VALUE[nsboot.register]=yes; EFFECT[nsboot.register]=-
VALUE[nsboot.keep-unit]=yes; EFFECT[nsboot.keep-unit]=-
VALUE[nsboot.port]=tcp:8080:80; EFFECT[nsboot.port]=-
VALUE[nsboot.masquerade]=yes; EFFECT[nsboot.masquerade]=-
VALUE[nsboot.firewall]=iptables; EFFECT[nsboot.firewall]=-
VALUE[nsboot.cgroup]=pids.max=77; EFFECT[nsboot.cgroup]=pids-77
for k in lxc.cgroup2.pids.max lxc.cgroup.pids.max; do VALUE[$k]=77; EFFECT[$k]=pids-77; done
VALUE[nsboot.rlimit]=nofile=77; EFFECT[nsboot.rlimit]=nofile-77
for k in lxc.prlimit.nofile lxc.limit.nofile; do VALUE[$k]=77; EFFECT[$k]=nofile-77; done
# The init only runs with -b: try_untrusted boots these.
for k in nsboot.init lxc.init.cmd lxc.init_cmd; do VALUE[$k]="/bin/echo init-replaced"; EFFECT[$k]=init-replaced; done
VALUE[nsboot.link-journal]=host; EFFECT[nsboot.link-journal]=journal-bound
# A hook would run a host command, a log file be written on the host: neither may appear.
for k in nsboot.hook.start-host lxc.hook.start-host; do VALUE[$k]="/bin/touch $WORKDIR/hook-ran"; EFFECT[$k]=host-file; done
for k in nsboot.hook-version lxc.hook.version; do VALUE[$k]=1; EFFECT[$k]=-; done
# The hooks' environment and the caller's session keyring: nothing of them shows without a hook
# of the trusted configuration, or without keyctl() in the guest (test-session-keyring.sh looks
# there); their default in --check.
for k in nsboot.hook-setenv lxc.environment.hooks; do VALUE[$k]=LD_PRELOAD=$WORKDIR/hook-ran; EFFECT[$k]=-; done
for k in nsboot.session-keyring lxc.keyring.session; do VALUE[$k]=0; EFFECT[$k]=-; done
for k in nsboot.log-file lxc.log.file; do VALUE[$k]=$WORKDIR/hook-ran; EFFECT[$k]=host-file; done
for k in nsboot.console.logfile lxc.console.logfile; do VALUE[$k]=$WORKDIR/hook-ran; EFFECT[$k]=host-file; done
# Without a log file of the trusted configuration they do nothing: their default in --check.
for k in nsboot.console.size lxc.console.size; do VALUE[$k]=64K; EFFECT[$k]=-; done
for k in nsboot.console.rotate lxc.console.rotate; do VALUE[$k]=1; EFFECT[$k]=-; done
# The ring buffer lives in the supervisor: nothing shows inside; its default in --check.
for k in nsboot.console.buffer.size lxc.console.buffer.size; do VALUE[$k]=64M; EFFECT[$k]=-; done
# How the host knows and treats the machine: their default in --check.
VALUE[nsboot.machine]=nsbtother; EFFECT[nsboot.machine]=-
VALUE[nsboot.console]=interactive; EFFECT[nsboot.console]=-
# A host device as the console: taken, /dev/null (no terminal) would refuse the start.
for k in nsboot.console.path lxc.console.path; do VALUE[$k]=/dev/null; EFFECT[$k]=-; done
for k in nsboot.kill-signal lxc.signal.halt nsboot.stop-signal lxc.signal.stop; do VALUE[$k]=SIGKILL; EFFECT[$k]=-; done
# System call filters: a host file read, or system calls allowed beyond the default filter;
# their default in --check.
for k in nsboot.seccomp-profile lxc.seccomp.profile lxc.seccomp; do VALUE[$k]=$WORKDIR/seccomp; EFFECT[$k]=-; done
VALUE[nsboot.system-call-filter]="kexec_load"; EFFECT[nsboot.system-call-filter]=-
# The user namespace: none at all, or other maps (uid_map seen inside). Ownership and LXC's
# idmap=container root option have no view inside: their default in --check.
VALUE[nsboot.private-users]=no; EFFECT[nsboot.private-users]=host-root
for k in nsboot.idmap lxc.idmap lxc.id_map; do VALUE[$k]="b 0 1048576 65536"; EFFECT[$k]=idmap-set; done
VALUE[nsboot.private-users-ownership]="chown"; EFFECT[nsboot.private-users-ownership]=-
for k in nsboot.rootfs-options lxc.rootfs.options; do VALUE[$k]=idmap=container; EFFECT[$k]=-; done
for k in nsboot.bind nsboot.bind-ro; do VALUE[$k]=$WORKDIR/hostdir:/mnt/h; EFFECT[$k]=host-dir; done
for k in nsboot.mount-entry lxc.mount.entry; do VALUE[$k]="$WORKDIR/hostdir mnt/h none bind,create=dir 0 0"; EFFECT[$k]=host-dir; done
for k in nsboot.mount-fstab lxc.mount.fstab lxc.mount; do VALUE[$k]=$fstab; EFFECT[$k]=host-dir; done
for k in nsboot.device-allow lxc.cgroup2.devices.allow lxc.cgroup.devices.allow; do VALUE[$k]="c 10:229 rwm"; EFFECT[$k]=fuse-open; done
for k in nsboot.device-deny lxc.cgroup2.devices.deny lxc.cgroup.devices.deny; do VALUE[$k]="c 1:9 rwm"; EFFECT[$k]=urandom-denied; done
for k in nsboot.net.0.type lxc.net.0.type lxc.network.type; do VALUE[$k]=veth; EFFECT[$k]=own-netns; done
# "lxc.net =" clears the interfaces set before; an untrusted file is the only file read when it is
# read at all, and its own interface keys are ignored, so there is nothing it could clear: only
# the warning can be checked.
VALUE[lxc.net]=""; EFFECT[lxc.net]=own-netns
VALUE[nsboot.network-veth]=yes; EFFECT[nsboot.network-veth]=own-netns
VALUE[nsboot.network-bridge]=nsbtu$$b; EFFECT[nsboot.network-bridge]=own-netns
VALUE[nsboot.network-macvlan]=nsbtu$$p; EFFECT[nsboot.network-macvlan]=own-netns
VALUE[nsboot.network-ipvlan]=nsbtu$$p; EFFECT[nsboot.network-ipvlan]=own-netns
VALUE[nsboot.network-vlan]=nsbtu$$p:5; EFFECT[nsboot.network-vlan]=own-netns
VALUE[nsboot.network-interface]=nsbtu$$q; EFFECT[nsboot.network-interface]=own-netns
VALUE[nsboot.network-zone]=nsbtz$$; EFFECT[nsboot.network-zone]=own-netns
VALUE[nsboot.network-veth-extra]=nsbtx$$; EFFECT[nsboot.network-veth-extra]=own-netns
# A namespace to join: another test network than the one nsboot runs in.
netns_create other_ns
for k in nsboot.network-namespace-path lxc.namespace.share.net; do VALUE[$k]=/run/netns/$other_ns; EFFECT[$k]=own-netns; done
# UTS and IPC: the test's own shell's namespaces (the host's), seen from inside.
for k in nsboot.uts-namespace-path lxc.namespace.share.uts; do VALUE[$k]=$$; EFFECT[$k]=host-uts; done
for k in nsboot.ipc-namespace-path lxc.namespace.share.ipc; do VALUE[$k]=$$; EFFECT[$k]=host-ipc; done
VALUE[lxc.namespace.keep]=user; EFFECT[lxc.namespace.keep]=host-root
VALUE[lxc.namespace.clone]="mnt pid net"; EFFECT[lxc.namespace.clone]=own-netns
# A positive adjustment: only one below nsboot's own needs a capability this host may lack.
for k in nsboot.oom-score-adjust lxc.proc.oom_score_adj; do VALUE[$k]=123; EFFECT[$k]=oom-123; done
VALUE[nsboot.load-credential]=c:$WORKDIR/hostdir/secret; EFFECT[nsboot.load-credential]=credential-loaded
VALUE[nsboot.resolv-conf]=copy-host; EFFECT[nsboot.resolv-conf]=resolv-conf-set
VALUE[nsboot.timezone]=copy; EFFECT[nsboot.timezone]=localtime-set
# A host user in the guest: the host has none to bind that this test could use (daemon's home is
# root's, which is refused; test-bind-user makes its own): its default in --check.
VALUE[nsboot.bind-user]=daemon; EFFECT[nsboot.bind-user]=-
# A quota of the tree's file system: where it enforces none, a start that honoured the key would be
# refused; where it does, --check would show the value. Their default in --check.
VALUE[nsboot.disk-quota]=1M; EFFECT[nsboot.disk-quota]=-
VALUE[nsboot.disk-inodes]=100; EFFECT[nsboot.disk-inodes]=-

# What the guest shows, one word per effect that a forbidden key would have had.
probe='
[ -e /nsbt-marker ] || echo other-root
cap=$(sed -n "s/^CapBnd:[[:space:]]*//p" /proc/self/status)
[ $(( (0x$cap >> 16) & 1 )) = 1 ] && echo cap-sys-module
[ "$(readlink /proc/self/ns/net)" = "net:[NSINODE]" ] || echo own-netns
[ "$(readlink /proc/self/ns/uts)" = "UTSNS" ] && echo host-uts
[ "$(readlink /proc/self/ns/ipc)" = "IPCNS" ] && echo host-ipc
[ "$container_uuid" = "UUIDDASHED" ] && echo uuid-set
[ -e /mnt/h/secret ] && echo host-dir
(exec 3<>/nsbt-fuse) 2>/dev/null && echo fuse-open
head -c 1 /dev/urandom >/dev/null 2>&1 || echo urandom-denied
[ -n "$NSBT_SECRET$NSBT_SECRET2" ] && echo env-copied
[ "$(cat /sys/fs/cgroup/pids.max 2>/dev/null)" = 77 ] && echo pids-77
[ "$(ulimit -n)" = 77 ] && echo nofile-77
awk "\$1 == 0 && \$2 == 0 { f = 1 } END { exit !f }" /proc/self/uid_map && echo host-root
awk "\$1 == 0 && \$2 == 1048576 { f = 1 } END { exit !f }" /proc/self/uid_map && echo idmap-set
grep -q " /var/log/journal/MACHINEID " /proc/self/mountinfo && echo journal-bound
[ "$(cat /proc/self/oom_score_adj)" = 123 ] && echo oom-123
[ -e /run/host/credentials/c ] && echo credential-loaded
[ -e /etc/resolv.conf ] && echo resolv-conf-set
[ -e /etc/localtime ] && echo localtime-set
echo "probe-done host=$(hostname)"
'
uuid_dashed=${uuid:0:8}-${uuid:8:4}-${uuid:12:4}-${uuid:16:4}-${uuid:20:12}
probe=${probe//NSINODE/$ns_inode}
probe=${probe//UTSNS/$(readlink /proc/self/ns/uts)}
probe=${probe//IPCNS/$(readlink /proc/self/ns/ipc)}
probe=${probe//UUIDDASHED/$uuid_dashed}
probe=${probe//MACHINEID/$machine_id}

# try_untrusted KEY VALUE EFFECT: KEY = VALUE alone in NAME.nsboot (after a harmless hostname line):
# a warning for line 2 naming KEY, and no EFFECT in the guest.
try_untrusted() {
        local key=$1 value=$2 effect=$3
        printf 'nsboot.hostname = nsbt-untrusted\n%s = %s\n' "$key" "$value" >"$untrusted"
        rm -f "$tree/etc/machine-id"
        [[ $effect != journal-bound ]] || echo "$machine_id" >"$tree/etc/machine-id"
        if [[ $effect == init-replaced ]]; then
                nsboot_run -q -D "$tree" -b exit 0
                assert_file_contains "$NSBOOT_OUT" "NSBOOT-TEST: mode=exit" "$key: the tree's init ran"
        else
                nsboot_run -q -D "$tree" /bin/sh -c "$probe"
                # The untrusted file is read (its hostname counts), only the key is not.
                assert_file_contains "$NSBOOT_OUT" "probe-done host=nsbt-untrusted" "$key: the probe ran"
        fi
        assert_rc 0 "$key in an untrusted file: the guest's run"
        assert_file_contains "$NSBOOT_ERR" "$untrusted:2: $key: ignored in an untrusted file" "$key: the warning"
        assert_file_not_exists "/var/log/journal/$machine_id" "$key: a journal directory on the host"
        assert_file_not_exists "$WORKDIR/hook-ran" "$key: a file the key would make on the host"
        [[ $effect == - ]] || assert_file_not_contains "$NSBOOT_OUT" "$effect" "$key in an untrusted file took effect"
        if [[ $effect == - && $key == nsboot.* ]]; then
                nsboot_run -q -D "$tree" --check
                assert_rc 0 "--check with $key in an untrusted file"
                assert_eq "$(grep "^$key = " "$baseline")" "$(grep "^$key = " "$NSBOOT_OUT")" "$key: --check's setting"
        fi
        assert_net_state "$ns" "$net_before" "after $key in an untrusted file"
}

baseline=$WORKDIR/baseline.check
"$NSBOOT" -q -D "$tree" --no-config --check >"$baseline" || fail "nsboot --check failed"
mapfile -t keys < <(man_keys)
man_list=$(awk '/^In this version these keys are:/ { on = 1; next } /^In addition/ { on = 0 } on' "$MAN")
((${#keys[@]} >= 30)) || fail "only ${#keys[@]} keys read from $MAN: ${keys[*]}"
log "keys nsboot.conf(5) forbids in untrusted files: ${keys[*]}"
for key in "${keys[@]}"; do
        [[ -n ${EFFECT[$key]+set} ]] || fail "nsboot.conf(5) lists $key as forbidden in untrusted files, and this test has no check for it"
        try_untrusted "$key" "${VALUE[$key]}" "${EFFECT[$key]}"
done

# Copying nsboot's environment: nsboot.setenv / lxc.environment(.runtime) = VAR without a value.
for key in nsboot.setenv lxc.environment lxc.environment.runtime; do
        printf 'nsboot.hostname = nsbt-untrusted\n%s = NSBT_SECRET\n%s = NSBT_SECRET2=\n' "$key" "$key" >"$untrusted"
        nsboot_run -q -D "$tree" /bin/sh -c "$probe"
        assert_rc 0
        assert_file_contains "$NSBOOT_ERR" "$untrusted:2: $key: copying nsboot's environment is ignored in an untrusted file"
        assert_file_not_contains "$NSBOOT_OUT" env-copied "$key = VAR copied nsboot's environment"
done

# The other way round: every key --check shows that nsboot ignores in an untrusted file must be in
# the man page's list (one key at a time, with its default value).
while IFS= read -r line; do
        key=${line%% = *}
        [[ " ${keys[*]} " != *" $key "* ]] || continue
        # A family the list names with a wildcard, such as *nsboot.hook.\**.
        grep -qF -- "*${key%.*}.\\**" <<<"$man_list" && continue
        printf 'nsboot.hostname = nsbt-untrusted\n%s\n' "$line" >"$untrusted"
        "$NSBOOT" -q -D "$tree" --check >/dev/null 2>"$WORKDIR/reverse.err" || true
        ! grep -qF "$untrusted:2: $key: ignored in an untrusted file" "$WORKDIR/reverse.err" ||
                fail "nsboot ignores $key in an untrusted file, but nsboot.conf(5) does not list it"
done < <(sort -u -t= -k1,1 "$baseline")

# The same probe sees each effect when the keys come from a trusted file: the probe can fail.
trusted=$WORKDIR/trusted.conf
printf '%s\n' "nsboot.capability = sys_module" "nsboot.uuid = $uuid" "nsboot.bind = $WORKDIR/hostdir:/mnt/h" \
        "lxc.cgroup2.devices.allow = c 10:229 rwm" "lxc.cgroup2.devices.deny = c 1:9 rwm" "nsboot.network-veth = yes" \
        "nsboot.setenv = NSBT_SECRET" "lxc.prlimit.nofile = 77" "nsboot.private-users = no" \
        "nsboot.oom-score-adjust = 123" "nsboot.load-credential = c:$WORKDIR/hostdir/secret" \
        "nsboot.resolv-conf = copy-host" "nsboot.timezone = copy" >"$trusted"
rm -f "$untrusted"
nsboot_run -q -D "$tree" --config="$trusted" /bin/sh -c "$probe"
assert_rc 0 "the probe with the trusted file"
for effect in cap-sys-module uuid-set host-dir fuse-open urandom-denied own-netns env-copied nofile-77 host-root \
        oom-123 credential-loaded resolv-conf-set localtime-set; do
        assert_file_contains "$NSBOOT_OUT" "$effect" "the probe does not see $effect from a trusted file"
done
echo "lxc.idmap = b 0 1048576 65536" >"$trusted"
nsboot_run -q -D "$tree" --config="$trusted" /bin/sh -c "$probe"
assert_rc 0 "the probe with the trusted file"
assert_file_contains "$NSBOOT_OUT" idmap-set "the probe does not see idmap-set from a trusted file"
echo "$machine_id" >"$tree/etc/machine-id"
echo "nsboot.link-journal = host" >"$trusted"
nsboot_run -q -D "$tree" --config="$trusted" /bin/sh -c "$probe"
assert_rc 0 "the probe with the trusted file"
assert_file_contains "$NSBOOT_OUT" journal-bound "the probe does not see journal-bound from a trusted file"
assert_net_state "$ns" "$net_before" "after the trusted run"
exit 0
