// SPDX-License-Identifier: GPL-2.0
/*
 * Holding the tree still while its image is written.
 *
 * The tasks are frozen with the kernel's freezer, under a condition of
 * their own (task_struct.checkpoint_freeze, checked by freezing()), so it
 * is independent of system suspend and of the cgroup freezer. A sleeping
 * task is first woken the way a signal would wake it, without a signal:
 * an interruptible system call returns with -ERESTART* (and a restart
 * block for the sleeps that have one), and the task then stops in the
 * refrigerator on its way out to user space, with its user registers
 * complete. Neither the task nor its parent can see it: no signal is
 * queued, no SIGCHLD is sent, and the interrupted system call is restarted
 * when the task is thawed. A task in an uninterruptible sleep is frozen in
 * place instead, like the PM freezer does.
 *
 * All the tasks of the tree are asked to freeze first, then waited for,
 * so that the tree stops as one.
 */

#include <linux/checkpoint.h>
#include <linux/delay.h>
#include <linux/freezer.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#define CKPT_FREEZE_WAKE_MS	100	/* then freeze it in place */
#define CKPT_FREEZE_TIMEOUT_MS	10000

/* Tasks that checkpoint_freeze() leaves alone: the caller and zombies */
static bool ckpt_no_freeze(struct task_struct *t)
{
	return t == current || t->exit_state;
}

static void ckpt_freeze_start(struct ckpt_task_state *ts)
{
	struct task_struct *t = ts->task;
	unsigned long flags;

	if (ts->frozen || ckpt_no_freeze(t))
		return;
	static_branch_inc(&freezer_active);
	WRITE_ONCE(t->checkpoint_freeze, true);
	ts->frozen = true;
	if (lock_task_sighand(t, &flags)) {
		signal_wake_up(t, 0);
		unlock_task_sighand(t, &flags);
	}
}

static int ckpt_freeze_wait(struct ckpt_ctx *ctx, struct ckpt_task_state *ts,
			    unsigned long wake, unsigned long deadline)
{
	struct task_struct *t = ts->task;
	bool in_place = false;

	if (ckpt_no_freeze(t))
		return 0;
	while (time_before(jiffies, deadline)) {
		if (frozen(t) && wait_task_inactive(t, TASK_FROZEN))
			return 0;
		if (t->exit_state || (t->flags & PF_EXITING))
			return ckpt_err(ctx, -ESRCH, "pid %d: exited while being frozen", ts->pid);
		if (fatal_signal_pending(current))
			return ckpt_err(ctx, -EINTR, "pid %d: interrupted while freezing it",
					ts->pid);
		if (!in_place && time_after(jiffies, wake)) {
			freeze_task(t);
			in_place = true;
		}
		usleep_range(1000, 2000);
	}
	return ckpt_err(ctx, -EBUSY, "pid %d: could not be frozen in %d ms", ts->pid,
			CKPT_FREEZE_TIMEOUT_MS);
}

/**
 * checkpoint_freeze - stop the tasks of ctx->tasks for checkpoint
 * @ctx: checkpoint context
 *
 * Tasks already frozen by @ctx, zombies and current are left as they are.
 *
 * Return: 0 once every task is frozen and off its CPU, or a negative
 * errno; the caller must call checkpoint_thaw() in either case.
 */
int checkpoint_freeze(struct ckpt_ctx *ctx)
{
	unsigned long wake, deadline;
	u32 i;
	int ret = 0;

	for (i = 0; i < ctx->nr_tasks; i++) {
		if (!ctx->tasks[i].pid)
			ctx->tasks[i].pid = task_pid_vnr(ctx->tasks[i].task);
		ckpt_freeze_start(&ctx->tasks[i]);
	}
	wake = jiffies + msecs_to_jiffies(CKPT_FREEZE_WAKE_MS);
	deadline = jiffies + msecs_to_jiffies(CKPT_FREEZE_TIMEOUT_MS);
	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		ret = ckpt_freeze_wait(ctx, &ctx->tasks[i], wake, deadline);
	return ret;
}

/**
 * checkpoint_thaw - let the tasks frozen by checkpoint_freeze() run again
 * @ctx: checkpoint context
 * @kill: kill every task of the tree instead (CHECKPOINT_KILL)
 */
void checkpoint_thaw(struct ckpt_ctx *ctx, bool kill)
{
	struct ckpt_task_state *ts;
	u32 i;

	for (i = 0; i < ctx->nr_tasks; i++) {
		ts = &ctx->tasks[i];
		if (kill && !ts->task->exit_state)
			send_sig(SIGKILL, ts->task, 1);
		if (!ts->frozen)
			continue;
		WRITE_ONCE(ts->task->checkpoint_freeze, false);
		__thaw_task(ts->task);
		static_branch_dec(&freezer_active);
		ts->frozen = false;
	}
}
