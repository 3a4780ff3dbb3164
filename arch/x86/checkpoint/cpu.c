// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 CPU state: general registers, fs/gs bases, FPU/xstate.
 *
 * A task is saved as it will resume in user space. A task frozen on its
 * way out of an interrupted system call is saved as if about to enter it
 * again (the syscall instruction is two bytes long), and a sleep with a
 * restart block resumes through restart_syscall(2), as after a signal.
 * A task checkpointing itself is saved as returning 0 from checkpoint(2).
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/checkpoint.h>
#include <asm/fpu/types.h>
#include <asm/fpu/xstate.h>
#include <asm/fsgsbase.h>
#include <asm/proto.h>
#include <asm/ptrace.h>
#include <asm/segment.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include <uapi/asm/prctl.h>

/* EFLAGS bits user space may set, as ptrace allows */
#define CKPT_EFLAGS_USER	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
				 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_TF | \
				 X86_EFLAGS_DF | X86_EFLAGS_OF | X86_EFLAGS_RF | \
				 X86_EFLAGS_AC | X86_EFLAGS_NT)
#define CKPT_SYSCALL_INSN_LEN	2

struct ckpt_arch_state {
	struct ckpt_hdr_cpu cpu;
	void *xstate;			/* fpu_user_cfg.max_size bytes */
};

static void ckpt_save_regs(struct ckpt_hdr_cpu *hc, struct pt_regs *regs)
{
	hc->r15 = regs->r15;
	hc->r14 = regs->r14;
	hc->r13 = regs->r13;
	hc->r12 = regs->r12;
	hc->bp = regs->bp;
	hc->bx = regs->bx;
	hc->r11 = regs->r11;
	hc->r10 = regs->r10;
	hc->r9 = regs->r9;
	hc->r8 = regs->r8;
	hc->ax = regs->ax;
	hc->cx = regs->cx;
	hc->dx = regs->dx;
	hc->si = regs->si;
	hc->di = regs->di;
	hc->ip = regs->ip;
	hc->flags = regs->flags;
	hc->sp = regs->sp;
	hc->cs = regs->cs;
	hc->ss = regs->ss;
}

/*
 * Where a frozen task stands in a system call decides how it resumes.
 * Returns 0 or a negative errno for a state that can't be saved.
 */
static int ckpt_syscall_resume(struct ckpt_ctx *ctx, struct task_struct *t,
			       struct ckpt_hdr_cpu *hc, struct pt_regs *regs)
{
	long nr = regs->orig_ax;
	unsigned int state;

	if (t == current) {
		/* checkpoint(2) of itself: the restored copy sees it return 0 */
		hc->ax = 0;
		return 0;
	}
	if (nr < 0)
		return 0;	/* stopped in user mode */
	if (nr == __NR_restart_syscall && ctx->cur->hdr->restart_kind == CKPT_RESTART_NONE)
		return ckpt_err(ctx, -EBUSY,
				"pid %d: in a restarted system call that can't be saved",
				ctx->pid);
	state = READ_ONCE(t->saved_state);
	/*
	 * Frozen in place inside the call: enter it again. A task stopped
	 * by job control was frozen in get_signal() on its way out of the
	 * call, which ax tells the result of, as for any other task.
	 */
	if (state != TASK_RUNNING && !(state & __TASK_STOPPED)) {
		hc->ax = nr;
		hc->ip -= CKPT_SYSCALL_INSN_LEN;
		return 0;
	}
	switch (regs->ax) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
		hc->ax = nr;
		hc->ip -= CKPT_SYSCALL_INSN_LEN;
		return 0;
	case -ERESTART_RESTARTBLOCK:
		hc->ip -= CKPT_SYSCALL_INSN_LEN;
		/* a sleep or wait we know resumes where it was; others start over */
		hc->ax = ctx->cur->hdr->restart_kind != CKPT_RESTART_NONE ?
			 __NR_restart_syscall : nr;
		return 0;
	}
	return 0;	/* the call completed: ax holds its result */
}

/**
 * checkpoint_cpu - write the CPU and FPU records of a task
 * @ctx: checkpoint context, with ctx->cur->hdr filled for @t
 * @t: current, or a frozen task
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_cpu(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct pt_regs *regs = task_pt_regs(t);
	struct ckpt_hdr_cpu *hc;
	struct ckpt_hdr_fpu *hf;
	u32 size = fpu_user_cfg.max_size;
	int ret;

	if (!user_64bit_mode(regs) || test_tsk_thread_flag(t, TIF_ADDR32))
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d: 32-bit tasks not supported", ctx->pid);
	if (!cpu_feature_enabled(X86_FEATURE_XSAVE))
		return ckpt_err(ctx, -EOPNOTSUPP, "this CPU has no XSAVE");
	if (t->thread.fsindex || t->thread.gsindex || t->thread.ds || t->thread.es ||
	    memchr_inv(t->thread.tls_array, 0, sizeof(t->thread.tls_array)))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: segment selectors or TLS descriptors not supported",
				ctx->pid);

	hc = ckpt_hdr_alloc(CKPT_HDR_CPU, sizeof(*hc));
	if (!hc)
		return -ENOMEM;
	ckpt_save_regs(hc, regs);
	hc->fs_base = x86_fsbase_read_task(t);
	hc->gs_base = x86_gsbase_read_task(t);
	ret = ckpt_syscall_resume(ctx, t, hc, regs);
	if (!ret)
		ret = ckpt_write_obj(ctx, &hc->h);
	kfree(hc);
	if (ret)
		return ret;

	hf = ckpt_hdr_alloc(CKPT_HDR_FPU, struct_size(hf, xstate, size));
	if (!hf)
		return -ENOMEM;
	hf->size = size;
	ckpt_fpu_save(t, hf->xstate);
	ret = ckpt_write_obj(ctx, &hf->h);
	kfree(hf);
	return ret;
}

static bool ckpt_user_addr(u64 addr)
{
	return addr < TASK_SIZE_MAX;
}

/**
 * restore_cpu - read and check the CPU and FPU records
 * @ctx: restart context
 *
 * Nothing is changed yet: restore_cpu_apply() loads the state once the
 * whole task is restored.
 *
 * Return: 0 or a negative errno.
 */
