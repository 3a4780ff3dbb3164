#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Assemble the kernel tree: vanilla 6.12 + our new files + our patches to
# existing files. Only files whose content changed get a new mtime, so make
# rebuilds only what our change touches.
. "$(dirname "$0")/lib.sh"

stamp=$(stat -c '%s %Y' "$KTARBALL")
if [ ! -f "$PRISTINE/.ckpt-tarball" ] || [ "$(cat "$PRISTINE/.ckpt-tarball")" != "$stamp" ]; then
	log "unpacking $KTARBALL"
	rm -rf "$PRISTINE" "$SRC" "$OBJ"
	mkdir -p "$(dirname "$PRISTINE")"
	tar -C "$(dirname "$PRISTINE")" -xf "$KTARBALL"
	[ -d "$PRISTINE" ] || die "$KTARBALL did not unpack to $PRISTINE"
	echo "$stamp" > "$PRISTINE/.ckpt-tarball"
fi
if [ ! -f "$SRC/.ckpt-src" ]; then
	log "copying the vanilla tree to $SRC"
	rm -rf "$SRC"
	cp -a "$PRISTINE" "$SRC.tmp"
	mv "$SRC.tmp" "$SRC"
	touch "$SRC/.ckpt-src"
fi

# Our files must be new files: an edit of a kernel file belongs in patches/
for d in $OVERLAY_DIRS; do
	[ -e "$PRISTINE/$d" ] && die "$d exists in the vanilla tree"
	mkdir -p "$SRC/$d"
	rsync -rc --delete "$REPO/$d/" "$SRC/$d/"
done
for f in $OVERLAY_FILES; do
	[ -e "$PRISTINE/$f" ] && die "$f exists in the vanilla tree"
	rsync -c "$REPO/$f" "$SRC/$f"
done

# Patches: apply all of them to vanilla copies of the files they touch, then
# copy over only the results that differ from what $SRC has.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
files=$(sed -n 's#^+++ b/\([^\t ]*\).*#\1#p' "$REPO"/patches/*.patch | sort -u)
for f in $files; do
	mkdir -p "$work/$(dirname "$f")"
	cp "$PRISTINE/$f" "$work/$f"
done
for p in "$REPO"/patches/*.patch; do
	patch -s -p1 -d "$work" --no-backup-if-mismatch < "$p" || die "$p does not apply"
done
# Files patched before but not any more go back to vanilla
if [ -f "$SRC/.ckpt-patched" ]; then
	for f in $(cat "$SRC/.ckpt-patched"); do
		echo "$files" | grep -qx "$f" || cp "$PRISTINE/$f" "$SRC/$f"
	done
fi
for f in $files; do
	cmp -s "$work/$f" "$SRC/$f" || cp "$work/$f" "$SRC/$f"
done
echo "$files" > "$SRC/.ckpt-patched"
