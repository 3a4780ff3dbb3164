#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make fuzz: restart ckpt.fuzz_n mutated images, in ckpt.fuzz_j campaigns
# side by side (PRNG seeds ckpt.fuzz_seed, +1, ...; each campaign takes its
# share of the deterministic schedule), stopping after ckpt.fuzz_time
# seconds if not 0; then add up their tables of fields, and check the
# kernel log and kmemleak.
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
	opts="-n $nj -s $((seed + j)) -b 500 -J $jobs -j $j -l /tmp/fuzz.$j.log"
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
	grep -v ': rejected: \|: restored-ok: \|: killed-after-commit: \|^  ' /tmp/fuzz.$j.log |
		head -n 40 | sed 's/^/# /'
	echo "### END ckpt_fuzz.$j rc=0"
	j=$((j + 1))
done
# The campaigns together: totals, the table of fields, the fields none reached
echo "### BEGIN fuzz_total"
echo "TAP version 13"
echo "1..1"
cat /tmp/fuzz.*.tap | awk -v t=$(( $(cut -d. -f1 /proc/uptime) - start )) '
	/^# fuzz: [0-9]+ images/ {
		s = $0; sub(/.*: /, "", s); n += $3
		k = split(s, f, ", ")
		for (i = 1; i <= k; i++) { split(f[i], w, " "); c[i] += w[1] }
	}
	/^# fuzz: first pass of the schedule: not done/ { partial = 1 }
	/^# field [A-Z]/ {
		if (!($3 in tried))
			order[nf++] = $3
		tried[$3] += $4; rej[$3] += $5; ok[$3] += $6; kil[$3] += $7
		krep[$3] += $8; oth[$3] += $9; bad[$3] += $10
	}
	END {
		printf "# all campaigns: per record type and field: images that mutated it, and how they ended:\n"
		printf "# %-34s %6s %6s %6s %6s %6s %6s %6s\n", "field", "tried", "errno", "ok",
			"killed", "kreport", "other", "FAILED"
		for (i = 0; i < nf; i++) {
			x = order[i]
			printf "# all %-30s %6d %6d %6d %6d %6d %6d %6d\n", x, tried[x], rej[x],
				ok[x], kil[x], krep[x], oth[x], bad[x]
			r = x; sub(/\..*/, "", r)
			if (!(r in rtried))
				rorder[nr++] = r
			rfields[r] += x !~ /\(record\)$/; rtried[r] += tried[x]; rrej[r] += rej[x]; rok[r] += ok[x]
			rkil[r] += kil[x]; rkrep[r] += krep[x]; roth[r] += oth[x]; rbad[r] += bad[x]
			if (!tried[x]) {
				never++
				nlist = nlist " " x
			}
		}
		printf "# fuzz record %-12s %6s %8s %7s %6s %7s %7s %6s %6s\n", "type", "fields",
			"mutated", "errno", "ok", "killed", "kreport", "other", "FAILED"
		for (i = 0; i < nr; i++) {
			x = rorder[i]
			printf "# fuzz record %-12s %6d %8d %7d %6d %7d %7d %6d %6d\n", x, rfields[x],
				rtried[x], rrej[x], rok[x], rkil[x], rkrep[x], roth[x], rbad[x]
		}
		printf "# fuzz never reached (%d):%s\n", never, never ? nlist : " none"
		printf "# fuzz total: %d images in %d s: %d rejected with an errno, %d killed after commit, ", n, t, c[1], c[2]
		printf "%d restored ok, %d restored inconsistent, %d restored workload failed, ", c[3], c[4], c[5]
		printf "%d restored then died, %d restored still running (killed), %d failures, ", c[6], c[7], c[8]
		printf "%d kernel reports, %d leaked objects, %d controls failed, %d fields never reached\n", c[9], c[10], c[11], never
		if (!nf)
			print "not ok 1 fuzz: no table of fields from the campaigns"
		else if (never && partial)
			printf "ok 1 every field of the layout table reached # SKIP first pass not done\n"
		else
			printf "%s 1 every field of the layout table reached: %d of %d never\n",
				never ? "not ok" : "ok", never, nf
	}'
echo "### END fuzz_total rc=0"
kernel_reports_check
kmemleak_check
echo "### DONE"
