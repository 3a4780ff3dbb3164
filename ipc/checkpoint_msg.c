// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of SysV message queues. Built into ipc/msg.c, whose
 * private structures it needs. See checkpoint/ipc.c for the design and
 * include/uapi/linux/checkpoint_hdr.h for the records.
 */

#include <linux/checkpoint.h>
#include "checkpoint.h"

#define CKPT_MSQ_TRIES	16	/* to copy a queue that keeps changing */

/**
 * ckpt_ipc_count - the objects of each kind in an IPC namespace
 * @ns: the namespace
 * @nr_msq: set to its message queues
 * @nr_sem: set to its semaphore sets
 * @nr_shm: set to its shared memory segments
 */
void ckpt_ipc_count(struct ipc_namespace *ns, u32 *nr_msq, u32 *nr_sem, u32 *nr_shm)
{
	u32 *nr[] = { [IPC_SEM_IDS] = nr_sem, [IPC_MSG_IDS] = nr_msq, [IPC_SHM_IDS] = nr_shm };
	int i;

	for (i = 0; i < ARRAY_SIZE(nr); i++) {
		down_read(&ns->ids[i].rwsem);
		*nr[i] = ns->ids[i].in_use;
		up_read(&ns->ids[i].rwsem);
	}
}

/**
 * ckpt_ipc_empty - does an IPC namespace have no SysV IPC object?
 * @ns: the namespace
 *
 * Return: true if it has none.
 */
bool ckpt_ipc_empty(struct ipc_namespace *ns)
{
	u32 nr_msq, nr_sem, nr_shm;

	ckpt_ipc_count(ns, &nr_msq, &nr_sem, &nr_shm);
	return !nr_msq && !nr_sem && !nr_shm;
}

/**
 * ckpt_ipc_collect - take a reference on every object of one kind
 * @ids: the objects of one kind of a namespace
 * @nr: how many there should be
 * @perms: set to a new array of the @nr objects in increasing id order,
 *	each with a reference (ipc_rcu_getref()); kvfree() it
 *
 * The image is written without holding @ids->rwsem: writing it may take
 * locks that are taken before @ids->rwsem elsewhere (munmap of a shm
 * attachment takes it under the mmap lock).
 *
 * Return: 0, -ENOMEM, or -EBUSY if there are not exactly @nr objects.
 */
int ckpt_ipc_collect(struct ipc_ids *ids, u32 nr, struct kern_ipc_perm ***perms)
{
	struct kern_ipc_perm *perm, **p;
	int next = 0, ret = 0;
	u32 n = 0;

	*perms = NULL;
	p = kvcalloc(max(nr, 1U), sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p)
		return -ENOMEM;
	down_read(&ids->rwsem);
	while ((perm = idr_get_next(&ids->ipcs_idr, &next))) {
		next++;
		if (n == nr || !ipc_rcu_getref(perm)) {
			ret = -EBUSY;
			break;
		}
		p[n++] = perm;
	}
	up_read(&ids->rwsem);
	if (!ret && n != nr)
		ret = -EBUSY;
	*perms = p;
	return ret;
}

/**
 * ckpt_ipc_may_read - may the checkpointer read an object?
 * @ctx: checkpoint context
 * @ns: the object's namespace
 * @perm: the object, with a reference
 * @what: its kind, for the message
 *
 * Saving an object reads all of it, which needs the read permission that
 * msgctl(IPC_STAT), semctl(IPC_STAT) and shmctl(IPC_STAT) need, for the
 * checkpointer's credentials (ipcperms(), security hook included).
 *
 * Return: 0 or -EACCES, logged.
 */
int ckpt_ipc_may_read(struct ckpt_ctx *ctx, struct ipc_namespace *ns, struct kern_ipc_perm *perm,
		      const char *what)
{
	if (!ipcperms(ns, perm, 0444))
		return 0;
	return ckpt_err(ctx, -EACCES,
			"ipc: %s id %d: the caller may not read it (owner %u, mode %#o)", what,
			perm->id, from_kuid_munged(current_user_ns(), perm->uid),
			perm->mode & 0777);
}

