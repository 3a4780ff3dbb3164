# SPDX-License-Identifier: GPL-2.0
#
# Checkpoint/restart for Linux 6.12: build, test and demo targets.
# The kernel tree and build live in $(CKPT_BUILD) (default /var/tmp/ckpt-build).

.PHONY: help check fuzz demo shell bench series clean

help:
	@echo "make check   build the debug kernel, run checkpatch, sparse, KUnit and the selftests in QEMU"
	@echo "make fuzz    restart FUZZ_N (10000) mutated images in the debug VM and count the outcomes"
	@echo "make demo    boot the VM and checkpoint a running process"
	@echo "make shell   boot the VM with the tools on PATH"
	@echo "make bench   time checkpoint and restart against plain write/read (non-debug kernel)"
	@echo "make series  write the patch series against vanilla 6.12 to series/"
	@echo "make clean   remove the build tree (\$$CKPT_BUILD)"

check:
	bash rig/check.sh

fuzz:
	bash rig/fuzz.sh

demo:
	bash rig/run.sh demo

shell:
	bash rig/run.sh shell

bench:
	bash rig/bench.sh

series:
	bash rig/deps.sh
	bash rig/tree.sh
	bash rig/series.sh $(CURDIR)/series

clean:
	rm -rf $${CKPT_BUILD:-/var/tmp/ckpt-build}
