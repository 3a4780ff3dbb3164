#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: build a non-debug kernel (its own build tree), boot it and
# time checkpoint/restart beside plain write()/read() of the same bytes.
# Absolute times under TCG mean little; the ratios are the result.
CKPT_OBJ=${CKPT_BUILD:-/var/tmp/ckpt-build}/obj-bench
CKPT_OUT=${CKPT_BUILD:-/var/tmp/ckpt-build}/out-bench
export CKPT_OBJ CKPT_OUT
. "$(dirname "$0")/lib.sh"

exec 9>"$CKPT_BUILD/lock"
flock 9
"$REPO/rig/deps.sh"
"$REPO/rig/tree.sh"
"$REPO/rig/kernel.sh" "$REPO/rig/config/base.config" "$REPO/rig/config/criu.config" \
	"$REPO/tools/testing/selftests/checkpoint/config"
"$REPO/rig/userspace.sh"
res=$OUT/bench
mkdir -p "$res"
"$REPO/rig/initramfs.sh" "$res/initrd.gz"
# Without ACPI the guest finds no HPET or PM timer to calibrate its TSC
# against and falls back to jiffies, a 4 ms clock. Under TCG the guest TSC
# runs at the host's rate: give it that rate (a constant TSC's "cpu MHz").
append=${VM_APPEND:-}
if grep -qw constant_tsc /proc/cpuinfo; then
	khz=$(awk '/^cpu MHz/ { printf "%d", $4 * 1000; exit }' /proc/cpuinfo)
	append="tsc_early_khz=$khz tsc=reliable $append"
else
	log "no constant TSC on the host: the guest clock ticks in jiffies"
fi
VM_MEM=${VM_MEM:-6144} VM_TIMEOUT=${VM_TIMEOUT:-3600} VM_APPEND=$append \
	"$REPO/rig/vm.sh" bench "$res/initrd.gz" "$res" || log "qemu exited with $?"
sed -n '/^### BENCH tmpfs/,/^### BENCH done/p' "$res/tests.log" |
	grep -v -e '^###' -e '^ckpt-bench: ' | tee "$res/results.txt"
grep -q '^Ratios' "$res/results.txt" || die "no results: see $res/tests.log and console.log"
# the tree scaling table, when the run had one (the console may end lines in CR)
sed -n '/^### TREEBENCH/,/^### TREEBENCH done/p' "$res/tests.log" | { grep -v '^###' || true; } |
	tee -a "$res/results.txt"
# the README links to the results of the last run
{
	echo "make bench, $(date -u +%Y-%m-%d), commit $(git -C "$REPO" rev-parse --short HEAD)$(
		git -C "$REPO" diff --quiet HEAD -- . ':!rig/bench-results.txt' ||
		echo ' (modified)'), QEMU TCG, tmpfs"
	echo
	cat "$res/results.txt"
} > "$REPO/rig/bench-results.txt"
log "results in $res/results.txt and rig/bench-results.txt"
