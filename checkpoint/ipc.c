// SPDX-License-Identifier: GPL-2.0
/*
 * SysV IPC: the message queues, semaphore sets and shared memory segments
 * of the tree's IPC namespace.
 *
 * IPC objects belong to a namespace, not to a task. When the root of the
 * tree has an IPC namespace of its own (a container), the TREE record has
 * CKPT_TREE_IPCNS and every object of that namespace is saved once, after
 * the TREE record and before the tasks; every task of the tree must be in
 * that namespace. The root restores them in its turn, before its own
 * records, into the IPC namespace it runs in, which must be new and empty
 * (rstr creates one): each object gets the id, key, mode and owners it
 * had, the owners only as far as the restarting task may set them.
 *
 * When the tree shares the checkpointer's IPC namespace its objects are
 * not saved, and what ties a task to them is refused by name: an attached
 * shm segment and a semaphore undo list. In a tree with its own namespace
 * the semaphore undo list of each process is saved with its records.
 *
 * The code that needs the private structures of ipc/ is in
 * ipc/checkpoint_*.c, built into ipc/msg.c, ipc/sem.c and ipc/shm.c.
 */

#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/ipc.h>
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/uidgid.h>

static struct ipc_namespace *ckpt_task_ipc_ns(struct task_struct *t)
{
	struct ipc_namespace *ns = NULL;

	task_lock(t);
	if (t->nsproxy)
		ns = get_ipc_ns(t->nsproxy->ipc_ns);
	task_unlock(t);
	return ns;
}

/**
 * checkpoint_ipc_tree - decide whether the tree's IPC namespace is saved
 * @ctx: checkpoint context with the tree frozen
 *
 * If the root's IPC namespace is not the caller's, it is the tree's own:
 * CKPT_TREE_IPCNS is set and a reference kept in ctx->ipc_ns.
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_ipc_tree(struct ckpt_ctx *ctx)
{
	struct ipc_namespace *ns = ckpt_task_ipc_ns(ctx->root_task);

	if (!ns)
		return ckpt_err(ctx, -ESRCH, "pid %d: has no namespaces (it is exiting)",
				ctx->pid);
	if (ns == current->nsproxy->ipc_ns) {
		put_ipc_ns(ns);
		return 0;
	}
	ctx->ipc_ns = ns;
	ctx->tree_flags |= CKPT_TREE_IPCNS;
	return 0;
}

/**
 * ckpt_ipc_task_unsupported - what of @t's SysV IPC state can't be saved
 * @ctx: checkpoint context
 * @t: a live task of the tree, frozen
 *
 * Return: a reason, or NULL.
 */
const char *ckpt_ipc_task_unsupported(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ipc_namespace *ns;
	const char *why = NULL;

	if (ctx->ipc_ns) {
		ns = ckpt_task_ipc_ns(t);
		if (ns != ctx->ipc_ns)
			why = "IPC namespace other than the root's: not supported";
		if (ns)
			put_ipc_ns(ns);
	}
	if (!why && !ctx->ipc_ns && ckpt_sem_undo_in_use(t))
		why = "SysV semaphore undo list of the caller's IPC namespace: not supported";
	if (!why && ctx->ipc_ns)
		why = ckpt_sem_undo_shared(t);
	return why;
}

/**
 * checkpoint_ipc - write the SysV IPC objects of the tree's namespace
 * @ctx: checkpoint context, after the TREE record
 *
 * Does nothing unless the tree has its own IPC namespace.
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_ipc(struct ckpt_ctx *ctx)
{
	struct ipc_namespace *ns = ctx->ipc_ns;
	struct ckpt_hdr_ipc_ns *hn;
	int ret;

	if (!ns)
		return 0;
	hn = ckpt_hdr_alloc(CKPT_HDR_IPC_NS, sizeof(*hn));
	if (!hn)
		return -ENOMEM;
	ckpt_ipc_count(ns, &hn->nr_msq, &hn->nr_sem, &hn->nr_shm);
	ret = ckpt_write_obj(ctx, &hn->h);
	if (!ret)
		ret = checkpoint_ipc_msg(ctx, ns, hn->nr_msq);
	if (!ret)
		ret = checkpoint_ipc_sem(ctx, ns, hn->nr_sem);
	if (!ret)
		ret = checkpoint_ipc_shm(ctx, ns, hn->nr_shm);
	kfree(hn);
	return ret;
}

/**
 * ckpt_ipc_fill_perm - describe an object's identity and owners
 * @p: the record's part
 * @perm: the object, locked
 */
void ckpt_ipc_fill_perm(struct ckpt_ipc_perm *p, struct kern_ipc_perm *perm)
{
	struct user_namespace *ns = current_user_ns();

	p->id = perm->id;
	p->key = perm->key;
	p->uid = from_kuid_munged(ns, perm->uid);
	p->gid = from_kgid_munged(ns, perm->gid);
	p->cuid = from_kuid_munged(ns, perm->cuid);
	p->cgid = from_kgid_munged(ns, perm->cgid);
	p->mode = perm->mode;
}

/**
 * ckpt_ipc_check_perm - check an object's identity and owners from an image
 * @ctx: restart context
 * @what: the kind of object, for messages ("msg queue")
 * @p: the record's part
 * @modes: the mode bits the object may have besides 0777
 *
 * The owner may be anyone, as IPC_SET lets the creator make it; the
 * creator must be the caller unless it has CAP_SETUID and CAP_SETGID.
 *
 * Return: 0, -EINVAL for a malformed record, -EPERM.
 */
