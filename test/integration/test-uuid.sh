#!/bin/bash
# The container UUID: --uuid when the tree has no usable machine ID, else random; the guest sees
# it as $container_uuid and in /run/host/container-uuid.
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

busybox_tree tree
uuid=0d3c2a3e-4b5f-4d6a-8e7f-9a0b1c2d3e4f
show_uuid='echo "env=$container_uuid"; echo "file=$(cat /run/host/container-uuid)"'

for state in missing empty uninitialized; do
        case $state in
        missing) rm -f "$tree/etc/machine-id" ;;
        *) set_machine_id "$tree" "$state" ;;
        esac
        nsboot_run --uuid="$uuid" -D "$tree" /bin/sh -c "$show_uuid"
        assert_rc 0
        assert_file_contains "$NSBOOT_OUT" "env=$uuid" "container_uuid with machine-id $state"
        assert_file_contains "$NSBOOT_OUT" "file=$uuid" "/run/host/container-uuid with machine-id $state"
done

rm -f "$tree/etc/machine-id"
nsboot_run -D "$tree" /bin/sh -c "$show_uuid"
first=$(output | sed -n 's/^env=//p')
nsboot_run -D "$tree" /bin/sh -c "$show_uuid"
second=$(output | sed -n 's/^env=//p')
assert_match "$first" '^[0-9a-f-]{36}$' "random container UUID"
assert_ne "$first" "$second" "random UUIDs of two runs"
assert_file_contains "$NSBOOT_OUT" "file=$second" "/run/host/container-uuid matches \$container_uuid"