static u32 ckpt_msg_rec_len(size_t len)
{
	return ckpt_record_len(sizeof(struct ckpt_hdr_ipc_msg) + len);
}

/*
 * Copy the state of the locked queue into @hq and its messages, as IPC_MSG
 * records, into @buf if they fit in @size bytes. Returns the bytes of
 * records; -ENOSPC if they need more (*@need), -EFBIG for a message too
 * large (*@need is its size), -EIDRM if the queue was removed.
 */
static long ckpt_msq_fill(struct msg_queue *msq, struct ckpt_hdr_ipc_msq *hq, void *buf,
			  size_t size, size_t *need)
{
	struct ckpt_hdr_ipc_msg *hm;
	struct msg_msg *msg;
	size_t off = 0;

	if (!ipc_valid_object(&msq->q_perm))
		return -EIDRM;
	*need = 0;
	list_for_each_entry(msg, &msq->q_messages, m_list) {
		if (msg->m_ts > CKPT_IPC_MSG_MAX) {
			*need = msg->m_ts;
			return -EFBIG;
		}
		*need += ckpt_msg_rec_len(msg->m_ts);
	}
	if (*need > size)
		return -ENOSPC;

	ckpt_ipc_fill_perm(&hq->perm, &msq->q_perm);
	hq->stime = msq->q_stime;
	hq->rtime = msq->q_rtime;
	hq->ctime = msq->q_ctime;
	hq->qbytes = msq->q_qbytes;
	hq->cbytes = 0;
	hq->nr_msgs = 0;
	list_for_each_entry(msg, &msq->q_messages, m_list) {
		hm = buf + off;
		memset(hm, 0, ckpt_msg_rec_len(msg->m_ts));
		hm->h.type = CKPT_HDR_IPC_MSG;
		hm->h.len = ckpt_msg_rec_len(msg->m_ts);
		hm->mtype = msg->m_type;
		hm->len = msg->m_ts;
		ckpt_store_msg(hm->text, msg, msg->m_ts);
		hq->cbytes += msg->m_ts;
		hq->nr_msgs++;
		off += hm->h.len;
	}
	return off;
}

/*
 * Copy the queue's state into @hq and its messages into *@buf (*@size
 * bytes, reallocated as needed). Returns the bytes of records, or a
 * negative errno.
 */
static long ckpt_msq_copy(struct ckpt_ctx *ctx, struct msg_queue *msq,
			  struct ckpt_hdr_ipc_msq *hq, void **buf, size_t *size)
{
	size_t need = 0;
	long ret = -ENOSPC;
	int tries;

	for (tries = 0; tries < CKPT_MSQ_TRIES && ret == -ENOSPC; tries++) {
		if (need > *size) {
			kvfree(*buf);
			*size = 0;
			*buf = kvmalloc(need, GFP_KERNEL_ACCOUNT);
			if (!*buf)
				return -ENOMEM;
			*size = need;
		}
		ipc_lock_object(&msq->q_perm);
		ret = ckpt_msq_fill(msq, hq, *buf, *size, &need);
		ipc_unlock_object(&msq->q_perm);
	}
	switch (ret) {
	case -EIDRM:
		return ckpt_err(ctx, -EBUSY, "ipc: msg queue id %d: removed while saving it",
				msq->q_perm.id);
	case -EFBIG:
		return ckpt_err(ctx, -EOPNOTSUPP,
				"ipc: msg queue id %d: a message of %zu bytes: more than %u not supported",
				msq->q_perm.id, need, CKPT_IPC_MSG_MAX);
	case -ENOSPC:
		return ckpt_err(ctx, -EBUSY, "ipc: msg queue id %d: kept changing while saving it",
				msq->q_perm.id);
	}
	return ret;
}

