#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: build the debug kernel and restart FUZZ_N mutated images in the
# VM, in FUZZ_J campaigns side by side (PRNG seeds FUZZ_SEED, +1, ...),
# stopping after FUZZ_TIME seconds if not 0; then count the outcomes,
# kernel reports and leaks. The last line is "N passed, N failed, N skipped".
. "$(dirname "$0")/lib.sh"

FUZZ_N=${FUZZ_N:-10000}
FUZZ_SEED=${FUZZ_SEED:-1}
FUZZ_J=${FUZZ_J:-2}
FUZZ_TIME=${FUZZ_TIME:-0}
case $FUZZ_N$FUZZ_SEED$FUZZ_J$FUZZ_TIME in
*[!0-9]*) die "FUZZ_N, FUZZ_SEED, FUZZ_J and FUZZ_TIME must be numbers" ;;
esac

exec 9>"$CKPT_BUILD/lock"
flock 9
"$REPO/rig/build.sh"

res=$OUT/fuzz
rm -rf "$res"
mkdir -p "$res"
"$REPO/rig/initramfs.sh" "$res/initrd.gz"
log "fuzzing: $FUZZ_N images, $FUZZ_J campaigns, seed $FUZZ_SEED"
start=$(date +%s)
VM_TIMEOUT=${VM_TIMEOUT:-$((900 + FUZZ_N))} \
VM_APPEND="ckpt.fuzz_n=$FUZZ_N ckpt.fuzz_seed=$FUZZ_SEED ckpt.fuzz_j=$FUZZ_J ckpt.fuzz_time=$FUZZ_TIME" \
	"$REPO/rig/vm.sh" fuzz "$res/initrd.gz" "$res" || log "qemu exited with $?"
log "VM run took $(( $(date +%s) - start )) s; logs in $res"
grep -E '^(# fuzz|# kernel|not ok|### )' "$res/tests.log" || true
python3 "$REPO/rig/report.py" "$res/console.log" "$res/tests.log"
