#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make fuzz: restart ckpt.fuzz_n mutated images, in ckpt.fuzz_j campaigns
# side by side (PRNG seeds ckpt.fuzz_seed, +1, ...), stopping after
# ckpt.fuzz_time seconds if not 0; then check the kernel log and kmemleak.
. /ckpt/kcheck.sh
arg() { sed -n "s/.*ckpt\.$1=\([0-9]*\).*/\1/p" /proc/cmdline; }
n=$(arg fuzz_n)
seed=$(arg fuzz_seed)
jobs=$(arg fuzz_j)
limit=$(arg fuzz_time)
n=${n:-10000} seed=${seed:-1} jobs=${jobs:-1} limit=${limit:-0}
kmemleak_start
start=$(cut -d. -f1 /proc/uptime)
j=0
while [ $j -lt "$jobs" ]; do
	# the first campaigns take the remainder
	nj=$(( n / jobs + (j < n % jobs) ))
	opts="-n $nj -s $((seed + j)) -b 500 -l /tmp/fuzz.$j.log"
	[ "$limit" = 0 ] || opts="$opts -T $limit"
	/ckpt/selftests/ckpt_fuzz $opts > /tmp/fuzz.$j.tap 2>&1 &
	j=$((j + 1))
done
wait
j=0
while [ $j -lt "$jobs" ]; do
	echo "### BEGIN ckpt_fuzz.$j"
	cat /tmp/fuzz.$j.tap
	# the images that were not rejected, restored or killed plainly
	grep -v ': rejected: \|: restored-ok: \|: killed-after-commit: ' /tmp/fuzz.$j.log |
		head -n 20 | sed 's/^/# /'
	echo "### END ckpt_fuzz.$j rc=0"
	j=$((j + 1))
done
cat /tmp/fuzz.*.tap | awk -v t=$(( $(cut -d. -f1 /proc/uptime) - start )) '
	/^# fuzz: [0-9]+ images/ {
		s = $0; sub(/.*: /, "", s); n += $3
		split(s, f, ", ")
		for (i = 1; i <= 8; i++) { split(f[i], w, " "); c[i] += w[1] }
	}
	END {
		printf "# fuzz total: %d images in %d s: %d rejected with an errno, %d killed after commit, ", n, t, c[1], c[2]
		printf "%d restored ok, %d restored inconsistent, %d restored then died, %d restored still running (killed), %d failures\n", c[3], c[4], c[5], c[6], c[7]
	}'
kernel_reports_check
kmemleak_check
echo "### DONE"
