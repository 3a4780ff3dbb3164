// SPDX-License-Identifier: GPL-2.0
/*
 * Restart: read an image record by record, checking every field before it
 * is used. The image is untrusted input.
 *
 * User space recreates the process tree of the image with its pids (see
 * tools/checkpoint/rstr.c), and every process of it calls restart(2) on the
 * same open image file. The first to come reads the head of the image and
 * the tree into a context shared by all (found through the image file);
 * then each process, in the order of the tree, reads its own records and
 * becomes the process of the image: one reads while the others wait for
 * their turn. After the last one the tail is checked, and only then do the
 * processes take their task state, signals and registers, and return to
 * where the checkpointed processes were, all of them or none.
 *
 * A process has committed once its address space is replaced; from then
 * on a failure (its own or another's) kills it, and logfd says why. A
 * process that has not committed gets the error back. A process that does
 * not call restart(2) within CKPT_JOIN_TIMEOUT_MS of its turn fails the
 * whole restart, unless other processes are still calling it.
 */

#include <linux/checkpoint.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/wait.h>

#define CKPT_JOIN_TIMEOUT_MS	10000

/* Restarts under way, by image file */
static LIST_HEAD(ckpt_restarts);
static DEFINE_MUTEX(ckpt_restarts_mutex);

static void restart_unlist(struct ckpt_ctx *ctx)
{
	mutex_lock(&ckpt_restarts_mutex);
	list_del_init(&ctx->node);
	mutex_unlock(&ckpt_restarts_mutex);
}

/* Make every task of the restart give up with @err */
static int restart_abort(struct ckpt_ctx *ctx, int err)
{
	/* pairs with restore_tree(): the queues up to nr_tasks are initialized */
	u32 i, nr = smp_load_acquire(&ctx->nr_tasks);

	cmpxchg(&ctx->abort, 0, err);
	restart_unlist(ctx);
	wake_up_all(&ctx->waitq);
	for (i = 0; i < nr; i++)
		wake_up_all(&ctx->tasks[i].turn_wq);
	return READ_ONCE(ctx->abort);
}

static void restart_done(struct ckpt_ctx *ctx)
{
	WRITE_ONCE(ctx->done, true);
	restart_unlist(ctx);
	wake_up_all(&ctx->waitq);
}

/* Read the records before the first task's */
static int restore_head(struct ckpt_ctx *ctx)
{
	int ret;

	ret = restore_header(ctx);
	if (!ret)
		ret = restore_arch_header(ctx);
	if (!ret)
		ret = restore_tree(ctx);
	return ret;
}

/**
 * do_restart - validate a whole image (RESTART_VALIDATE)
 * @ctx: restart context
 *
 * Every record of every task is read and checked; nothing is changed.
 *
 * Return: 0 if the image is valid, or a negative errno; the cause has
 * been logged.
 */
int do_restart(struct ckpt_ctx *ctx)
{
	u32 i;
	int ret;

	ret = restore_head(ctx);
	if (!ret)
		ret = restore_ipc(ctx);
	for (i = 0; !ret && i < ctx->nr_tasks; i++)
		if (!(ctx->tree[i].flags & CKPT_PIDS_ZOMBIE))
			ret = restore_task_all(ctx, &ctx->tasks[i]);
	if (!ret)
		ret = ckpt_read_tail(ctx);
	if (ret)
		ckpt_err(ctx, ret, "restart failed");	/* if nothing said why yet */
	return ret;
}

/*
 * The context of the restart reading @file, or @fresh, which then becomes
 * it: *@first is set and the caller reads the head. Takes a reference.
 */
static struct ckpt_ctx *restart_find(struct ckpt_ctx *fresh, struct file *file, bool *first)
{
	struct ckpt_ctx *ctx;

