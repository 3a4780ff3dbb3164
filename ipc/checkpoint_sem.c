// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of SysV semaphore sets. Built into ipc/sem.c, whose
 * private structures it needs. See checkpoint/ipc.c for the design and
 * include/uapi/linux/checkpoint_hdr.h for the records.
 */

#include <linux/checkpoint.h>
#include <linux/sort.h>
#include "checkpoint.h"

/**
 * ckpt_sem_undo_in_use - does a task have semaphore adjustments on exit?
 * @t: a frozen task (or current)
 *
 * Return: true if semop(2) with SEM_UNDO gave it an undo list with
 * entries; those are not saved.
 */
bool ckpt_sem_undo_in_use(struct task_struct *t)
{
	struct sem_undo_list *ulp = READ_ONCE(t->sysvsem.undo_list);
	bool used;

	if (!ulp)
		return false;
	spin_lock(&ulp->lock);
	used = !list_empty(&ulp->list_proc);
	spin_unlock(&ulp->lock);
	return used;
}

static u32 ckpt_sem_rec_size(int nsems)
{
	return sizeof(struct ckpt_hdr_ipc_sem) + nsems * sizeof(__s32);
}

/* Write one set; we hold a reference on @sma */
static int checkpoint_sem_array(struct ckpt_ctx *ctx, struct sem_array *sma)
{
	struct ckpt_hdr_ipc_sem *hs;
	int i, nsems = sma->sem_nsems, ret;

	if (nsems > CKPT_IPC_SEM_MAX)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"ipc: semaphore set id %d: %d semaphores, more than %d not supported",
				sma->sem_perm.id, nsems, CKPT_IPC_SEM_MAX);
	hs = ckpt_hdr_alloc(CKPT_HDR_IPC_SEM, ckpt_sem_rec_size(nsems));
	if (!hs)
		return -ENOMEM;
	rcu_read_lock();
	sem_lock(sma, NULL, -1);
	if (!ipc_valid_object(&sma->sem_perm)) {
		sem_unlock(sma, -1);
		rcu_read_unlock();
		kfree(hs);
		return ckpt_err(ctx, -EBUSY, "ipc: semaphore set id %d: removed while saving it",
				sma->sem_perm.id);
	}
	ckpt_ipc_fill_perm(&hs->perm, &sma->sem_perm);
	hs->otime = get_semotime(sma);
	hs->ctime = sma->sem_ctime;
	hs->nsems = nsems;
	for (i = 0; i < nsems; i++)
		hs->semval[i] = sma->sems[i].semval;
	sem_unlock(sma, -1);
	rcu_read_unlock();
	ret = ckpt_write_obj(ctx, &hs->h);
	kfree(hs);
	return ret;
}

