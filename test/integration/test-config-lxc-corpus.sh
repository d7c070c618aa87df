#!/bin/bash
# A corpus of real-world LXC configs (test/data/lxc-corpus/*.conf, each naming its public source)
# checked with "nsboot --check" against test/data/lxc-corpus/expected: a file LXC reads must not
# give a parse error; the only errors allowed are those the expected file names (keys another
# branch implements) and start errors for what this host lacks (included files, interfaces,
# cgroup2 controllers, or a cgroup v1 file for a cgroup2 setting on a hybrid host). Included /usr/share/lxc/config files come from Debian's lxc packages,
# shown at their real place in a private mount namespace.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

require_cmd unshare
corpus=$SRCDIR/test/data/lxc-corpus
expected=$corpus/expected

share=""
pkgdir=$WORKDIR/lxc-pkgs
mkdir -p "$pkgdir/root"
if (cd "$pkgdir" && timeout 120 apt-get download lxc liblxc-common lxc-templates lxcfs >/dev/null 2>&1); then
        for deb in "$pkgdir"/*.deb; do
                dpkg -x "$deb" "$pkgdir/root"
        done
        share=$pkgdir/root/usr/share
else
        log "Debian's lxc packages cannot be downloaded here: includes of /usr/share/lxc count as missing files"
fi

busybox_tree tree

# Warnings nsboot gives on purpose, and errors about what this host lacks.
benign=(-e ' is LXC 2.0 syntax, nsboot reads it as ' -e ': ignored' -e ': obsolete since LXC 3.0'
        -e ': skipped: not an LXC or nsboot key' -e ': accepted: ' -e ': tightened: ' -e ': note: '
        -e "include: '.*': No such file or directory" -e "hierarchy has no '.*' controller"
        -e "' does not exist$" -e 'No nsboot config for machine'
        -e ": cannot open '.*': No such file or directory" -e ': cgroup v1 has no equivalent of ')

check_one() {
        local name=$1 want=$2 conf=$corpus/$1.conf err=$WORKDIR/$1.err rc=0 bad keys k
        if [[ -n $share ]]; then
                timeout 30 unshare -m --propagation private sh -c \
                        'mount --bind "$1" /usr/share && shift && exec "$@"' _ "$share" \
                        "$NSBOOT" --config="$conf" --check -D "$tree" -M "corpus-${name:0:40}" >/dev/null 2>"$err" || rc=$?
        else
                timeout 30 "$NSBOOT" --config="$conf" --check -D "$tree" -M "corpus-${name:0:40}" >/dev/null 2>"$err" ||
                        rc=$?
        fi
        ((rc < 2)) || fail "$name: nsboot --check exited $rc:"$'\n'"$(cat "$err")"
        bad=$(grep -v "${benign[@]}" "$err" || true)
        case $want in
        ok | start-error)
                [[ -z $bad ]] || fail "$name: expected $want, got errors:"$'\n'"$bad"
                ;;
        unsupported:*)
                keys=${want#unsupported:}
                for k in ${keys//,/ }; do
                        bad=$(grep -v -F -e "$k" <<<"$bad" || true)
                done
                [[ -z $bad ]] || fail "$name: expected only $keys not supported, got:"$'\n'"$bad"
                ;;
        *) fail "$name: bad expectation '$want'" ;;
        esac
        # A file that fails names what failed: never a silent non-zero exit.
        [[ $rc == 0 || -s $err ]] || fail "$name: exit status $rc without a message"
}

n=0
while read -r name lxc want; do
        [[ -z $name || $name == \#* ]] && continue
        [[ -f $corpus/$name.conf ]] || fail "expected lists $name, which has no file"
        grep -q '^# Source: ' "$corpus/$name.conf" || fail "$name.conf does not name its source"
        check_one "$name" "$want"
        n=$((n + 1))
done <"$expected"
for f in "$corpus"/*.conf; do
        grep -q "^$(basename "$f" .conf) " "$expected" || fail "$(basename "$f") has no expected outcome"
done
((n >= 30)) || fail "only $n configs in the corpus"
log "$n corpus configs checked against their expected outcome"