int restore_cpu(struct ckpt_ctx *ctx)
{
	struct ckpt_arch_state *st;
	struct ckpt_hdr_cpu *hc;
	struct ckpt_hdr_fpu *hf;
	u32 size = fpu_user_cfg.max_size;
	int ret = 0;

	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	ctx->cur->arch = st;

	hc = ckpt_read_obj(ctx, CKPT_HDR_CPU);
	if (IS_ERR(hc))
		return PTR_ERR(hc);
	if (hc->cs != __USER_CS || hc->ss != __USER_DS || hc->ds || hc->es || hc->fs ||
	    hc->gs || hc->_reserved[0] || hc->_reserved[1])
		ret = ckpt_err(ctx, -EINVAL, "cpu: bad segment selectors cs %#x ss %#x",
			       hc->cs, hc->ss);
	else if (!ckpt_user_addr(hc->ip) || !ckpt_user_addr(hc->fs_base) ||
		 !ckpt_user_addr(hc->gs_base))
		ret = ckpt_err(ctx, -EINVAL,
			       "cpu: ip %#llx, fs base %#llx or gs base %#llx outside user space",
			       hc->ip, hc->fs_base, hc->gs_base);
	else
		st->cpu = *hc;
	kvfree(hc);
	if (ret)
		return ret;

	hf = ckpt_read_obj(ctx, CKPT_HDR_FPU);
	if (IS_ERR(hf))
		return PTR_ERR(hf);
	if (hf->_reserved || hf->size < CKPT_XSTATE_SIZE_MIN ||
	    hf->h.len != ckpt_record_len(struct_size(hf, xstate, hf->size))) {
		ret = ckpt_err(ctx, -EINVAL, "fpu: %u bytes of xstate in a %u byte record",
			       hf->size, hf->h.len);
	} else if (hf->size > size) {
		ret = ckpt_err(ctx, -ENOEXEC, "fpu: %u bytes of xstate, this CPU uses %u",
			       hf->size, size);
	} else {
		st->xstate = kvzalloc(size, GFP_KERNEL_ACCOUNT);
		if (st->xstate)
			memcpy(st->xstate, hf->xstate, hf->size);
		else
			ret = -ENOMEM;
	}
	kvfree(hf);
	return ret;
}

/**
 * restore_cpu_apply - load the checked CPU state into current
 * @ctx: restart context after restore_cpu()
 * @ts: the state of current
 *
 * Sets @ts->ret, the value restart(2) returns, which user space sees in ax.
 * An invalid FPU state kills the task: it is past the point of no return.
 */
void restore_cpu_apply(struct ckpt_ctx *ctx, struct ckpt_task_state *ts)
{
	struct ckpt_arch_state *st = ts->arch;
	struct ckpt_hdr_cpu *hc = &st->cpu;
	struct pt_regs *regs = current_pt_regs();

	regs->r15 = hc->r15;
	regs->r14 = hc->r14;
	regs->r13 = hc->r13;
	regs->r12 = hc->r12;
	regs->bp = hc->bp;
	regs->bx = hc->bx;
	regs->r11 = hc->r11;
	regs->r10 = hc->r10;
	regs->r9 = hc->r9;
	regs->r8 = hc->r8;
	regs->cx = hc->cx;
	regs->dx = hc->dx;
	regs->si = hc->si;
	regs->di = hc->di;
	regs->ip = hc->ip;
	regs->sp = hc->sp;
	regs->flags = (regs->flags & ~CKPT_EFLAGS_USER) | (hc->flags & CKPT_EFLAGS_USER);
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	/* not in a system call any more: no restart fixups on the way out */
	regs->orig_ax = -1;
	ts->ret = hc->ax;

	do_arch_prctl_64(current, ARCH_SET_FS, hc->fs_base);
	do_arch_prctl_64(current, ARCH_SET_GS, hc->gs_base);

	if (ckpt_fpu_restore(st->xstate)) {
		ckpt_err(ctx, -EINVAL, "fpu: the xstate is not valid for this CPU");
		force_fatal_sig(SIGKILL);
	}
}

/**
 * ckpt_arch_free - free what restore_cpu() kept
 * @arch: the arch state of a task, or NULL
 */
void ckpt_arch_free(void *arch)
{
	struct ckpt_arch_state *st = arch;

	if (st)
		kvfree(st->xstate);
	kfree(st);
}
