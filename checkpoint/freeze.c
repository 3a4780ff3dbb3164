// SPDX-License-Identifier: GPL-2.0
/*
 * Holding the target still while its image is written.
 *
 * The target is frozen with the kernel's freezer, under a condition of
 * its own (task_struct.checkpoint_freeze, checked by freezing()), so it
 * is independent of system suspend and of the cgroup freezer. A sleeping
 * target is first woken the way a signal would wake it, without a signal:
 * an interruptible system call returns with -ERESTART* (and a restart
 * block for the sleeps that have one), and the task then stops in the
 * refrigerator on its way out to user space, with its user registers
 * complete. Neither the task nor its parent can see it: no signal is
 * queued, no SIGCHLD is sent, and the interrupted system call is restarted
 * when the task is thawed. A task in an uninterruptible sleep is frozen in
 * place instead, like the PM freezer does.
 */

#include <linux/checkpoint.h>
#include <linux/delay.h>
#include <linux/freezer.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#define CKPT_FREEZE_WAKE_MS	100	/* then freeze it in place */
#define CKPT_FREEZE_TIMEOUT_MS	10000

/**
 * checkpoint_freeze - stop a task for checkpoint
 * @ctx: checkpoint context
 * @t: the task; current is not frozen
 *
 * Return: 0 once @t is frozen and off its CPU, or a negative errno; the
 * caller must call checkpoint_thaw() in either case.
 */
int checkpoint_freeze(struct ckpt_ctx *ctx, struct task_struct *t)
{
	unsigned long flags, wake, deadline;
	bool in_place = false;

	if (t == current)
		return 0;
	static_branch_inc(&freezer_active);
	WRITE_ONCE(t->checkpoint_freeze, true);
	ctx->kflags |= CKPT_CTX_FROZEN;

	if (lock_task_sighand(t, &flags)) {
		signal_wake_up(t, 0);
		unlock_task_sighand(t, &flags);
	}
	wake = jiffies + msecs_to_jiffies(CKPT_FREEZE_WAKE_MS);
	deadline = jiffies + msecs_to_jiffies(CKPT_FREEZE_TIMEOUT_MS);
	while (time_before(jiffies, deadline)) {
		if (frozen(t) && wait_task_inactive(t, TASK_FROZEN))
			return 0;
		if (t->exit_state || (t->flags & PF_EXITING))
			return ckpt_err(ctx, -ESRCH, "pid %d: exited while being frozen",
					ctx->pid);
		if (fatal_signal_pending(current))
			return ckpt_err(ctx, -EINTR, "pid %d: interrupted while freezing it",
					ctx->pid);
		if (!in_place && time_after(jiffies, wake)) {
			freeze_task(t);
			in_place = true;
		}
		usleep_range(1000, 2000);
	}
	return ckpt_err(ctx, -EBUSY, "pid %d: could not be frozen in %d ms", ctx->pid,
			CKPT_FREEZE_TIMEOUT_MS);
}

/**
 * checkpoint_thaw - let a task frozen by checkpoint_freeze() run again
 * @ctx: checkpoint context
 * @t: the task
 * @kill: kill it instead (CHECKPOINT_KILL)
 */
void checkpoint_thaw(struct ckpt_ctx *ctx, struct task_struct *t, bool kill)
{
	if (kill)
		send_sig(SIGKILL, t, 1);
	if (!(ctx->kflags & CKPT_CTX_FROZEN))
		return;
	WRITE_ONCE(t->checkpoint_freeze, false);
	__thaw_task(t);
	static_branch_dec(&freezer_active);
	ctx->kflags &= ~CKPT_CTX_FROZEN;
}