/**
 * checkpoint_ipc_sem - write the semaphore sets of an IPC namespace
 * @ctx: checkpoint context
 * @ns: the namespace, whose users are frozen
 * @nr: the sets announced in the IPC_NS record
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_ipc_sem(struct ckpt_ctx *ctx, struct ipc_namespace *ns, u32 nr)
{
	struct kern_ipc_perm **perms;
	u32 i;
	int ret;

	ret = ckpt_ipc_collect(&sem_ids(ns), nr, &perms);
	if (ret == -EBUSY)
		ckpt_err(ctx, ret, "ipc: semaphore sets came or went while saving them");
	for (i = 0; i < nr && !ret; i++) {
		ret = ckpt_ipc_may_read(ctx, ns, perms[i], "semaphore set");
		if (!ret)
			ret = checkpoint_sem_array(ctx, container_of(perms[i], struct sem_array,
								     sem_perm));
	}
	for (i = 0; perms && i < nr && perms[i]; i++)
		ipc_rcu_putref(perms[i], sem_rcu_free);
	kvfree(perms);
	return ret;
}

/* Create the set of @hs in @ns with its id, key and values */
static int restore_sem_array(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			     struct ckpt_hdr_ipc_sem *hs)
{
	struct ipc_ids *ids = &sem_ids(ns);
	struct sem_array *sma;
	long id;
	u32 i;

	down_write(&ids->rwsem);
	ids->next_id = hs->perm.id;
	up_write(&ids->rwsem);
	id = ksys_semget(hs->perm.key, hs->nsems, IPC_CREAT | IPC_EXCL | (hs->perm.mode & 0777));
	down_write(&ids->rwsem);
	ids->next_id = -1;
	up_write(&ids->rwsem);
	if (id < 0)
		return ckpt_err(ctx, id, "ipc: semaphore set id %d key %#x: cannot create it",
				hs->perm.id, hs->perm.key);
	if (id != hs->perm.id)
		return ckpt_err(ctx, -EINVAL, "ipc: semaphore set id %d: got id %ld (taken twice?)",
				hs->perm.id, id);

	rcu_read_lock();
	sma = sem_obtain_object_check(ns, id);
	if (IS_ERR(sma)) {
		rcu_read_unlock();
		return ckpt_err(ctx, PTR_ERR(sma),
				"ipc: semaphore set id %d: gone while restoring it",
				hs->perm.id);
	}
	sem_lock(sma, NULL, -1);
	for (i = 0; i < hs->nsems; i++)
		sma->sems[i].semval = hs->semval[i];
	sma->sems[0].sem_otime = hs->otime;
	sma->sem_ctime = hs->ctime;
	ckpt_ipc_set_perm(&sma->sem_perm, &hs->perm);
	sem_unlock(sma, -1);
	rcu_read_unlock();
	return 0;
}

/**
 * restore_ipc_sem - read one semaphore set
 * @ctx: restart context
 * @ns: the namespace to create it in; NULL when validating
 *
 * Return: 0 or a negative errno.
 */
int restore_ipc_sem(struct ckpt_ctx *ctx, struct ipc_namespace *ns)
{
	struct ckpt_hdr_ipc_sem *hs;
	u32 i;
	int ret;

	hs = ckpt_read_obj(ctx, CKPT_HDR_IPC_SEM);
	if (IS_ERR(hs))
		return PTR_ERR(hs);
	ret = ckpt_ipc_check_perm(ctx, "semaphore set", &hs->perm, 0);
	if (ret)
		goto out;
	if (!hs->nsems || hs->nsems > CKPT_IPC_SEM_MAX || hs->_reserved ||
	    hs->h.len != ckpt_record_len(ckpt_sem_rec_size(hs->nsems)) ||
	    hs->otime < 0 || hs->ctime < 0) {
		ret = ckpt_err(ctx, -EINVAL, "ipc: semaphore set id %d: %u semaphores in %u bytes",
			       hs->perm.id, hs->nsems, hs->h.len);
		goto out;
	}
	for (i = 0; i < hs->nsems; i++) {
		if (hs->semval[i] < 0 || hs->semval[i] > SEMVMX) {
			ret = ckpt_err(ctx, -EINVAL, "ipc: semaphore set id %d: semaphore %u is %d",
				       hs->perm.id, i, hs->semval[i]);
			goto out;
		}
	}
	if (ns)
		ret = restore_sem_array(ctx, ns, hs);
out:
	kvfree(hs);
	return ret;
}

/**
 * ckpt_sem_undo_shared - is a task's undo list shared with another process?
 * @t: a frozen task, the leader of its thread group
 *
 * Return: a reason not to save @t, or NULL. Threads share their undo list
 * (CLONE_SYSVSEM) and restart recreates them so; processes sharing one are
 * not supported.
 */
const char *ckpt_sem_undo_shared(struct task_struct *t)
{
	struct sem_undo_list *ulp = READ_ONCE(t->sysvsem.undo_list);

	if (ulp && refcount_read(&ulp->refcnt) > get_nr_threads(t))
		return "shares its SysV semaphore undo list with another process: not supported";
	return NULL;
}

static u32 ckpt_undo_rec_size(int nsems)
{
	return sizeof(struct ckpt_hdr_ipc_undo) + nsems * sizeof(__s16);
}

