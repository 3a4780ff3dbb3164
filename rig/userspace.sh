#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the tools and the selftests, statically, against the uapi headers of
# the kernel just built.
. "$(dirname "$0")/lib.sh"

hdrs="-isystem $OBJ/usr/include"
mkdir -p "$OUT/bin" "$OUT/selftests"
log "building tools/checkpoint"
# -B: the uapi headers they use are not in their dependencies
make -s -B -C "$SRC/tools/checkpoint" OUTPUT="$OUT/bin" KHDR_INCLUDES="$hdrs"
log "building the checkpoint selftests"
make -s -B -C "$SRC/tools/testing/selftests/checkpoint" OUTPUT="$OUT/selftests" \
	KHDR_INCLUDES="$hdrs"
