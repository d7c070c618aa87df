#!/bin/bash
# -u/--user runs the command as a user of the tree's /etc/passwd, with that user's HOME, USER
# and LOGNAME; an unknown user is refused.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
show='echo "$(id -u):$(id -g) HOME=$HOME USER=$USER LOGNAME=$LOGNAME"'

nsboot_run -D "$tree" /bin/sh -c "$show"
assert_rc 0
assert_eq "0:0 HOME=/root USER=root LOGNAME=root" "$(output)" "default user"

nsboot_run -u nobody -D "$tree" /bin/sh -c "$show"
assert_rc 0
assert_eq "65534:65534 HOME=/nonexistent USER=nobody LOGNAME=nobody" "$(output)" "-u nobody"

nsboot_run --user=no-such-user -D "$tree" /bin/sh -c 'echo ran'
assert_rc 1 "unknown user"
assert_eq "" "$(output)" "the command ran as an unknown user"
assert_file_contains "$NSBOOT_ERR" "no-such-user: no such user in the tree's /etc/passwd" "the error names the user"
# The tree's /etc/passwd counts, not the host's: a user only the tree knows works, one only the
# host knows (root aside, every Debian host has "daemon") does not.
echo 'nsbtuser:x:4242:4343:test:/home/nsbt:/bin/sh' >>"$tree/etc/passwd"
nsboot_run -u nsbtuser -D "$tree" /bin/sh -c "$show"
assert_rc 0
assert_eq "4242:4343 HOME=/home/nsbt USER=nsbtuser LOGNAME=nsbtuser" "$(output)" "-u of a user only the tree has"
getent passwd daemon >/dev/null || fail "this host has no user daemon"
nsboot_run -u daemon -D "$tree" /bin/sh -c 'echo ran'
assert_rc 1 "a user only the host has"
assert_eq "" "$(output)" "the command ran as a user only the host has"