/* Write the adjustments of @ulp for set @semid, if it still has some */
static int checkpoint_undo(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			   struct sem_undo_list *ulp, int semid)
{
	struct ckpt_hdr_ipc_undo *hu;
	struct sem_array *sma;
	struct sem_undo *un;
	int nsems, i, ret;

	rcu_read_lock();
	sma = sem_obtain_object_check(ns, semid);
	nsems = IS_ERR(sma) ? 0 : sma->sem_nsems;
	rcu_read_unlock();
	if (!nsems || nsems > CKPT_IPC_SEM_MAX)
		return ckpt_err(ctx, -EBUSY, "pid %d: undo list: semaphore set id %d went away",
				ctx->pid, semid);
	hu = ckpt_hdr_alloc(CKPT_HDR_IPC_UNDO, ckpt_undo_rec_size(nsems));
	if (!hu)
		return -ENOMEM;
	hu->semid = semid;
	hu->nsems = nsems;
	ret = -EBUSY;
	rcu_read_lock();
	sma = sem_obtain_object_check(ns, semid);
	if (!IS_ERR(sma)) {
		sem_lock(sma, NULL, -1);
		spin_lock(&ulp->lock);
		un = lookup_undo(ulp, semid);
		if (ipc_valid_object(&sma->sem_perm) && un && sma->sem_nsems == nsems) {
			for (i = 0; i < nsems; i++)
				hu->semadj[i] = un->semadj[i];
			ret = 0;
		}
		spin_unlock(&ulp->lock);
		sem_unlock(sma, -1);
	}
	rcu_read_unlock();
	if (ret)
		ckpt_err(ctx, ret, "pid %d: undo list: semaphore set id %d changed while saving it",
			 ctx->pid, semid);
	else
		ret = ckpt_write_obj(ctx, &hu->h);
	kfree(hu);
	return ret;
}

static int ckpt_cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/**
 * checkpoint_sem_undo - write the semaphore undo list of a process
 * @ctx: checkpoint context; the tree has its own IPC namespace
 * @t: the process, frozen (its threads share the list)
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_sem_undo(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct sem_undo_list *ulp = READ_ONCE(t->sysvsem.undo_list);
	struct ckpt_hdr_ipc_undo_list *hl;
	struct sem_undo *un;
	int *semids = NULL;
	u32 nr = 0, i;
	int ret;

	hl = ckpt_hdr_alloc(CKPT_HDR_IPC_UNDO_LIST, sizeof(*hl));
	if (!hl)
		return -ENOMEM;
	/* the task is frozen: its list only loses the sets that are removed */
	if (ulp) {
		rcu_read_lock();
		list_for_each_entry_rcu(un, &ulp->list_proc, list_proc)
			nr++;
		rcu_read_unlock();
	}
	if (nr) {
		semids = kvmalloc_array(nr, sizeof(*semids), GFP_KERNEL_ACCOUNT);
		if (!semids) {
			kfree(hl);
			return -ENOMEM;
		}
		i = 0;
		spin_lock(&ulp->lock);
		list_for_each_entry(un, &ulp->list_proc, list_proc)
			if (un->semid >= 0 && i < nr)
				semids[i++] = un->semid;
		spin_unlock(&ulp->lock);
		nr = i;
		sort(semids, nr, sizeof(*semids), ckpt_cmp_int, NULL);
	}
	hl->nr_undos = nr;
	ret = ckpt_write_obj(ctx, &hl->h);
	for (i = 0; i < nr && !ret; i++)
		ret = checkpoint_undo(ctx, ctx->ipc_ns, ulp, semids[i]);
	kvfree(semids);
	kfree(hl);
	return ret;
}

/* Read one IPC_UNDO record; give current its adjustments */
/* May current take the undo list @hu of a set, as semop(2) would? */
static int restore_undo_may(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			    struct ckpt_hdr_ipc_undo *hu)
{
	short flg = memchr_inv(hu->semadj, 0, hu->nsems * sizeof(hu->semadj[0])) ? 0222 : 0444;
	struct sem_array *sma;
	int ret;

	rcu_read_lock();
	sma = sem_obtain_object_check(ns, hu->semid);
	ret = IS_ERR(sma) ? PTR_ERR(sma) : ipcperms(ns, &sma->sem_perm, flg) ? -EACCES : 0;
	rcu_read_unlock();
	if (ret)
		ckpt_err(ctx, ret, "pid %d: undo list: semaphore set id %d: may not %s it",
			 ctx->pid, hu->semid, flg == 0222 ? "alter" : "read");
	return ret;
}

