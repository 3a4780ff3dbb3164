#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every selftest binary; the host reads the TAP between the markers.
. /ckpt/kcheck.sh
kmemleak_start
cd /ckpt/selftests || exit 1
for t in *; do
	[ -x "$t" ] || continue
	echo "### BEGIN $t"
	./"$t"
	echo "### END $t rc=$?"
done
kmemleak_check
echo "### DONE"