	mutex_lock(&ckpt_restarts_mutex);
	list_for_each_entry(ctx, &ckpt_restarts, node) {
		if (ctx->file == file) {
			ckpt_ctx_get(ctx);
			mutex_unlock(&ckpt_restarts_mutex);
			*first = false;
			return ctx;
		}
	}
	ckpt_ctx_get(fresh);
	list_add(&fresh->node, &ckpt_restarts);
	mutex_unlock(&ckpt_restarts_mutex);
	*first = true;
	return fresh;
}

/* Which task of the tree current is; claims it */
static int restart_claim(struct ckpt_ctx *ctx)
{
	pid_t pid = task_pid_vnr(current);
	void *entry = xa_load(&ctx->pid_index, pid);
	u32 i;

	if (!entry)
		return ckpt_err(ctx, -ESRCH, "pid %d: not a process of the image", pid);
	i = xa_to_value(entry);
	if (ctx->tree[i].flags & CKPT_PIDS_ZOMBIE)
		return ckpt_err(ctx, -EINVAL, "pid %d: a zombie in the image, not restarted", pid);
	if (cmpxchg(&ctx->tasks[i].task, NULL, current))
		return ckpt_err(ctx, -EBUSY, "pid %d: called restart(2) twice", pid);
	get_task_struct(current);
	/* the processes are still coming: give the late one more time */
	WRITE_ONCE(ctx->turn_start, jiffies);
	return i;
}

static bool restart_turn_late(struct ckpt_ctx *ctx)
{
	int turn = READ_ONCE(ctx->turn);

	return turn >= 0 && turn < ctx->nr_tasks && !READ_ONCE(ctx->tasks[turn].task) &&
	       time_after(jiffies, READ_ONCE(ctx->turn_start) +
			  msecs_to_jiffies(CKPT_JOIN_TIMEOUT_MS));
}

/* What restart_wait() waits for */
enum {
	CKPT_WAIT_TREE,		/* the tree is read */
	CKPT_WAIT_TURN,		/* it is task @i's turn */
	CKPT_WAIT_DONE,		/* the whole image is read */
};

static bool restart_ready(struct ckpt_ctx *ctx, int what, int i)
{
	switch (what) {
	case CKPT_WAIT_TREE:
		return READ_ONCE(ctx->turn) >= 0;
	case CKPT_WAIT_TURN:
		return READ_ONCE(ctx->turn) == i;
	}
	return READ_ONCE(ctx->done);
}

/* Wait for @what; give up if the restart is aborted, current killed or a task late */
static int restart_wait(struct ckpt_ctx *ctx, int what, int i)
{
	wait_queue_head_t *wq = what == CKPT_WAIT_TURN ? &ctx->tasks[i].turn_wq : &ctx->waitq;
	long ret;

	for (;;) {
		ret = wait_event_killable_timeout(*wq, restart_ready(ctx, what, i) ||
						  READ_ONCE(ctx->abort), HZ);
		if (READ_ONCE(ctx->abort))
			return READ_ONCE(ctx->abort);
		if (ret < 0)
			return ckpt_err(ctx, -EINTR, "pid %d: killed while restarting",
					task_pid_vnr(current));
		if (restart_ready(ctx, what, i))
			return 0;
		if (restart_turn_late(ctx))
			return ckpt_err(ctx, -ETIMEDOUT,
					"pid %d: did not call restart(2) within %d ms",
					ctx->tree[READ_ONCE(ctx->turn)].vpid,
					CKPT_JOIN_TIMEOUT_MS);
	}
}

/* Task @i is done: check the zombies after it, hand the turn on */
static int restart_next_turn(struct ckpt_ctx *ctx, u32 i)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(CKPT_JOIN_TIMEOUT_MS);
	int ret;

	for (i++; i < ctx->nr_tasks && (ctx->tree[i].flags & CKPT_PIDS_ZOMBIE); i++) {
		while ((ret = restore_check_zombie(ctx, i)) == -EAGAIN) {
			if (time_after(jiffies, deadline) || fatal_signal_pending(current))
				return ckpt_err(ctx, -ETIMEDOUT, "pid %d: zombie did not exit",
						ctx->tree[i].vpid);
			usleep_range(5000, 10000);
		}
		if (ret)
			return ret;
	}
	if (i == ctx->nr_tasks) {
		ret = ckpt_read_tail(ctx);
		if (!ret && !(ctx->uflags & RESTART_VALIDATE))
			restore_unix_peer_pids(ctx);
		if (!ret)
			restart_done(ctx);
		return ret;
	}
	WRITE_ONCE(ctx->turn_start, jiffies);
	WRITE_ONCE(ctx->turn, i);
	/*
	 * Current goes to sleep right after this: a sync wakeup lets the next
	 * task run on this CPU at once, rather than wait on a busy one.
	 */
	wake_up_sync(&ctx->tasks[i].turn_wq);
	return 0;
}

