#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: checkpoint a running program, kill it, restart it.
run() { echo "\$ $*"; "$@"; }
cd /tmp || exit 1
echo
echo "== A program counting, with 32 MiB of heap"
counter > /tmp/counter.out &
pid=$!
sleep 2
tail -n 2 /tmp/counter.out
echo
echo "== Checkpoint it into an image and kill it"
run sh -c "ckpt --kill $pid > /tmp/image"
echo "exit status $?; image $(wc -c < /tmp/image) bytes"
sleep 1
echo "pid $pid running: $(kill -0 $pid 2>/dev/null && echo yes || echo no)"
echo
echo "== The image, record by record (first lines)"
ckptinfo /tmp/image | grep -v "PAGES\|PAGE_DATA" | head -n 24
ckptinfo /tmp/image | tail -n 1
echo
echo "== Restart it: same pid, it counts on"
rstr < /tmp/image &
sleep 3
tail -n 4 /tmp/counter.out
kill $pid
wait
echo
echo "== A program that checkpoints itself: checkpoint(2) returns the id, then 0 after restart"
ckpt-self /tmp/self.img 5
echo "\$ rstr < /tmp/self.img"
rstr < /tmp/self.img
echo "rstr: exit status $?"
ckptinfo /tmp/self.img | grep -E "TASK|CPU|FD|FILES|SIGNAL"
echo
echo "== Corrupted and failed images are refused with a reason"
run sh -c "printf 'X' | dd of=/tmp/image bs=1 seek=300 conv=notrunc 2>/dev/null; rstr --validate < /tmp/image"
run sh -c "ckpt 99999 > /tmp/bad"
ckptinfo /tmp/bad | grep ERROR
