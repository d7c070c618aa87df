#!/bin/bash
# System tier (needs ext4 project quotas: CONFIG_QFMT_V2, which the host kernel lacks): the host
# tier's test-disk-quota.sh, run in the VM, where its second half runs instead of skipping (an ext4
# with project quotas on a loop device: project IDs, repquota, the guest's df, EDQUOT for space and
# inodes, the guest's attempts on its quota in the default and the privileged mode). One VM boot.
# nsboot-test-timeout: 600
# shellcheck source=test/integration/lib.sh
. "$(dirname "$0")/lib.sh"

vm_prepare
dir=$VM_DIR
vm_add_host_tests test-disk-quota
mkdir -p "$dir/test/fixtures"
cp "$(fixture_binary quota-probe)" "$dir/test/fixtures/quota-probe"

cat >"$dir/run.sh" <<'EOS'
. ./check-lib.sh
modprobe -a loop quota_v2
echo "kernel: $(uname -r)"
check test-disk-quota vm_host_test test-disk-quota
checks_done
EOS

rc=0
"$SRCDIR/test/vm/run.sh" --image "$VM_IMAGE" --timeout 480 --console "$WORKDIR/console.log" "$dir" \
        >"$WORKDIR/vm.out" || rc=$?
cat "$WORKDIR/vm.out"
out=$(<"$WORKDIR/vm.out")
vm_assert_checks "$out" "$dir/run.sh"
assert_contains "$out" "PASS: test-disk-quota" "the host-tier test did not pass in the VM"
assert_eq 0 "$rc" "exit status of the test in the VM"
