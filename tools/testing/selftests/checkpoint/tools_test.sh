#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The tools end to end: ckpt --kill, ckptinfo (text and JSON), rstr from a
# file and from a pipe (rstr feeds the kernel itself), and rstr refusing a
# pid that is in use. Needs ckpt, rstr, ckptinfo and counter on PATH.

n=0
failed=0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=1
	fi
}

lines() { wc -l < "$1"; }

echo "TAP version 13"
echo "1..7"
dir=$(mktemp -d)
cd "$dir" || exit 1

counter > out &
pid=$!
sleep 2
ckpt --kill "$pid" > img 2> log
result $? "ckpt --kill writes the image"
sleep 1
kill -0 "$pid" 2> /dev/null
[ $? != 0 ]
result $? "ckpt --kill killed the process"

ckptinfo img > info
result $? "ckptinfo validates the image"
ckptinfo --json img | grep -q '"valid": true'
result $? "ckptinfo --json says it is valid"

# from a pipe: rstr reads the head itself and feeds the kernel
before=$(lines out)
cat img | rstr 2> rstr.log &
rstr=$!
# restoring 32 MiB through a pipe takes seconds on a slow debug kernel
for i in $(seq 60); do
	sleep 1
	after=$(lines out)
	[ "$after" -gt "$before" ] && break
done
[ "$after" -gt "$before" ] && grep -q "counter: pid $pid: " out
result $? "restarted from a pipe with pid $pid, it counts on ($before -> $after lines)" ||
	cat rstr.log

# its pid is taken now
rstr < img 2> taken.log
status=$?
[ $status = 1 ] && grep -q "pid $pid is in use" taken.log
result $? "rstr refuses a pid that is in use (status $status: $(cat taken.log))"

kill "$pid"
wait "$rstr"
status=$?
[ $status = $((128 + 15)) ]
result $? "rstr exits as the restored process did (status $status)"

cd / && rm -rf "$dir"
exit $failed
