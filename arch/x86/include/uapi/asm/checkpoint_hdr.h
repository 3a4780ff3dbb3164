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

/*
 * CKPT_HDR_CPU: the user registers of a 64-bit task, as it will resume.
 * A task stopped in an interrupted system call is saved as if about to
 * enter it again.
 */
struct ckpt_hdr_cpu {
	struct ckpt_hdr h;
	__u64 r15, r14, r13, r12, bp, bx, r11, r10;
	__u64 r9, r8, ax, cx, dx, si, di;
	__u64 ip, flags, sp;
	__u64 fs_base, gs_base;
	__u16 cs, ss, ds, es, fs, gs;
	__u16 _reserved[2];		/* zero */
};

/*
 * CKPT_HDR_FPU: the FPU registers in the standard (non-compacted) XSAVE
 * format of size bytes, as ptrace(PTRACE_GETREGSET, NT_X86_XSTATE) gives.
 */
struct ckpt_hdr_fpu {
	struct ckpt_hdr h;
	__u32 size;			/* bytes of xstate[] used */
	__u32 _reserved;		/* zero */
	__u8 xstate[];
};

#endif /* _UAPI_ASM_X86_CHECKPOINT_HDR_H */