int ckpt_ipc_check_perm(struct ckpt_ctx *ctx, const char *what, const struct ckpt_ipc_perm *p,
			u32 modes)
{
	struct user_namespace *ns = current_user_ns();
	kuid_t cuid = make_kuid(ns, p->cuid);
	kgid_t cgid = make_kgid(ns, p->cgid);

	if (p->id < 0 || p->_reserved || p->mode & ~(0777 | modes))
		return ckpt_err(ctx, -EINVAL, "ipc: %s id %d: bad id or mode %#o", what, p->id,
				p->mode);
	if (!uid_valid(make_kuid(ns, p->uid)) || !gid_valid(make_kgid(ns, p->gid)) ||
	    !uid_valid(cuid) || !gid_valid(cgid))
		return ckpt_err(ctx, -EINVAL, "ipc: %s id %d: invalid uid or gid", what, p->id);
	if (ctx->uflags & RESTART_VALIDATE)
		return 0;
	if ((!uid_eq(cuid, current_euid()) && !ns_capable(ns, CAP_SETUID)) ||
	    (!gid_eq(cgid, current_egid()) && !ns_capable(ns, CAP_SETGID)))
		return ckpt_err(ctx, -EPERM, "ipc: %s id %d: the caller may not create it as %u/%u",
				what, p->id, p->cuid, p->cgid);
	return 0;
}

/**
 * ckpt_ipc_set_perm - give a new object the owners and mode of the image
 * @perm: the object, locked
 * @p: the record's part, checked by ckpt_ipc_check_perm()
 */
void ckpt_ipc_set_perm(struct kern_ipc_perm *perm, const struct ckpt_ipc_perm *p)
{
	struct user_namespace *ns = current_user_ns();

	perm->uid = make_kuid(ns, p->uid);
	perm->gid = make_kgid(ns, p->gid);
	perm->cuid = make_kuid(ns, p->cuid);
	perm->cgid = make_kgid(ns, p->cgid);
	perm->mode = p->mode;
}

/**
 * restore_ipc - read the SysV IPC objects of the image, after the tree
 * @ctx: restart context; current is the root of the tree, in its turn
 *
 * Unless validating, the objects are created in current's IPC namespace,
 * which must be another than the initial one and have no objects yet; a
 * reference to it is kept in ctx->ipc_ns, the namespace every task of
 * the tree must be in.
 *
 * Return: 0 or a negative errno.
 */
int restore_ipc(struct ckpt_ctx *ctx)
{
	struct ipc_namespace *ns = NULL;
	struct ckpt_hdr_ipc_ns *hn;
	u32 i;
	int ret = 0;

	if (!(ctx->tree_flags & CKPT_TREE_IPCNS))
		return 0;
	hn = ckpt_read_obj(ctx, CKPT_HDR_IPC_NS);
	if (IS_ERR(hn))
		return PTR_ERR(hn);
	if (hn->nr_msq > CKPT_IPC_MAX_OBJS || hn->nr_sem > CKPT_IPC_MAX_OBJS ||
	    hn->nr_shm > CKPT_IPC_MAX_OBJS || hn->_reserved) {
		ret = ckpt_err(ctx, -EINVAL,
			       "ipc: %u msg queues, %u semaphore sets, %u shm segments",
			       hn->nr_msq, hn->nr_sem, hn->nr_shm);
		goto out;
	}
	if (!(ctx->uflags & RESTART_VALIDATE)) {
		ns = current->nsproxy->ipc_ns;
		if (ns == &init_ipc_ns || !ckpt_ipc_empty(ns)) {
			ret = ckpt_err(ctx, -EBUSY,
				       "ipc: the image has an IPC namespace: restart in a new, empty one");
			goto out;
		}
		/* the ids are chosen as the kernel.*_next_id sysctls choose them */
		if (hn->nr_msq + hn->nr_sem + hn->nr_shm &&
		    !checkpoint_restore_ns_capable(ns->user_ns)) {
			ret = ckpt_err(ctx, -EPERM,
				       "ipc: choosing the ids of %u objects needs CAP_CHECKPOINT_RESTORE",
				       hn->nr_msq + hn->nr_sem + hn->nr_shm);
			goto out;
		}
		ctx->ipc_ns = get_ipc_ns(ns);
	}
	for (i = 0; i < hn->nr_msq && !ret; i++)
		ret = restore_ipc_msg(ctx, ns);
	for (i = 0; i < hn->nr_sem && !ret; i++)
		ret = restore_ipc_sem(ctx, ns);
	for (i = 0; i < hn->nr_shm && !ret; i++)
		ret = restore_ipc_shm(ctx, ns);
out:
	kfree(hn);
	return ret;
}

/**
 * restore_ipc_check_task - check current's IPC namespace
 * @ctx: restart context, not validating
 *
 * Return: 0 if current is in the namespace the objects of the image were
 * restored into (or the image has none), -EINVAL if not.
 */
int restore_ipc_check_task(struct ckpt_ctx *ctx)
{
	if (!(ctx->tree_flags & CKPT_TREE_IPCNS) || current->nsproxy->ipc_ns == ctx->ipc_ns)
		return 0;
	return ckpt_err(ctx, -EINVAL, "pid %d: not in the IPC namespace restored for the tree",
			task_pid_vnr(current));
}

/**
 * ckpt_ipc_free - release the IPC namespace the context holds
 * @ctx: checkpoint or restart context
 */
void ckpt_ipc_free(struct ckpt_ctx *ctx)
{
	if (ctx->ipc_ns)
		put_ipc_ns(ctx->ipc_ns);
	ctx->ipc_ns = NULL;
}
