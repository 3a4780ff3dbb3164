#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A host-side check that every field of every record of the image format
# is in the table of Documentation/checkpoint/security.rst, which says
# what restart checks in each. The fields come from the layout table of
# ckptinfo, itself checked to cover each record exactly (ckptinfo
# --check-layout), so a field added to a uapi record must be added to the
# layout table and then to the security table.
#
#   security_fields.sh CKPTINFO SECURITY_RST  the layout check, then the fields
#   security_fields.sh --layout CKPTINFO [CHECKPOINT_HDR_H]
#                                             the layout check only, and with
#                                             the uapi header, that each of its
#                                             record types has a layout
#
# A field is written in security.rst as RECORD.field, as "ckptinfo
# --fields" names it (``TASK.exit_signal``, ``TASK.rlim[].cur``). Exit
# status: 0 if all is well, 1 if not (the missing fields are listed), 2
# for a usage error.

usage() {
	echo "usage: $0 CKPTINFO SECURITY_RST | --layout CKPTINFO [CHECKPOINT_HDR_H]" >&2
	exit 2
}

layout_only=0
if [ "${1-}" = --layout ]; then
	layout_only=1
	shift
	[ $# = 1 ] || [ $# = 2 ] || usage
	hdr=${2-}
else
	[ $# = 2 ] || usage
	rst=$2
	[ -r "$rst" ] || { echo "$0: cannot read $rst" >&2; exit 2; }
fi
ckptinfo=$1
[ -x "$ckptinfo" ] || { echo "$0: $ckptinfo is not executable" >&2; exit 2; }

"$ckptinfo" --check-layout || exit 1
if [ -n "${hdr-}" ]; then
	# enum { CKPT_HDR_TASK = 200, ... }: every type has a layout named TASK
	types=$(sed -n 's/^[[:space:]]*CKPT_HDR_\([A-Z0-9_]*\) = [0-9]*,.*/\1/p' "$hdr")
	[ -n "$types" ] || { echo "$0: no record types in $hdr" >&2; exit 2; }
	records=$("$ckptinfo" --fields | sed 's/\..*//' | sort -u)
	bad=0
	for t in $types; do
		if ! grep -qx "$t" <<< "$records"; then
			echo "record type CKPT_HDR_$t of $hdr has no layout"
			bad=1
		fi
	done
	[ $bad = 0 ] || exit 1
	echo "every record type of $hdr has a layout"
fi
[ $layout_only = 1 ] && exit 0

fields=$("$ckptinfo" --fields) || exit 1
[ -n "$fields" ] || { echo "$0: ckptinfo lists no fields" >&2; exit 1; }

# each as a whole word: TASK.rseq is not found in TASK.rseq_len, nor
# DATA.len in PAGE_DATA.len
missing=0
total=0
while read -r f kind; do
	total=$((total + 1))
	if ! grep -qFw -- "$f" "$rst"; then
		[ $missing = 0 ] && echo "fields of the image missing in $rst:"
		echo "  $f ($kind)"
		missing=$((missing + 1))
	fi
done <<< "$fields"
if [ $missing != 0 ]; then
	echo "$missing of $total fields are not in $rst"
	exit 1
fi
echo "all $total fields are in $rst"
