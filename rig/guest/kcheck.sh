# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest scripts: kernel memory leak checks with kmemleak.

KMEMLEAK=/sys/kernel/debug/kmemleak

# Forget what kmemleak suspects from boot: only leaks from now on count
kmemleak_start() {
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	[ -w $KMEMLEAK ] || return 0
	echo scan > $KMEMLEAK
	echo clear > $KMEMLEAK
}

# TAP block "kmemleak": ok if no object leaked since kmemleak_start
kmemleak_check() {
	echo "### BEGIN kmemleak"
	echo "TAP version 13"
	echo "1..1"
	if [ ! -w $KMEMLEAK ]; then
		echo "ok 1 kmemleak # SKIP not enabled in this kernel"
	else
		# an object must stay unreferenced for 5 s and two scans
		sleep 6
		echo scan > $KMEMLEAK
		echo scan > $KMEMLEAK
		n=$(grep -c '^unreferenced object' $KMEMLEAK)
		if [ "$n" = 0 ]; then
			echo "ok 1 kmemleak: no leaked kernel memory"
		else
			head -n 60 $KMEMLEAK | sed 's/^/# /'
			echo "not ok 1 kmemleak: $n leaked objects"
		fi
	fi
	echo "### END kmemleak rc=0"
}

# TAP block "kernel_reports": the kernel log has no report. Between the
# "ckpt-fault: injecting" and "ckpt-fault: done" lines of the tests that
# make allocations fail on purpose (nested when campaigns run side by side),
# the call trace of such a failure is expected; as in rig/report.py.
kernel_reports_check() {
	echo "### BEGIN kernel_reports"
	echo "TAP version 13"
	echo "1..1"
	dmesg | awk '
		/ckpt-fault: injecting/ { depth++; next }
		/ckpt-fault: done/ { if (depth) depth--; if (!depth) trace = 0; next }
		/ckpt-fuzz: / { next }
		depth && /page allocation failure|vmalloc error: / { trace = 1 }
		trace && /<\/TASK>/ { trace = 0 }
		trace && /Call Trace:/ { next }
		/BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|possible recursive locking|circular locking|INFO: task .* blocked|soft lockup|hard LOCKUP|Call Trace:/ {
			if (!/KernelAddressSanitizer initialized|kasan: |RCU lockdep checking is enabled|lockdep: /)
				print
		}' > /tmp/kernel_reports
	n=$(wc -l < /tmp/kernel_reports)
	echo "# kernel reports: $n"
	if [ "$n" = 0 ]; then
		echo "ok 1 kernel log: no Oops, KASAN, WARNING, lockdep or hung task report"
	else
		head -n 40 /tmp/kernel_reports | sed 's/^/# /'
		echo "not ok 1 kernel log: $n report lines"
	fi
	echo "### END kernel_reports rc=0"
}