/**
 * checkpoint_ipc_msg - write the message queues of an IPC namespace
 * @ctx: checkpoint context
 * @ns: the namespace, whose users are frozen
 * @nr: the queues announced in the IPC_NS record
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_ipc_msg(struct ckpt_ctx *ctx, struct ipc_namespace *ns, u32 nr)
{
	struct ckpt_hdr_ipc_msq *hq;
	struct kern_ipc_perm **perms;
	size_t size = 0, off;
	void *buf = NULL;
	u32 i;
	long len;
	int ret;

	hq = ckpt_hdr_alloc(CKPT_HDR_IPC_MSQ, sizeof(*hq));
	if (!hq)
		return -ENOMEM;
	ret = ckpt_ipc_collect(&msg_ids(ns), nr, &perms);
	if (ret == -EBUSY)
		ckpt_err(ctx, ret, "ipc: msg queues came or went while saving them");
	for (i = 0; i < nr && !ret; i++) {
		ret = ckpt_ipc_may_read(ctx, ns, perms[i], "msg queue");
		if (ret)
			break;
		len = ckpt_msq_copy(ctx, container_of(perms[i], struct msg_queue, q_perm), hq,
				    &buf, &size);
		if (len < 0) {
			ret = len;
			break;
		}
		ret = ckpt_write_obj(ctx, &hq->h);
		for (off = 0; !ret && off < len; off += ((struct ckpt_hdr *)(buf + off))->len)
			ret = ckpt_write_obj(ctx, buf + off);
	}
	for (i = 0; perms && i < nr && perms[i]; i++)
		ipc_rcu_putref(perms[i], msg_rcu_free);
	kvfree(perms);
	kvfree(buf);
	kfree(hq);
	return ret;
}

/* Read and check one message of the queue @hq; add it to queue @id */
static int restore_msg(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
		       struct ckpt_hdr_ipc_msq *hq, u64 *cbytes)
{
	struct ckpt_hdr_ipc_msg *hm;
	struct msg_queue *msq;
	struct msg_msg *msg;
	int ret = 0;

	hm = ckpt_read_obj(ctx, CKPT_HDR_IPC_MSG);
	if (IS_ERR(hm))
		return PTR_ERR(hm);
	if (hm->mtype <= 0 || hm->_reserved ||
	    hm->len > CKPT_IPC_MSG_MAX || hm->h.len != ckpt_msg_rec_len(hm->len) ||
	    *cbytes + hm->len > hq->cbytes) {
		ret = ckpt_err(ctx, -EINVAL,
			       "ipc: msg queue id %d: bad message of type %lld, %u bytes",
			       hq->perm.id, hm->mtype, hm->len);
		goto out;
	}
	*cbytes += hm->len;
	if (ctx->uflags & RESTART_VALIDATE)
		goto out;
	if (hm->len > ns->msg_ctlmax) {
		ret = ckpt_err(ctx, -EINVAL,
			       "ipc: msg queue id %d: message of %u bytes, msgmax is %d",
			       hq->perm.id, hm->len, ns->msg_ctlmax);
		goto out;
	}
	msg = ckpt_load_msg(hm->text, hm->len);
	if (IS_ERR(msg)) {
		ret = ckpt_err(ctx, PTR_ERR(msg), "ipc: msg queue id %d: cannot allocate a message",
			       hq->perm.id);
		goto out;
	}
	msg->m_type = hm->mtype;
	msg->m_ts = hm->len;
	rcu_read_lock();
	msq = msq_obtain_object_check(ns, hq->perm.id);
	if (IS_ERR(msq)) {
		rcu_read_unlock();
		free_msg(msg);
		ret = ckpt_err(ctx, PTR_ERR(msq), "ipc: msg queue id %d: gone while restoring it",
			       hq->perm.id);
		goto out;
	}
	ipc_lock_object(&msq->q_perm);
	list_add_tail(&msg->m_list, &msq->q_messages);
	msq->q_cbytes += hm->len;
	msq->q_qnum++;
	percpu_counter_add_local(&ns->percpu_msg_bytes, hm->len);
	percpu_counter_add_local(&ns->percpu_msg_hdrs, 1);
	ipc_unlock_object(&msq->q_perm);
	rcu_read_unlock();
out:
	kvfree(hm);
	return ret;
}

