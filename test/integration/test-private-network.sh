#!/bin/bash
# --private-network: the guest has its own network namespace with only loopback, up; the host's
# links are untouched. Without it, the guest shares the host's network.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
host_links=$(ip -o link show | awk -F': ' '{ print $2 }' | sort)

nsboot_run --private-network -D "$tree" /bin/sh -c 'ip -o link show; echo "sysfs: $(ls /sys/class/net)"'
assert_rc 0
links=$(output | grep -c '^[0-9]*:' || true)
assert_eq 1 "$links" "number of links in the guest"
lo=$(output | grep '^[0-9]*: lo:') || fail "no lo in the guest"
assert_match "$lo" '<[^>]*[<,]UP[,>]' "lo flags"
assert_file_contains "$NSBOOT_OUT" "sysfs: lo" "/sys/class/net of the guest's namespace"

nsboot_run -D "$tree" /bin/sh -c 'ip -o link show'
assert_rc 0
assert_eq "$host_links" "$(output | awk -F': ' '{ print $2 }' | sort)" "links without --private-network"

assert_eq "$host_links" "$(ip -o link show | awk -F': ' '{ print $2 }' | sort)" "host links afterwards"
