#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo / make shell: build and boot the VM in MODE (demo or shell).
. "$(dirname "$0")/lib.sh"

mode=$1
exec 9>"$CKPT_BUILD/lock"
flock 9
"$REPO/rig/build.sh" >&2
"$REPO/rig/initramfs.sh" "$OUT/initrd-$mode.gz"
flock -u 9
"$REPO/rig/vm.sh" "$mode" "$OUT/initrd-$mode.gz"
