#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: checkpoint a running process and decode its image.
run() { echo "\$ $*"; "$@"; }
echo
echo "== A running process: a shell loop counting in the background"
sh -c 'i=0; while true; do i=$((i+1)); sleep 1; done' &
pid=$!
sleep 1
run ps -o pid,ppid,comm | grep -E "PID|^ *$pid "
echo
echo "== Checkpoint it into an image"
run sh -c "ckpt $pid > /tmp/image"
echo "exit status $?; image size $(wc -c < /tmp/image) bytes; pid $pid still running: $(kill -0 $pid && echo yes)"
echo
echo "== Decode the image"
run ckptinfo /tmp/image
echo
echo "== Validate it in the kernel (restoring tasks arrives with the next step)"
run sh -c "rstr < /tmp/image"
echo
echo "== A corrupted image is refused with a reason"
run sh -c "printf 'X' | dd of=/tmp/image bs=1 seek=200 conv=notrunc 2>/dev/null; rstr < /tmp/image"
echo
echo "== Checkpoint of a process that does not exist fails, and the image says why"
run sh -c "ckpt 99999 > /tmp/bad"
run ckptinfo /tmp/bad
kill $pid
