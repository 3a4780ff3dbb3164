# SPDX-License-Identifier: GPL-2.0
# Shared settings of the test rig; sourced by the other rig scripts.
#
# The kernel tree, the build and the VM outputs live outside the clone, in
# $CKPT_BUILD (default /var/tmp/ckpt-build), so rebuilds are incremental
# and a fresh clone on the same machine reuses them.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CKPT_BUILD=${CKPT_BUILD:-/var/tmp/ckpt-build}
KTARBALL=${KTARBALL:-/usr/src/linux-source-6.12.tar.xz}
PRISTINE=$CKPT_BUILD/vanilla/linux-source-6.12	# the vanilla tree, never modified
SRC=$CKPT_BUILD/src			# vanilla + our files + our patches
OBJ=${CKPT_OBJ:-$CKPT_BUILD/obj}	# kernel build output (O=)
OUT=${CKPT_OUT:-$CKPT_BUILD/out}	# tools, selftests, initramfs, logs
JOBS=${JOBS:-$(nproc)}

# Directories that are ours alone in the kernel tree: overlaid with --delete
OVERLAY_DIRS="checkpoint arch/x86/checkpoint Documentation/checkpoint tools/checkpoint
	tools/testing/selftests/checkpoint"
# Our files in directories we share with the kernel
OVERLAY_FILES="include/linux/checkpoint.h include/linux/checkpoint_hdr.h
	include/uapi/linux/checkpoint.h include/uapi/linux/checkpoint_hdr.h
	arch/x86/include/asm/checkpoint.h arch/x86/include/uapi/asm/checkpoint_hdr.h
	arch/x86/kernel/fpu/checkpoint.c ipc/checkpoint.h ipc/checkpoint_msgutil.c
	ipc/checkpoint_msg.c ipc/checkpoint_sem.c ipc/checkpoint_shm.c"

log() { printf '[rig] %s\n' "$*" >&2; }
die() { printf '[rig] error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$CKPT_BUILD"
