#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pack the guest: busybox, our tools and selftests, and the guest scripts.
# Usage: initramfs.sh OUTPUT.cpio.gz
. "$(dirname "$0")/lib.sh"

dest=$1
root=$OUT/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,root,etc,ckpt/bin,ckpt/selftests}
cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
cp "$OUT"/bin/* "$root/ckpt/bin/"
# CRIU (Debian's), for the bench to compare with: the binary and the shared
# libraries ldd lists for it
if [ -x /usr/sbin/criu ]; then
	cp /usr/sbin/criu "$root/sbin/criu"
	for lib in $(ldd /usr/sbin/criu | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
fi
find "$OUT/selftests" -maxdepth 1 -type f -perm -u+x -exec cp {} "$root/ckpt/selftests/" \;
cp "$SRC"/tools/testing/selftests/checkpoint/tools_test.sh "$root/ckpt/selftests/"
cp "$REPO"/rig/guest/* "$root/ckpt/"
mv "$root/ckpt/init" "$root/init"
chmod +x "$root/init" "$root"/ckpt/*.sh
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$dest"
