#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run every selftest binary; the host reads the TAP between the markers.
. /ckpt/kcheck.sh
kmemleak_start
# ckpt.tests=a,b on the kernel command line (CKPT_TESTS on the host): only those
only=$(sed -n 's/.*ckpt\.tests=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
cd /ckpt/selftests || exit 1
for t in *; do
	[ -x "$t" ] || continue
	if [ -n "$only" ]; then
		case " $only " in *" $t "*) ;; *) continue ;; esac
	fi
	echo "### BEGIN $t"
	./"$t"
	echo "### END $t rc=$?"
done
kmemleak_check
echo "### DONE"
