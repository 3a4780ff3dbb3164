/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_CHECKPOINT_H
#define _ASM_X86_CHECKPOINT_H

#include <uapi/linux/checkpoint_hdr.h>

struct task_struct;

/* The value of ckpt_hdr_header.arch for images of this architecture */
#define CKPT_ARCH_ID	CKPT_ARCH_X86_64

/* arch/x86/kernel/fpu/checkpoint.c */
void ckpt_fpu_save(struct task_struct *t, void *buf);
int ckpt_fpu_restore(const void *buf);

#endif /* _ASM_X86_CHECKPOINT_H */