static int restore_undo(struct ckpt_ctx *ctx, int *prev)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct ckpt_hdr_ipc_undo *hu;
	struct sem_array *sma;
	struct sem_undo *un;
	int ret = 0;
	u32 i;

	hu = ckpt_read_obj(ctx, CKPT_HDR_IPC_UNDO);
	if (IS_ERR(hu))
		return PTR_ERR(hu);
	if (hu->semid <= *prev || !hu->nsems || hu->nsems > CKPT_IPC_SEM_MAX ||
	    hu->h.len != ckpt_record_len(ckpt_undo_rec_size(hu->nsems))) {
		ret = ckpt_err(ctx, -EINVAL,
			       "pid %d: undo list: semaphore set id %d of %u in %u bytes",
			       ctx->pid, hu->semid, hu->nsems, hu->h.len);
		goto out;
	}
	*prev = hu->semid;
	for (i = 0; i < hu->nsems; i++) {
		if (hu->semadj[i] < -SEMAEM || hu->semadj[i] > SEMAEM) {
			ret = ckpt_err(ctx, -EINVAL,
				       "pid %d: undo list: semaphore set id %d: adjustment %d",
				       ctx->pid, hu->semid, hu->semadj[i]);
			goto out;
		}
	}
	if (ctx->uflags & RESTART_VALIDATE)
		goto out;
	/*
	 * semop(2) with SEM_UNDO: altering the set (an adjustment) needs the
	 * right to write it, a zero one to read it
	 */
	ret = restore_undo_may(ctx, ns, hu);
	if (ret)
		goto out;

	un = find_alloc_undo(ns, hu->semid);
	if (IS_ERR(un)) {
		ret = ckpt_err(ctx, PTR_ERR(un), "pid %d: undo list: no semaphore set id %d",
			       ctx->pid, hu->semid);
		goto out;
	}
	/* find_alloc_undo() returns in an RCU read-side section */
	sma = sem_obtain_object_check(ns, hu->semid);
	ret = -EINVAL;
	if (!IS_ERR(sma)) {
		sem_lock(sma, NULL, -1);
		if (ipc_valid_object(&sma->sem_perm) && sma->sem_nsems == hu->nsems) {
			for (i = 0; i < hu->nsems; i++)
				un->semadj[i] = hu->semadj[i];
			ret = 0;
		}
		sem_unlock(sma, -1);
	}
	rcu_read_unlock();
	if (ret)
		ckpt_err(ctx, ret, "pid %d: undo list: semaphore set id %d has not %u semaphores",
			 ctx->pid, hu->semid, hu->nsems);
out:
	kvfree(hu);
	return ret;
}

/**
 * restore_sem_undo - read the semaphore undo list of current's process
 * @ctx: restart context; the tree has its own IPC namespace, whose sets
 *	are restored already
 *
 * Return: 0 or a negative errno.
 */
int restore_sem_undo(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_ipc_undo_list *hl;
	int prev = -1, ret = 0;
	u32 i;

	hl = ckpt_read_obj(ctx, CKPT_HDR_IPC_UNDO_LIST);
	if (IS_ERR(hl))
		return PTR_ERR(hl);
	if (hl->nr_undos > CKPT_IPC_MAX_OBJS || hl->_reserved)
		ret = ckpt_err(ctx, -EINVAL, "pid %d: undo list of %u sets", ctx->pid,
			       hl->nr_undos);
	else if (!(ctx->uflags & RESTART_VALIDATE) && ckpt_sem_undo_in_use(current))
		ret = ckpt_err(ctx, -EBUSY, "pid %d: the restarting process has an undo list",
			       ctx->pid);
	for (i = 0; i < hl->nr_undos && !ret; i++)
		ret = restore_undo(ctx, &prev);
	kvfree(hl);
	return ret;
}