/* Has @ts, or the leader whose address space it shares, begun to change? */
static bool restart_committed(struct ckpt_ctx *ctx, struct ckpt_task_state *ts)
{
	void *leader;

	if (ts->committed || !ts->thread)
		return ts->committed;
	leader = xa_load(&ctx->pid_index, ctx->tree[ts - ctx->tasks].vtgid);
	return leader && READ_ONCE(ctx->tasks[xa_to_value(leader)].committed);
}

/* Current's part of the restart of @ctx; the first caller reads the head */
static int restart_task(struct ckpt_ctx *ctx, bool first, long *retp)
{
	struct ckpt_task_state *ts = NULL;
	int i, ret = 0;

	if (first) {
		ret = restore_head(ctx);
		if (!ret) {
			WRITE_ONCE(ctx->turn_start, jiffies);
			WRITE_ONCE(ctx->turn, 0);
			wake_up_all(&ctx->waitq);
			wake_up_all(&ctx->tasks[0].turn_wq);
		}
	}
	if (!ret)
		ret = restart_wait(ctx, CKPT_WAIT_TREE, 0);
	if (!ret) {
		i = restart_claim(ctx);
		if (i < 0)
			ret = i;
		else
			ts = &ctx->tasks[i];
	}
	if (!ret)
		ret = restart_wait(ctx, CKPT_WAIT_TURN, i);
	if (!ret)
		ret = restore_check_tree_task(ctx, i);
	/* the root restores the tree's IPC objects before its own records */
	if (!ret && !i)
		ret = restore_ipc(ctx);
	if (!ret)
		ret = restore_ipc_check_task(ctx);
	if (!ret) {
		ret = restore_task_all(ctx, ts);
		ctx->cur = NULL;
	}
	if (!ret)
		ret = restart_next_turn(ctx, i);
	if (!ret)
		ret = restart_wait(ctx, CKPT_WAIT_DONE, 0);
	if (!ret)
		ret = restore_task_apply(ctx, ts);
	if (ret) {
		/* said before SIGKILL is pending: writes to the log would fail then */
		ckpt_err(ctx, ret, "pid %d: restart failed", task_pid_vnr(current));
		/* every task gives up; those already changed can't go back */
		restart_abort(ctx, ret);
		if (ts && restart_committed(ctx, ts))
			force_fatal_sig(SIGKILL);
		return ret;
	}
	restore_signals_apply(ctx, ts);
	restore_cpu_apply(ctx, ts);
	*retp = ts->ret;
	return 0;
}

/**
 * do_restart_join - restart current as one process of an image
 * @fresh: a new context with the caller's flags and log file, used if
 *	current is the first process of the image to call restart(2)
 * @file: the image
 * @fd: the descriptor of @file, for messages
 *
 * Return: what restart(2) returns to the restored program, or a negative
 * errno if current could not be restored (or was not changed at all).
 */
long do_restart_join(struct ckpt_ctx *fresh, struct file *file, int fd)
{
	struct ckpt_ctx *ctx;
	long value = 0;
	bool first;
	int ret;

	ret = ckpt_ctx_set_file(fresh, file, fd);
	if (ret)
		return ret;
	ctx = restart_find(fresh, file, &first);
	ret = restart_task(ctx, first, &value);
	ckpt_ctx_put(ctx);
	return ret ?: value;
}
