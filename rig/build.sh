#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Everything up to a bootable test kernel and its user space: install what
# is missing, assemble the tree, build kernel, tools and selftests.
. "$(dirname "$0")/lib.sh"

"$REPO/rig/deps.sh"
"$REPO/rig/tree.sh"
"$REPO/rig/kernel.sh" "$@"
"$REPO/rig/userspace.sh"
