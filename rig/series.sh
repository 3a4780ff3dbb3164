#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write our work as a git format-patch series against vanilla 6.12, with a
# cover letter, in logical steps. Usage: series.sh OUTDIR
. "$(dirname "$0")/lib.sh"

dest=${1:-$REPO/series}
name=$(git -C "$REPO" config user.name || echo "Checkpoint/restart developers")
email=$(git -C "$REPO" config user.email || echo "ckpt@localhost")
sob="Signed-off-by: $name <$email>"

# step: subject | files and patches (dirs mean everything under them)
steps=(
"eventfd, signalfd, timerfd, epoll: let checkpoint read and recreate their state|\
patches/eventfd.patch patches/signalfd.patch patches/timerfd.patch patches/eventpoll.patch"
"kernel/sys.c: let restart set limits and the memory map as prlimit and prctl do|\
patches/sys-prlimit-mm-map.patch"
"fs/namei: remove a socket file from the kernel with the rules of unlink(2)|\
patches/namei-unlink-socket.patch"
"memfd: make a memfd from the kernel with the rules of memfd_create(2)|\
patches/memfd-file-create.patch"
"proc: set oom_score_adj from the kernel with the rules of its /proc file|\
patches/proc-oom-score-adj.patch"
"sched: check a change of scheduling as sched_setattr(2) would, without it|\
patches/sched-setattr-check.patch"
"checkpoint: save and restore a process|\
include/uapi/linux/checkpoint.h include/uapi/linux/checkpoint_hdr.h \
arch/x86/include/uapi/asm/checkpoint_hdr.h include/linux/checkpoint.h \
include/linux/checkpoint_hdr.h checkpoint"
"sched, freezer: let checkpoint freeze its target|patches/freezer.patch"
"posix-timers: let checkpoint/restart save timers and recreate their ids|\
patches/posix-timers.patch"
"x86/checkpoint: save and restore registers and FPU state|\
arch/x86/include/asm/checkpoint.h arch/x86/checkpoint arch/x86/kernel/fpu/checkpoint.c \
patches/x86-kbuild.patch patches/x86-fpu.patch"
"ipc, checkpoint: save and restore SysV IPC objects|\
ipc/checkpoint.h ipc/checkpoint_msgutil.c ipc/checkpoint_msg.c ipc/checkpoint_sem.c \
ipc/checkpoint_shm.c patches/ipc-checkpoint.patch"
"checkpoint: wire up the checkpoint and restart system calls|\
patches/syscalls.patch"
"Documentation/checkpoint: describe the design, the ABI and the image format|\
Documentation/checkpoint patches/docs-index.patch"
"tools/checkpoint: add ckpt, rstr and ckptinfo|tools/checkpoint"
"selftests/checkpoint: add tests of the system calls, images and restart|\
tools/testing/selftests/checkpoint"
)
bodies=(
"The state of an eventfd (counter, semaphore mode), a signalfd (its mask),
a timerfd (clock, time left, period, expirations not read) and an epoll
file (its interest list) is private to fs/eventfd.c, fs/signalfd.c,
fs/timerfd.c and fs/eventpoll.c. Checkpoint/restart (next patch) must
save it and make new files with it.

Each gets a function that reads the state of an open file, and one that
makes a new file from a saved state, under CONFIG_CHECKPOINT (an epoll
file is made empty; restart adds its items with do_epoll_ctl()). The file
creation part of eventfd2(2), signalfd4(2), timerfd_create(2) and
epoll_create1(2) moves into a helper that both the system call and
restart use; the system calls behave as before.
"
"Restart (later in this series) gives a restored process its resource
limits and the layout fields of its address space (code, data, heap,
stack, arguments, environment, auxiliary vector). It must apply the same
rules as prlimit(2) and prctl(PR_SET_MM_MAP), so that an edited image
can't get what those system calls refuse.

Make do_prlimit() visible to the rest of the kernel, and split the
address checks and the update of prctl_set_mm_map() into
prctl_mm_map_check(), which takes the RLIMIT_DATA to check against
(restart checks the limit the task will have, before it has it), and
prctl_mm_map_set(). prctl(2) behaves as before.
"
"Restart (later in this series) binds a unix socket to the path it had,
and must first remove the socket file the checkpointed socket left
there. Doing that with vfs_unlink() skips the checks of unlink(2): the
mount's write access, the security hook of the path. Add
unlink_socket_file(), which is do_unlinkat() for a kernel path that
removes only a socket, with the credentials of the caller.
"
"Restart (later in this series) makes memfds again. A memfd that was
executable must be refused where vm.memfd_noexec forbids making one, as
memfd_create(2) would refuse it. Split the checks of the flags and the
making of the file out of memfd_create(2), and add memfd_file_create(),
which does both for a name in kernel memory. memfd_create(2) behaves as
before.
"
"Restart (later in this series) gives a restored process its
oom_score_adj. Lowering it must need CAP_SYS_RESOURCE as a write to
/proc/PID/oom_score_adj does, and the processes sharing the address space
must get it too.

Split the setting part out of __set_oom_adj() and add
set_task_oom_score_adj() for a task the caller holds. The /proc files
behave as before.
"
"Restart (later in this series) gives a restored task its scheduling
policy, priority and deadline parameters with sched_setattr(). It must
refuse an image whose values sched_setattr(2) would refuse before the
point of no return, not fail to apply them after it: by then the other
processes of the tree may be running.

Add sched_setattr_check(), the checks __sched_setscheduler() makes for a
caller in user space (valid values, the rights of the caller's
credentials through user_check_sched_setscheduler(), the utilization
clamps, the security hook), without the change. Deadline admission
control stays with the change.
"
"Checkpoint/restart saves a running process into an image and brings it
back later, with the same pid, memory, registers, files and signals.

The image is a stream of 8-byte aligned typed records (header, task tree,
task, CPU, memory, files, signals, and a tail with a crc32c of everything
before it, plus an error record saying why a checkpoint failed), written
and read through kernel_write()/kernel_read() without seeking, so pipes
and sockets work. Each operation has a refcounted context with the
image, log file, checkpoint id and first error.

Checkpoint freezes its target (see the next patch), then saves: the task
(credentials and capabilities, scheduling, rlimits, tid addresses,
robust list, rseq, sigaltstack, an interrupted sleep), the address space
(only present anonymous pages and anonymous copies in private file
mappings; pages move through a bvec iov_iter in batches, without
copies), regular files, directories and basic character devices by path,
flags and position; pipes and FIFOs with their unread bytes, memfds and
deleted files with their contents, eventfd, signalfd, timerfd, epoll and
unix sockets with their queued messages, socket options (anything else
is refused by name); and signal handlers, masks, pending signals, the
itimers and POSIX timers (recreated with their ids, see the posix-timers
patch).

Restart turns the calling process into the process of the image. The
image is untrusted input and restart needs no privilege of its own:
every field is checked before use, and every property the restored
process gets passes the checks of the system call that would set it,
with the credentials it will hold (setresuid, setgroups, capset, prctl,
prlimit, PR_SET_MM_MAP, sched_setattr, open, bind, unlink, setsockopt,
memfd_create), before the point of no return. Allocations that grow with
the image are charged to the caller's memory cgroup and long loops can
be killed. Once the old address space is gone a failure kills the
caller. KUnit tests cover the record table, header checks and record
streams.

The code is not built until the system calls are wired up."
"checkpoint(2) must hold its target still while it saves it, without the
target or its parent noticing. Add a freezing condition of its own to
freezing() (task_struct.checkpoint_freeze): the target is woken like a
signal would wake it, leaves an interruptible system call with -ERESTART*
(and its restart block), and stops in the refrigerator with complete user
registers; thawing restarts the call. No signal is queued and no SIGCHLD
is sent."
"Checkpoint/restart must bring POSIX timers back with the ids the program
knows them by; timer_create() hands out the next free id and can't be
asked for one. Add four helpers, built with CONFIG_CHECKPOINT: one reads
the state of a timer of a stopped process (clock, sigevent, time to the
expiry, interval, overrun counts, whether its signal is queued and will
rearm it), one creates a disarmed timer of current with a given id, one
arms it and queues its pending signal on its own sigqueue, so that
delivery rearms it as before, and one sets the id timer_create() tries
next. Only hrtimer based clocks are handled."
"General registers, fs/gs bases and the whole XSAVE state (in the ptrace
NT_X86_XSTATE format) are saved as the task will resume: a task stopped
in an interrupted system call is saved as about to enter it again, and an
interrupted nanosleep resumes through restart_syscall() with the time it
had left. The XSAVE buffer is checked by the kernel's own uabi parser on
restart. Images carry the FPU features of the checkpointing CPU so that
restart refuses an image the restoring CPU can't load."
"SysV IPC objects belong to an IPC namespace, not to a task. When the
tree being checkpointed has an IPC namespace of its own (a container),
save every message queue (with its messages, in order, with their
types), semaphore set (with its values) and shared memory segment (with
its contents) of it once, after the tree, and restore them into the new
IPC namespace the restart runs in, with the same ids, keys, modes and
owners. The parts that need the private structures of ipc/ are built
into msg.c, sem.c and shm.c; ipc_ids.next_id, which the
checkpoint_restore sysctls use to choose an id, is kept with
CONFIG_CHECKPOINT too."
"checkpoint(pid, fd, flags, logfd) writes the image of a process to fd
and returns a unique checkpoint id; CHECKPOINT_KILL kills it afterwards.
restart(0, fd, flags, logfd) turns the calling process into the process
of the image and returns to where it was (a process that checkpointed
itself sees checkpoint() return 0); RESTART_VALIDATE only checks an
image. Checkpoint needs CAP_SYS_ADMIN and PTRACE_MODE_ATTACH access.
Every failure returns an errno and writes one line naming the cause to
logfd, if given."
"Describe the design (context, record stream, freezing, validation, error
reporting), the system call ABI with every errno, the image format
record by record, and the user-space tools."
"ckpt writes the image of a process to stdout, rstr recreates the process
with its pid (clone3 with set_tid) and restarts it from an image on
stdin, and ckptinfo decodes every record of an image to text or JSON and
validates its structure and checksum on any host. counter and ckpt-self
are small programs to try them on."
"Tests of argument checking, the permission rules, the image contents,
restart refusing corrupted, truncated and foreign images with the right
errno and one log line, and checkpoint-kill-restart cycles checked from
inside the restored process: memory of every mapping kind, registers and
AVX state, files and offsets, signals and timers, an interrupted sleep,
self-checkpoint, refused objects and credentials. untrusted_test restarts
edited images as an unprivileged user and checks that each property is
refused or given with the rules of its system call; same_test checks
that a restored process is the same process; ckpt_fuzz restarts mutated
images of every field of every record as an unprivileged user and runs a
workload in what comes back."
)

