/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Checkpoint image format: x86 records. Included by
 * <linux/checkpoint_hdr.h> after struct ckpt_hdr; do not include directly.
 */
#ifndef _UAPI_ASM_X86_CHECKPOINT_HDR_H
#define _UAPI_ASM_X86_CHECKPOINT_HDR_H

#include <linux/types.h>

/*
 * CKPT_HDR_HEADER_ARCH: what the checkpointing CPU could put into the FPU
 * state of the image. Restart refuses an image whose features the
 * restoring CPU lacks.
 */
struct ckpt_hdr_header_arch {
	struct ckpt_hdr h;
	__u64 xfeatures;	/* XCR0 bits enabled for user space */
	__u32 xstate_size;	/* bytes of the user (non-compacted) XSAVE area */
	__u32 _reserved;	/* zero */
};

#define CKPT_XSTATE_SIZE_MIN	512	/* the legacy FXSAVE area */
#define CKPT_XSTATE_SIZE_MAX	(64 * 1024)

#endif /* _UAPI_ASM_X86_CHECKPOINT_HDR_H */
