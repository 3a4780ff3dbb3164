#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Configure (tinyconfig + our fragments) and build the kernel and its uapi
# headers. Usage: kernel.sh [FRAGMENT...] (default: the debug test kernel)
. "$(dirname "$0")/lib.sh"

frags=("$@")
[ ${#frags[@]} -gt 0 ] || frags=("$REPO/rig/config/base.config" "$REPO/rig/config/distro.config"
				 "$REPO/rig/config/debug.config"
				 "$REPO/tools/testing/selftests/checkpoint/config")
mkdir -p "$OBJ"
export CCACHE_DIR=$CKPT_BUILD/ccache
KMAKE=(make -C "$SRC" O="$OBJ" -j"$JOBS" CC="ccache gcc" HOSTCC="ccache gcc")

sum=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$OBJ/.config" ] || [ "$(cat "$OBJ/.ckpt-config" 2>/dev/null)" != "$sum" ]; then
	log "configuring the kernel"
	"${KMAKE[@]}" -s tinyconfig >/dev/null
	"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "${frags[@]}" >/dev/null
	"${KMAKE[@]}" -s olddefconfig >/dev/null
	# every option a fragment asks for (the last fragment to set it wins)
	# must have made it into the config
	bad=0
	for opt in $(cat "${frags[@]}" | grep -E '^CONFIG_[A-Z0-9_]+=' |
		     awk -F= '{ v[$1] = $0 } END { for (k in v) print v[k] }'); do
		case $opt in
		*=n) grep -qx "${opt%=n}=y" "$OBJ/.config" && { log "config: $opt ignored"; bad=1; } ;;
		*) grep -qx "$opt" "$OBJ/.config" || { log "config: $opt missing"; bad=1; } ;;
		esac
	done
	[ $bad = 0 ] || die "the kernel config lacks options the fragments ask for"
	echo "$sum" > "$OBJ/.ckpt-config"
fi

log "building the kernel"
"${KMAKE[@]}" -s bzImage
"${KMAKE[@]}" -s headers
