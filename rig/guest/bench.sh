#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench: checkpoint and restart times beside plain write/read, on tmpfs.
echo "### BENCH tmpfs"
ckpt-bench /tmp 64 256 1024
echo "### BENCH done"
