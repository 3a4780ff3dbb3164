#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench: our ckpt/rstr, CRIU and the sink's limit (write/read of the
# same bytes) side by side on the same workloads, images on tmpfs.
# ckpt.reps=N and ckpt.load=W,W,... on the kernel command line (VM_APPEND)
# override the repetitions and the workloads, ckpt.tree=N,N,... the tree
# sizes of the scaling run (ckpt.tree=0: none). ckpt.watchdog=S writes the
# state and kernel stack of every task to the log after S seconds, for a
# run that stops (the bench kernel has no kallsyms: look the addresses up
# in obj-bench/System.map). CRIU wants loopback up, and /dev/pts for its
# checks.
reps=$(sed -n 's/.*ckpt\.reps=\([0-9]*\).*/\1/p' /proc/cmdline)
load=$(sed -n 's/.*ckpt\.load=\([a-z0-9:,]*\).*/\1/p' /proc/cmdline | tr , ' ')
tree=$(sed -n 's/.*ckpt\.tree=\([0-9,]*\).*/\1/p' /proc/cmdline | tr , ' ')
watchdog=$(sed -n 's/.*ckpt\.watchdog=\([0-9]*\).*/\1/p' /proc/cmdline)
if [ -n "$watchdog" ]; then
	(
		sleep "$watchdog"
		echo "### WATCHDOG after $watchdog s"
		for p in /proc/[0-9]*; do
			echo "${p#/proc/} $(cat "$p/comm") $(grep -h -e State -e PPid "$p/status" |
				tr '\t\n' '  ')"
			cat "$p/stack" 2>/dev/null
		done
		echo "### WATCHDOG done"
	) &
fi
ifconfig lo 127.0.0.1 up
mkdir -p /dev/pts /tmp/bench
mount -t devpts devpts /dev/pts
echo "### BENCH tmpfs"
criu --version | head -1
# shellcheck disable=SC2086
ckpt-bench --reps "${reps:-5}" /tmp/bench ${load:-mem:1 mem:64 mem:256 mem:1024 sparse:4096 \
	tree:10 tree:100 files:100 files:1000}
echo "### BENCH done"
# checkpoint and restart time against the number of processes
if [ "${tree:-1}" != 0 ]; then
	echo "### TREEBENCH"
	# shellcheck disable=SC2086
	ckpt-treebench /tmp/bench ${tree:-1 10 100 1000}
	echo "### TREEBENCH done"
fi
