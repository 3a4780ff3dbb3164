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
"checkpoint: add the image format and the checkpoint context|\
include/uapi/linux/checkpoint.h include/uapi/linux/checkpoint_hdr.h \
arch/x86/include/uapi/asm/checkpoint_hdr.h include/linux/checkpoint.h \
include/linux/checkpoint_hdr.h checkpoint/Kconfig checkpoint/Makefile checkpoint/ctx.c \
checkpoint/io.c checkpoint/records.c checkpoint/header.c checkpoint/task.c \
checkpoint/checkpoint.c checkpoint/restart.c checkpoint/checkpoint_kunit.c \
checkpoint/sys.c"
"x86/checkpoint: add the architecture header record|\
arch/x86/include/asm/checkpoint.h arch/x86/checkpoint patches/x86-kbuild.patch"
"checkpoint: wire up the checkpoint and restart system calls|\
patches/syscalls.patch"
"Documentation/checkpoint: describe the design, the ABI and the image format|\
Documentation/checkpoint patches/docs-index.patch"
"tools/checkpoint: add ckpt, rstr and ckptinfo|tools/checkpoint"
"selftests/checkpoint: add tests of the system calls and of image checks|\
tools/testing/selftests/checkpoint"
)
bodies=(
"Checkpoint/restart saves a running process into an image and brings it
back later. This adds the image format shared with user space (a stream
of 8-byte aligned typed records: header, task tree, tasks, tail with a
crc32c of everything before it, and an error record saying why a
checkpoint failed), the refcounted per-operation context (image and log
files, crid, running checksum, first error), record I/O through
kernel_write()/kernel_read() that never seeks, so pipes and sockets
work, and the checks restart applies to every record read from an
untrusted image. KUnit tests cover the record table, header checks and
whole images streamed through a pipe.

The code is not built until the system calls are wired up."
"Images carry the FPU state features (XCR0 bits) and XSAVE size of the
checkpointing CPU, so that restart refuses an image with state the
restoring CPU cannot load instead of failing later."
"checkpoint(pid, fd, flags, logfd) writes the image of a process to fd
and returns a unique checkpoint id; restart(pid, fd, flags, logfd) reads
an image back. For now restart only validates an image
(RESTART_VALIDATE); restoring tasks comes next. Checkpoint needs
CAP_SYS_ADMIN and PTRACE_MODE_ATTACH access to the target. Every failure
returns an errno and writes one line naming the cause to logfd, if
given."
"Describe the design (context, record stream, validation, error
reporting), the system call ABI with every errno, the image format
record by record, and the user-space tools."
"ckpt writes the image of a process to stdout, rstr checks an image on
stdin in the kernel, and ckptinfo decodes every record of an image to
text or JSON and validates its structure and checksum; ckptinfo runs on
any host."
"Tests of argument checking, the permission rules (CAP_SYS_ADMIN and
PTRACE_MODE_ATTACH), the image contents, and that restart rejects
corrupted, truncated and foreign images with the right errno and one
log line."
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
