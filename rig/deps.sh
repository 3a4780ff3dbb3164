#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the rig needs from Debian's archive, if it is missing.
. "$(dirname "$0")/lib.sh"

PKGS="linux-source-6.12 qemu-system-x86 busybox-static flex bison bc libelf-dev libssl-dev
	cpio ccache dwarves xz-utils sparse rsync gcc make libc6-dev perl python3 kmod criu"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
log "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
