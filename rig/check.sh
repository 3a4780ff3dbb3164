#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: build, run the static checks (checkpatch on the series,
# sparse on our code, the record layout table and the fields of
# security.rst), boot the debug kernel, run KUnit and the selftests, and
# count. The last line is "N passed, N failed, N skipped".
. "$(dirname "$0")/lib.sh"

exec 9>"$CKPT_BUILD/lock"
flock 9
"$REPO/rig/build.sh"

res=$OUT/check
rm -rf "$res"
mkdir -p "$res"
checks=()

log "checkpatch --strict on the series"
"$REPO/rig/series.sh" "$res/series"
(cd "$SRC" && ./scripts/checkpatch.pl --strict --color=never -q \
	$(ls "$res"/series/*.patch | grep -v /0000-)) > "$res/checkpatch.log" 2>&1 || true
if grep -qE '^(ERROR|WARNING|CHECK):' "$res/checkpatch.log"; then
	cat "$res/checkpatch.log"
	checks+=(checkpatch=fail)
else
	checks+=(checkpatch=pass)
fi

log "sparse on checkpoint code"
make -C "$SRC" O="$OBJ" -s C=2 CC="ccache gcc" checkpoint/ arch/x86/checkpoint/ \
	arch/x86/kernel/fpu/checkpoint.o ipc/msgutil.o ipc/msg.o ipc/sem.o ipc/shm.o \
	> "$res/sparse.log" 2>&1 || true
# reports located in our files; those in kernel headers are not ours to fix
if grep -E "^$SRC/(checkpoint/|arch/x86/checkpoint/|arch/x86/kernel/fpu/checkpoint\.c|ipc/checkpoint).*(warning|error):" \
	"$res/sparse.log"; then
	checks+=(sparse=fail)
else
	checks+=(sparse=pass)
fi

# The layout table of the tools has every record type and covers each
# exactly, and the table of security.rst names every field of it
# (fields=fail until it does)
log "record layouts, and their fields in security.rst"
fields_sh=$REPO/tools/testing/selftests/checkpoint/security_fields.sh
if bash "$fields_sh" --layout "$OUT/bin/ckptinfo" "$REPO/include/uapi/linux/checkpoint_hdr.h" \
	> "$res/layout.log" 2>&1; then
	checks+=(layout=pass)
else
	cat "$res/layout.log"
	checks+=(layout=fail)
fi
if bash "$fields_sh" "$OUT/bin/ckptinfo" "$REPO/Documentation/checkpoint/security.rst" \
	> "$res/fields.log" 2>&1; then
	checks+=(fields=pass)
else
	tail -n 1 "$res/fields.log"
	checks+=(fields=fail)
fi

log "booting the test VM"
"$REPO/rig/initramfs.sh" "$res/initrd.gz"
start=$(date +%s)
# the VM run (the selftests and ckpt_fuzz's pass over every field) took 9 minutes
VM_TIMEOUT=${VM_TIMEOUT:-2700} "$REPO/rig/vm.sh" check "$res/initrd.gz" "$res" ||
	log "qemu exited with $?"
log "VM run took $(( $(date +%s) - start )) s; logs in $res"
cat "$res/tests.log" 2>/dev/null || true
python3 "$REPO/rig/report.py" "$res/console.log" "$res/tests.log" "${checks[@]}"