/* Create queue @hq in @ns with its id and key */
static int restore_msq_create(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			      struct ckpt_hdr_ipc_msq *hq)
{
	struct ipc_ids *ids = &msg_ids(ns);
	long id;

	if (hq->qbytes > ns->msg_ctlmnb && !capable(CAP_SYS_RESOURCE))
		return ckpt_err(ctx, -EPERM,
				"ipc: msg queue id %d: a limit of %llu bytes needs CAP_SYS_RESOURCE",
				hq->perm.id, hq->qbytes);
	down_write(&ids->rwsem);
	ids->next_id = hq->perm.id;
	up_write(&ids->rwsem);
	id = ksys_msgget(hq->perm.key, IPC_CREAT | IPC_EXCL | (hq->perm.mode & 0777));
	down_write(&ids->rwsem);
	ids->next_id = -1;
	up_write(&ids->rwsem);
	if (id < 0)
		return ckpt_err(ctx, id, "ipc: msg queue id %d key %#x: cannot create it",
				hq->perm.id, hq->perm.key);
	if (id != hq->perm.id)
		return ckpt_err(ctx, -EINVAL, "ipc: msg queue id %d: got id %ld (taken twice?)",
				hq->perm.id, id);
	return 0;
}

/* Give the queue the owners, mode, times and limit of the image */
static int restore_msq_finish(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			      struct ckpt_hdr_ipc_msq *hq)
{
	struct msg_queue *msq;

	rcu_read_lock();
	msq = msq_obtain_object_check(ns, hq->perm.id);
	if (IS_ERR(msq)) {
		rcu_read_unlock();
		return ckpt_err(ctx, PTR_ERR(msq), "ipc: msg queue id %d: gone while restoring it",
				hq->perm.id);
	}
	ipc_lock_object(&msq->q_perm);
	ckpt_ipc_set_perm(&msq->q_perm, &hq->perm);
	msq->q_stime = hq->stime;
	msq->q_rtime = hq->rtime;
	msq->q_ctime = hq->ctime;
	msq->q_qbytes = hq->qbytes;
	ipc_unlock_object(&msq->q_perm);
	rcu_read_unlock();
	return 0;
}

/**
 * restore_ipc_msg - read one message queue and its messages
 * @ctx: restart context
 * @ns: the namespace to create it in; NULL when validating
 *
 * Return: 0 or a negative errno.
 */
int restore_ipc_msg(struct ckpt_ctx *ctx, struct ipc_namespace *ns)
{
	struct ckpt_hdr_ipc_msq *hq;
	u64 cbytes = 0;
	u32 i;
	int ret;

	hq = ckpt_read_obj(ctx, CKPT_HDR_IPC_MSQ);
	if (IS_ERR(hq))
		return PTR_ERR(hq);
	ret = ckpt_ipc_check_perm(ctx, "msg queue", &hq->perm, 0);
	if (ret)
		goto out;
	if (hq->_reserved || hq->qbytes > INT_MAX || hq->cbytes > hq->qbytes ||
	    hq->nr_msgs > hq->qbytes || hq->stime < 0 || hq->rtime < 0 || hq->ctime < 0) {
		ret = ckpt_err(ctx, -EINVAL,
			       "ipc: msg queue id %d: %u messages of %llu bytes in a queue of %llu",
			       hq->perm.id, hq->nr_msgs, hq->cbytes, hq->qbytes);
		goto out;
	}
	if (ns)
		ret = restore_msq_create(ctx, ns, hq);
	for (i = 0; i < hq->nr_msgs && !ret; i++)
		ret = restore_msg(ctx, ns, hq, &cbytes);
	if (!ret && cbytes != hq->cbytes)
		ret = ckpt_err(ctx, -EINVAL,
			       "ipc: msg queue id %d: %llu bytes of messages, not %llu",
			       hq->perm.id, cbytes, hq->cbytes);
	if (!ret && ns)
		ret = restore_msq_finish(ctx, ns, hq);
out:
	kvfree(hq);
	return ret;
}