# every file of ours belongs to exactly one step; the MAINTAINERS entry
# grows with the steps (see maintainers below)
all=$(cd "$REPO" && { for d in $OVERLAY_DIRS; do find "$d" -type f; done; \
	echo $OVERLAY_FILES | tr ' ' '\n'; ls patches/*.patch; } |
	grep -vx patches/maintainers.patch | sort)
listed=$(for s in "${steps[@]}"; do
	for p in ${s#*|}; do (cd "$REPO" && find "$p" -type f); done; done | sort)
[ "$all" = "$listed" ] || die "series steps don't cover our files exactly:
$(diff <(echo "$all") <(echo "$listed"))"

# MAINTAINERS as patches/maintainers.patch makes it, but listing only the
# paths that exist so far: each step that adds files adds their F: lines.
maintainers() {
	cp "$PRISTINE/MAINTAINERS" "$git_dir/.maintainers"
	patch -s -p1 --no-backup-if-mismatch "$git_dir/.maintainers" \
		< "$REPO/patches/maintainers.patch"
	python3 - "$git_dir/.maintainers" "$REPO/patches/maintainers.patch" > MAINTAINERS <<'PY'
import glob, os, sys
ours = {l[1:].rstrip("\n") for l in open(sys.argv[2]) if l.startswith("+F:")}
for line in open(sys.argv[1]):
    pat = line.rstrip("\n")
    if pat in ours:
        path = pat.split("\t", 1)[1]
        if not (os.path.isdir(path) if path.endswith("/") else glob.glob(path)):
            continue
    sys.stdout.write(line)
PY
	rm "$git_dir/.maintainers"
}

git_dir=$(mktemp -d)
trap 'rm -rf "$git_dir"' EXIT
cd "$git_dir"
git init -q
git config user.name "$name"
git config user.email "$email"
for f in $(sed -n 's#^+++ b/\([^\t ]*\).*#\1#p' "$REPO"/patches/*.patch | sort -u); do
	mkdir -p "$(dirname "$f")"
	cp "$PRISTINE/$f" "$f"
done
git add -A
git commit -q -m "vanilla $(basename "$PRISTINE") files touched by the series"
for i in "${!steps[@]}"; do
	subject=${steps[$i]%%|*}
	for p in ${steps[$i]#*|}; do
		case $p in
		patches/*) patch -s -p1 --no-backup-if-mismatch < "$REPO/$p" ;;
		*) mkdir -p "$(dirname "$p")"; cp -r "$REPO/$p" "$(dirname "$p")/" ;;
		esac
	done
	maintainers
	git add -A
	git commit -q -F - <<MSG
$subject

${bodies[$i]}

$sob
MSG
done
rm -rf "$dest"
git format-patch -q --cover-letter -o "$dest" HEAD~${#steps[@]}
cover=$(ls "$dest"/0000-*.patch)
python3 - "$cover" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("*** SUBJECT HERE ***", "checkpoint/restart: in-kernel checkpoint and restart of processes")
s = s.replace("*** BLURB HERE ***", """\
This series adds checkpoint(2) and restart(2): the kernel saves the state
of a running process into an image written to a file descriptor, and
reads it back. The image is a stream of typed, 8-byte aligned records
ending with a crc32c, written without seeking so it can go through a pipe
or a socket (ckpt PID | ssh host rstr). It follows the design of the
linux-cr series: a refcounted per-operation context, records streamed by
the kernel, and restart validating every field of the untrusted image.

This first part lays the foundation: the image format, the context and
record I/O, the x86 header record, the two system calls (restart checks
images but does not restore tasks yet), documentation, the ckpt, rstr and
ckptinfo tools, KUnit tests and kselftests. Freezing and restoring a
process, trees of processes and more kernel objects follow.""")
open(p, "w").write(s)
PY
log "series written to $dest"
