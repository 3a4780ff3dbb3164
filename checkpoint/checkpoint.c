// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint: choose the target, then write the image record by record.
 */

#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>

static struct task_struct *checkpoint_get_target(struct ckpt_ctx *ctx, pid_t pid)
{
	struct task_struct *task;
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return ERR_PTR(ckpt_err(ctx, -EPERM, "checkpoint needs CAP_SYS_ADMIN"));
	if (pid < 0)
		return ERR_PTR(ckpt_err(ctx, -EINVAL, "pid %d: not a valid pid", pid));
	if (pid)
		task = find_get_task_by_vpid(pid);
	else
		task = get_task_struct(current->group_leader);
	if (!task)
		return ERR_PTR(ckpt_err(ctx, -ESRCH, "pid %d: no such process", pid));
	if (task->flags & PF_KTHREAD)
		err = ckpt_err(ctx, -EPERM, "pid %d: is a kernel thread", pid);
	else if (!thread_group_leader(task))
		err = ckpt_err(ctx, -EINVAL, "pid %d: is a thread, not a process", pid);
	else if (task->exit_state)
		err = ckpt_err(ctx, -ESRCH, "pid %d: no such process (it has exited)", pid);
	else if (!ptrace_may_access(task, PTRACE_MODE_ATTACH_REALCREDS))
		err = ckpt_err(ctx, -EPERM, "pid %d: caller lacks PTRACE_MODE_ATTACH access",
			       pid);
	else
		return task;
	put_task_struct(task);
	return ERR_PTR(err);
}

/* Write the records of every live task of the tree, in tree order */
static int checkpoint_tasks(struct ckpt_ctx *ctx)
{
	u32 i;
	int ret = 0;

	for (i = 0; i < ctx->nr_tasks && !ret; i++)
		if (!ctx->tasks[i].task->exit_state)
			ret = checkpoint_task_all(ctx, &ctx->tasks[i]);
	if (!ret && !(ctx->uflags & CHECKPOINT_SUBTREE))
		ret = checkpoint_check_leaks(ctx);
	return ret;
}

/**
 * do_checkpoint - write the image of a process tree
 * @ctx: checkpoint context with its image file set
 * @pid: the root process, in the caller's pid namespace; 0 for the caller
 *
 * The process and its descendants are frozen while their state is written
 * (except the caller), then thawed, or killed with CHECKPOINT_KILL. Once
 * the image file is accepted every failure is recorded in the image too:
 * an error record and a tail follow whatever was written, unless writing
 * itself failed. A failed checkpoint leaves the tree running as it was.
 *
 * Return: 0 or a negative errno.
 */
int do_checkpoint(struct ckpt_ctx *ctx, pid_t pid)
{
	struct task_struct *task;
	int ret, err;

	ret = checkpoint_header(ctx);
	if (!ret)
		ret = checkpoint_arch_header(ctx);
	if (!ret) {
		task = checkpoint_get_target(ctx, pid);
		if (IS_ERR(task))
			ret = PTR_ERR(task);
		else
			ctx->root_task = task;
	}
	if (!ret) {
		ctx->pid = task_pid_vnr(ctx->root_task);
		ret = checkpoint_tree(ctx);
	}
	if (!ret)
		ret = checkpoint_ipc(ctx);
	if (!ret)
		ret = checkpoint_tasks(ctx);

	if (ret && !(ctx->kflags & CKPT_CTX_IO_FAILED)) {
		/* every failure is logged once; say it in the image too */
		ckpt_err(ctx, ret, "checkpoint failed");
		ckpt_write_error(ctx);
	}
	if (!(ctx->kflags & CKPT_CTX_IO_FAILED)) {
		err = ckpt_write_tail(ctx);
		ret = ret ?: err;
	}
	/* killed only once the whole image, tail included, is written */
	checkpoint_thaw(ctx, !ret && (ctx->uflags & CHECKPOINT_KILL));
	return ret;
}
