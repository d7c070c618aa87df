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

nsboot_run --user=no-such-user -D "$tree" /bin/true
assert_rc 1 "unknown user"
