// SPDX-License-Identifier: GPL-2.0
/*
 * The task tree and the per-task record.
 *
 * For now an image holds one process: the tree record names it and one
 * task record follows.
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/threads.h>

static void checkpoint_pids(struct ckpt_pids *p, struct task_struct *t)
{
	struct pid_namespace *ns;

	rcu_read_lock();
	p->vpid = task_pid_vnr(t);
	p->vtgid = task_tgid_vnr(t);
	p->vppid = task_ppid_nr_ns(t, task_active_pid_ns(current));
	p->vpgid = task_pgrp_vnr(t);
	p->vsid = task_session_vnr(t);
	ns = task_active_pid_ns(t);
	p->depth = ns ? ns->level : 0;
	rcu_read_unlock();
}

static int restore_check_pids(struct ckpt_ctx *ctx, const struct ckpt_pids *p, u32 i)
{
	if (p->vpid <= 0 || p->vpid > PID_MAX_LIMIT || p->vtgid <= 0 ||
	    p->vtgid > PID_MAX_LIMIT || p->vppid < 0 || p->vppid > PID_MAX_LIMIT ||
	    p->vpgid < 0 || p->vpgid > PID_MAX_LIMIT || p->vsid < 0 ||
	    p->vsid > PID_MAX_LIMIT || p->depth > MAX_PID_NS_LEVEL)
		return ckpt_err(ctx, -EINVAL, "tree: task %u has bad pids %d/%d/%d/%d/%d depth %u",
				i, p->vpid, p->vtgid, p->vppid, p->vpgid, p->vsid, p->depth);
	return 0;
}

static int checkpoint_tree(struct ckpt_ctx *ctx, struct task_struct *root)
{
	struct ckpt_hdr_tree *tree;
	int ret;

	tree = ckpt_hdr_alloc(CKPT_HDR_TREE, struct_size(tree, pids, 1));
	if (!tree)
		return ckpt_err(ctx, -ENOMEM, "no memory for the task tree");
	tree->nr_tasks = 1;
	checkpoint_pids(&tree->pids[0], root);
	ret = ckpt_write_obj(ctx, &tree->h);
	kfree(tree);
	return ret;
}

static int restore_tree(struct ckpt_ctx *ctx, u32 *nr_tasks)
{
	struct ckpt_hdr_tree *tree;
	int ret = 0;
	u32 i;

	tree = ckpt_read_obj(ctx, CKPT_HDR_TREE);
	if (IS_ERR(tree))
		return PTR_ERR(tree);
	if (!tree->nr_tasks || tree->nr_tasks > CKPT_TREE_MAX_TASKS ||
	    tree->h.len != ckpt_record_len(struct_size(tree, pids, tree->nr_tasks))) {
		ret = ckpt_err(ctx, -EINVAL, "offset %llu: tree of %u tasks in a %u byte record",
			       ctx->rec_pos, tree->nr_tasks, tree->h.len);
		goto out;
	}
	if (tree->_reserved) {
		ret = ckpt_err(ctx, -EINVAL, "tree: reserved field is %#x", tree->_reserved);
		goto out;
	}
	for (i = 0; i < tree->nr_tasks && !ret; i++)
		ret = restore_check_pids(ctx, &tree->pids[i], i);
	*nr_tasks = tree->nr_tasks;
out:
	kvfree(tree);
	return ret;
}

static int checkpoint_task(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_task *ht;
	int ret;

	ht = ckpt_hdr_alloc(CKPT_HDR_TASK, sizeof(*ht));
	if (!ht)
		return ckpt_err(ctx, -ENOMEM, "pid %d: no memory for the task record",
				task_pid_vnr(t));
	ht->personality = t->personality;
	ht->exit_signal = t->exit_signal;
	ht->pdeath_signal = t->pdeath_signal;
	get_task_comm(ht->comm, t);
	ret = ckpt_write_obj(ctx, &ht->h);
	kfree(ht);
	return ret;
}

static int restore_task(struct ckpt_ctx *ctx, u32 i)
{
	struct ckpt_hdr_task *ht;
	int ret = 0;

	ht = ckpt_read_obj(ctx, CKPT_HDR_TASK);
	if (IS_ERR(ht))
		return PTR_ERR(ht);
	if (!memchr(ht->comm, 0, sizeof(ht->comm)))
		ret = ckpt_err(ctx, -EINVAL, "task %u: comm is not NUL terminated", i);
	else if (ht->_reserved)
		ret = ckpt_err(ctx, -EINVAL, "task %u: reserved field is %#x", i, ht->_reserved);
	else if ((ht->exit_signal != -1 && !valid_signal(ht->exit_signal)) ||
		 ht->exit_signal < -1 || !valid_signal(ht->pdeath_signal) ||
		 ht->pdeath_signal < 0)
		ret = ckpt_err(ctx, -EINVAL,
			       "task %u: bad exit signal %d or parent death signal %d",
			       i, ht->exit_signal, ht->pdeath_signal);
	kvfree(ht);
	return ret;
}

/**
 * checkpoint_tasks - write the task tree and the task records
 * @ctx: checkpoint context
 * @root: the process being checkpointed
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_tasks(struct ckpt_ctx *ctx, struct task_struct *root)
{
	int ret;

	ret = checkpoint_tree(ctx, root);
	if (!ret)
		ret = checkpoint_task(ctx, root);
	return ret;
}

/**
 * restore_tasks - read and check the task tree and the task records
 * @ctx: restart context
 *
 * Return: 0 or a negative errno.
 */
int restore_tasks(struct ckpt_ctx *ctx)
{
	u32 nr_tasks = 0, i;
	int ret;

	ret = restore_tree(ctx, &nr_tasks);
	for (i = 0; i < nr_tasks && !ret; i++)
		ret = restore_task(ctx, i);
	return ret;
}
