#!/bin/bash
# --uts-namespace-path and --ipc-namespace-path (LXC's lxc.namespace.share.uts and .ipc): a machine
# joins another running machine's UTS and IPC namespaces, by name from the command line and by name
# from an LXC file, in both modes. From the host its init is in those namespaces; inside, it has the
# other machine's host name. With a user namespace the guest's root cannot change the joined host name (tried from
# inside), and gets no /dev/mqueue (it could not mount one); with --private-users=no the host's own
# UTS or IPC namespace is refused, and the host's IPC namespace when the guest's root is host uid 0. A host name, a UTS or IPC sysctl beside them, or a namespace that
# is not one is refused naming the option, and nothing is left behind. The host's host name is
# never changed.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree first
busybox_tree second
host_name=$(hostname)
ns_of() { stat -L -c %i "/proc/$1/ns/$2"; }

boot_sleeping "$first" -M nss-first --hostname=nss-alpha
guest_save a
a_leader=$LEADER
for mode in pick no; do
        boot_sleeping "$second" --private-users="$mode" --uts-namespace-path=nss-first --ipc-namespace-path=nss-first
        assert_eq "$(ns_of "$a_leader" uts)" "$(ns_of "$LEADER" uts)" "the first machine's UTS namespace ($mode)"
        assert_eq "$(ns_of "$a_leader" ipc)" "$(ns_of "$LEADER" ipc)" "the first machine's IPC namespace ($mode)"
        assert_ne "$(ns_of $$ uts)" "$(ns_of "$LEADER" uts)" "not the host's ($mode)"
        assert_eq nss-alpha "$(in_guest "$LEADER" hostname)" "its host name ($mode)"
        if [[ $mode == pick ]]; then
                in_guest "$LEADER" hostname nss-evil 2>/dev/null && fail "the guest's root changed the joined host name"
                assert_eq nss-alpha "$(in_guest "$a_leader" hostname)" "the first machine's host name is unchanged"
                assert_eq 0 "$(awk '$5 == "/dev/mqueue"' "/proc/$LEADER/mountinfo" | wc -l)" "no /dev/mqueue ($mode)"
        else
                assert_eq 1 "$(awk '$5 == "/dev/mqueue"' "/proc/$LEADER/mountinfo" | wc -l)" "/dev/mqueue ($mode)"
        fi
        poweroff_guest
done

# From an LXC file, as LXC writes it for containers that share a host name and IPC.
printf 'lxc.namespace.share.uts = nss-first\nlxc.namespace.share.ipc = nss-first\n' >"$WORKDIR/share.conf"
nsboot_run -D "$second" --config="$WORKDIR/share.conf" /bin/hostname
assert_rc 0 "lxc.namespace.share.uts and .ipc"
assert_eq nss-alpha "$(tr -d '\r' <"$NSBOOT_OUT")" "the shared host name"
guest_use a
poweroff_guest
assert_eq "$host_name" "$(hostname)" "the host's host name"

# Refused, naming what is wrong, with nothing left behind.
refused() {
        local what=$1 msg=$2
        shift 2
        assert_refused nss-bad "$what" "$msg" -D "$second" "$@" /bin/true
}
refused "the host's UTS namespace, privileged" \
        "--uts-namespace-path=$$ is the host's own UTS namespace: with --private-users=no the guest's root could change it" \
        --private-users=no --uts-namespace-path=$$
refused "the host's IPC namespace, privileged" \
        "--ipc-namespace-path=$$ is the host's own IPC namespace: with --private-users=no" \
        --private-users=no --ipc-namespace-path=$$
# A user namespace whose root is the host's uid 0 owns the host's root's IPC objects (it could remove
# them): the host's IPC namespace is refused with it too.
refused "the host's IPC namespace, identity" \
        "--ipc-namespace-path=$$ is the host's own IPC namespace: the guest's root is the host's uid 0" \
        --private-users=identity --ipc-namespace-path=$$
printf 'lxc.idmap = u 0 0 65536\nlxc.idmap = g 0 0 65536\n' >"$WORKDIR/idmap0.conf"
refused "the host's IPC namespace, lxc.idmap of 0 to 0" \
        "--ipc-namespace-path=$$ is the host's own IPC namespace: the guest's root is the host's uid 0" \
        --config="$WORKDIR/idmap0.conf" --ipc-namespace-path=$$
refused "--hostname beside it" "--hostname=x: the guest joins the UTS namespace of --uts-namespace-path=$$" \
        --uts-namespace-path=$$ --hostname=x
refused "a UTS sysctl" "sysctl kernel.domainname: the UTS namespace of --uts-namespace-path=$$ is not the container's own" \
        --uts-namespace-path=$$ --sysctl=kernel.domainname=x
refused "an IPC sysctl" "sysctl kernel.shmmax: the IPC namespace of --ipc-namespace-path=$$ is not the container's own" \
        --ipc-namespace-path=$$ --sysctl=kernel.shmmax=4096
refused "a network namespace as UTS" "--uts-namespace-path=/proc/self/ns/net: not a UTS namespace" \
        --uts-namespace-path=/proc/self/ns/net
refused "a machine that does not run" "--ipc-namespace-path=nss-none: no machine of that name runs" \
        --ipc-namespace-path=nss-none
printf 'lxc.namespace.share.pid = 1\n' >"$WORKDIR/pid.conf"
refused "share.pid" "lxc.namespace.share.pid: not supported yet" --config="$WORKDIR/pid.conf"

# With a user namespace the host's own may be joined: the guest can read but not change them.
nsboot_run -D "$second" --uts-namespace-path=$$ /bin/sh -c 'hostname; hostname nss-evil 2>/dev/null && echo changed; true'
assert_rc 0 "the host's UTS namespace with a user namespace"
assert_eq "$host_name" "$(tr -d '\r' <"$NSBOOT_OUT")" "the host's host name inside, unchanged"
assert_eq "$host_name" "$(hostname)" "the host's host name"
log "PASS"
