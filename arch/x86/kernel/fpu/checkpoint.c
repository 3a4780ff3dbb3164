// SPDX-License-Identifier: GPL-2.0
/*
 * FPU state for checkpoint/restart: the parts that need the private
 * xstate helpers.
 */
#include <linux/checkpoint.h>
#include <linux/regset.h>
#include <linux/sched.h>
#include <asm/checkpoint.h>
#include <asm/fpu/api.h>
#include <asm/fpu/sched.h>
#include <asm/fpu/signal.h>

#include "context.h"
#include "internal.h"
#include "xstate.h"

/**
 * ckpt_fpu_save - copy a task's FPU registers out in the standard XSAVE format
 * @t: the task: current, or a task that is frozen
 * @buf: where they go, fpu_user_cfg.max_size bytes
 *
 * This is what ptrace(PTRACE_GETREGSET, NT_X86_XSTATE) returns.
 */
void ckpt_fpu_save(struct task_struct *t, void *buf)
{
	struct membuf mb = { .p = buf, .left = fpu_user_cfg.max_size };

	if (t == current)
		fpu_sync_fpstate(&t->thread.fpu);
	copy_xstate_to_uabi_buf(mb, t, XSTATE_COPY_XSAVE);
}

/**
 * ckpt_fpu_restore - load the FPU registers of current from the XSAVE format
 * @buf: fpu_user_cfg.max_size bytes in the standard XSAVE format, from an image
 *
 * The buffer is checked like ptrace(PTRACE_SETREGSET, NT_X86_XSTATE) checks
 * it. The registers are loaded on the way back to user space.
 *
 * Return: 0, or -EINVAL if the buffer is not a valid XSAVE state for this CPU.
 */
int ckpt_fpu_restore(const void *buf)
{
	struct fpu *fpu = &current->thread.fpu;
	int ret;

	fpregs_lock();
	ret = copy_uabi_from_kernel_to_xstate(fpu->fpstate, buf, &current->thread.pkru);
	/* the registers, if live, hold the old state: reload on return to user */
	__fpu_invalidate_fpregs_state(fpu);
	set_thread_flag(TIF_NEED_FPU_LOAD);
	fpregs_unlock();
	return ret;
}
