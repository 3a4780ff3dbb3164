// SPDX-License-Identifier: GPL-2.0
/*
 * Checkpoint/restart of SysV shared memory segments and of the mappings
 * that attach them. Built into ipc/shm.c, whose private structures it
 * needs. See checkpoint/ipc.c for the design and
 * include/uapi/linux/checkpoint_hdr.h for the records.
 *
 * The contents of a segment are the pages its shmem file holds, in memory
 * or in swap; they are written as PAGES and PAGE_DATA records whose
 * addresses are byte offsets in the segment. Pages never touched are not
 * written, and read back as zeroes.
 */

#include <linux/bvec.h>
#include <linux/checkpoint.h>
#include <linux/shmem_fs.h>
#include "checkpoint.h"

/**
 * ckpt_vma_sysv_shm - is a mapping an attached SysV shm segment?
 * @vma: the mapping, with the mmap lock held
 * @ns: set to the segment's IPC namespace (no reference is taken)
 * @id: set to the segment's id
 * @size: set to the segment's size in bytes
 *
 * Return: true if @vma was made by shmat(2).
 */
bool ckpt_vma_sysv_shm(struct vm_area_struct *vma, struct ipc_namespace **ns, int *id,
		       unsigned long *size)
{
	struct file *file = vma->vm_file;
	struct shm_file_data *sfd;

	if (!file || (file->f_op != &shm_file_operations &&
		      file->f_op != &shm_file_operations_huge))
		return false;
	sfd = shm_file_data(file);
	*ns = sfd->ns;
	*id = sfd->id;
	*size = i_size_read(file_inode(sfd->file));
	return true;
}

/* Pages of @mapping below @npages that hold something, from @first */
static unsigned long ckpt_shm_next(struct address_space *mapping, unsigned long first,
				   unsigned long npages)
{
	unsigned long i;

	for (i = first; i < npages; i++) {
		if (xa_load(&mapping->i_pages, i))
			return i;
		if (!(i % 1024))
			cond_resched();
	}
	return npages;
}

struct ckpt_shm_batch {
	struct ckpt_hdr_pages *hp;
	struct page **pages;
	struct bio_vec *bv;
};

static int ckpt_shm_batch_alloc(struct ckpt_shm_batch *b)
{
	b->hp = kvzalloc(struct_size(b->hp, addr, CKPT_PAGES_BATCH), GFP_KERNEL_ACCOUNT);
	b->pages = kvmalloc_array(CKPT_PAGES_BATCH, sizeof(*b->pages), GFP_KERNEL_ACCOUNT);
	b->bv = kvmalloc_array(CKPT_PAGES_BATCH, sizeof(*b->bv), GFP_KERNEL_ACCOUNT);
	return b->hp && b->pages && b->bv ? 0 : -ENOMEM;
}

static void ckpt_shm_batch_free(struct ckpt_shm_batch *b)
{
	kvfree(b->hp);
	kvfree(b->pages);
	kvfree(b->bv);
}

/* Take the pages at the offsets of @b->hp, filled in from @mapping */
static int ckpt_shm_get_pages(struct address_space *mapping, struct ckpt_shm_batch *b)
{
	struct folio *folio;
	pgoff_t index;
	u32 i;

	for (i = 0; i < b->hp->nr_pages; i++) {
		index = b->hp->addr[i] >> PAGE_SHIFT;
		folio = shmem_read_folio(mapping, index);
		if (IS_ERR(folio)) {
			while (i--)
				put_page(b->pages[i]);
			return PTR_ERR(folio);
		}
		b->pages[i] = folio_file_page(folio, index);
	}
	return 0;
}

static void ckpt_shm_put_pages(struct ckpt_shm_batch *b, bool dirty)
{
	u32 i;

	for (i = 0; i < b->hp->nr_pages; i++) {
		if (dirty)
			set_page_dirty_lock(b->pages[i]);
		put_page(b->pages[i]);
	}
}

/* Write the @nr pages of segment @id that hold something */
static int checkpoint_shm_pages(struct ckpt_ctx *ctx, int id, struct file *file,
				unsigned long npages, u64 nr)
{
	struct ckpt_hdr h = { .type = CKPT_HDR_PAGE_DATA };
	struct address_space *mapping = file->f_mapping;
	struct ckpt_shm_batch b = { };
	unsigned long index = 0;
	u64 done = 0;
	u32 n;
	int ret;

	ret = ckpt_shm_batch_alloc(&b);
	while (!ret && done < nr) {
		for (n = 0; n < CKPT_PAGES_BATCH && done + n < nr; n++) {
			index = ckpt_shm_next(mapping, index, npages);
			if (index == npages)
				break;
			b.hp->addr[n] = (u64)index++ << PAGE_SHIFT;
		}
		if (!n) {
			ret = ckpt_err(ctx, -EBUSY,
				       "ipc: shm segment id %d: changed while saving it",
				       id);
			break;
		}
		b.hp->h.type = CKPT_HDR_PAGES;
		b.hp->h.len = struct_size(b.hp, addr, n);
		b.hp->nr_pages = n;
		ret = ckpt_shm_get_pages(mapping, &b);
		if (ret) {
			ckpt_err(ctx, ret, "ipc: shm segment id %d: cannot read its pages", id);
			break;
		}
		ret = ckpt_write_obj(ctx, &b.hp->h);
		if (!ret) {
			h.len = sizeof(h) + n * PAGE_SIZE;
			ret = ckpt_kwrite(ctx, &h, sizeof(h));
		}
		if (!ret)
			ret = ckpt_io_pages(ctx, b.pages, b.bv, n, true);
		if (!ret)
			ctx->nr_records++;
		ckpt_shm_put_pages(&b, false);
		done += n;
	}
	ckpt_shm_batch_free(&b);
	return ret;
}

/* Write one segment; we hold a reference on @shp */
static int checkpoint_shm_segment(struct ckpt_ctx *ctx, struct shmid_kernel *shp)
{
	struct ckpt_hdr_ipc_shm *hs;
	unsigned long npages, i;
	int ret, err = -EOPNOTSUPP;
	const char *why = NULL;
	struct file *file;

	hs = ckpt_hdr_alloc(CKPT_HDR_IPC_SHM, sizeof(*hs));
	if (!hs)
		return -ENOMEM;
	rcu_read_lock();
	ipc_lock_object(&shp->shm_perm);
	ckpt_ipc_fill_perm(&hs->perm, &shp->shm_perm);
	hs->atime = shp->shm_atim;
	hs->dtime = shp->shm_dtim;
	hs->ctime = shp->shm_ctim;
	hs->size = shp->shm_segsz;
	file = shp->shm_file;
	if (!ipc_valid_object(&shp->shm_perm)) {
		why = "removed while saving it";
		err = -EBUSY;
	} else if (is_file_hugepages(file)) {
		why = "on hugetlbfs: not supported";
	} else if (shp->shm_perm.mode & SHM_LOCKED) {
		why = "locked with SHM_LOCK: not supported";
	} else {
		get_file(file);
	}
	ipc_unlock_object(&shp->shm_perm);
	rcu_read_unlock();
	if (why) {
		ret = ckpt_err(ctx, err, "ipc: shm segment id %d: %s", hs->perm.id, why);
		goto out;
	}
	npages = DIV_ROUND_UP(hs->size, PAGE_SIZE);
	for (i = 0; (i = ckpt_shm_next(file->f_mapping, i, npages)) < npages; i++)
		hs->nr_pages++;
	ret = ckpt_write_obj(ctx, &hs->h);
	if (!ret)
		ret = checkpoint_shm_pages(ctx, hs->perm.id, file, npages, hs->nr_pages);
	fput(file);
out:
	kfree(hs);
	return ret;
}

/**
 * checkpoint_ipc_shm - write the shared memory segments of an IPC namespace
 * @ctx: checkpoint context
 * @ns: the namespace, whose users are frozen
 * @nr: the segments announced in the IPC_NS record
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_ipc_shm(struct ckpt_ctx *ctx, struct ipc_namespace *ns, u32 nr)
{
	struct kern_ipc_perm **perms;
	u32 i;
	int ret;

	ret = ckpt_ipc_collect(&shm_ids(ns), nr, &perms);
	if (ret == -EBUSY)
		ckpt_err(ctx, ret, "ipc: shm segments came or went while saving them");
	for (i = 0; i < nr && !ret; i++) {
		ret = ckpt_ipc_may_read(ctx, ns, perms[i], "shm segment");
		if (!ret)
			ret = checkpoint_shm_segment(ctx, container_of(perms[i],
								       struct shmid_kernel,
								       shm_perm));
	}
	for (i = 0; perms && i < nr && perms[i]; i++)
		ipc_rcu_putref(perms[i], shm_rcu_free);
	kvfree(perms);
	return ret;
}

/* Read one PAGES + PAGE_DATA pair of segment @hs into @file (NULL: validate) */
static int restore_shm_pages(struct ckpt_ctx *ctx, struct ckpt_hdr_ipc_shm *hs,
			     struct file *file, u64 *next, u64 *left, struct ckpt_shm_batch *b)
{
	struct ckpt_hdr_pages *hp;
	struct ckpt_hdr h;
	u32 i, nr;
	int ret = 0;

	hp = ckpt_read_obj(ctx, CKPT_HDR_PAGES);
	if (IS_ERR(hp))
		return PTR_ERR(hp);
	nr = hp->nr_pages;
	if (!nr || nr > CKPT_PAGES_BATCH || nr > *left || hp->_reserved ||
	    hp->h.len != struct_size(hp, addr, nr)) {
		ret = ckpt_err(ctx, -EINVAL, "ipc: shm segment id %d: %u pages in a %u byte record",
			       hs->perm.id, nr, hp->h.len);
		goto out;
	}
	for (i = 0; i < nr; i++) {
		if (hp->addr[i] < *next || hp->addr[i] >= hs->size || offset_in_page(hp->addr[i])) {
			ret = ckpt_err(ctx, -EINVAL,
				       "ipc: shm segment id %d: page at offset %#llx outside it or out of order",
				       hs->perm.id, hp->addr[i]);
			goto out;
		}
		*next = hp->addr[i] + PAGE_SIZE;
	}
	ret = ckpt_read_hdr_only(ctx, &h, CKPT_HDR_PAGE_DATA);
	if (!ret && h.len != sizeof(h) + (u64)nr * PAGE_SIZE)
		ret = ckpt_err(ctx, -EINVAL,
			       "ipc: shm segment id %d: PAGE_DATA of %u bytes for %u pages",
			       hs->perm.id, h.len, nr);
	if (ret)
		goto out;
	*left -= nr;
	if (!file) {
		for (i = 0; i < nr && !ret; i++)
			ret = ckpt_read_page_data(ctx, ctx->scratch, PAGE_SIZE);
		goto out;
	}
	memcpy(b->hp, hp, hp->h.len);
	ret = ckpt_shm_get_pages(file->f_mapping, b);
	if (ret) {
		ckpt_err(ctx, ret, "ipc: shm segment id %d: cannot allocate its pages",
			 hs->perm.id);
		goto out;
	}
	ret = ckpt_io_pages(ctx, b->pages, b->bv, nr, false);
	ckpt_shm_put_pages(b, true);
out:
	kvfree(hp);
	return ret;
}

/* Create the segment of @hs in @ns with its id and key; its file in *@filep */
static int restore_shm_create(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			      struct ckpt_hdr_ipc_shm *hs, struct file **filep)
{
	struct ipc_ids *ids = &shm_ids(ns);
	struct shmid_kernel *shp;
	long id;

	down_write(&ids->rwsem);
	ids->next_id = hs->perm.id;
	up_write(&ids->rwsem);
	id = ksys_shmget(hs->perm.key, hs->size, IPC_CREAT | IPC_EXCL | (hs->perm.mode & 0777));
	down_write(&ids->rwsem);
	ids->next_id = -1;
	up_write(&ids->rwsem);
	if (id < 0)
		return ckpt_err(ctx, id, "ipc: shm segment id %d key %#x: cannot create it",
				hs->perm.id, hs->perm.key);
	if (id != hs->perm.id)
		return ckpt_err(ctx, -EINVAL, "ipc: shm segment id %d: got id %ld (taken twice?)",
				hs->perm.id, id);
	rcu_read_lock();
	shp = shm_obtain_object_check(ns, id);
	if (IS_ERR(shp)) {
		rcu_read_unlock();
		return ckpt_err(ctx, PTR_ERR(shp),
				"ipc: shm segment id %d: gone while restoring it",
				hs->perm.id);
	}
	ipc_lock_object(&shp->shm_perm);
	*filep = get_file(shp->shm_file);
	ipc_unlock_object(&shp->shm_perm);
	rcu_read_unlock();
	return 0;
}

/* Give the segment the owners, mode (SHM_DEST too) and times of the image */
static int restore_shm_finish(struct ckpt_ctx *ctx, struct ipc_namespace *ns,
			      struct ckpt_hdr_ipc_shm *hs)
{
	struct shmid_kernel *shp;

	rcu_read_lock();
	shp = shm_obtain_object_check(ns, hs->perm.id);
	if (IS_ERR(shp)) {
		rcu_read_unlock();
		return ckpt_err(ctx, PTR_ERR(shp),
				"ipc: shm segment id %d: gone while restoring it",
				hs->perm.id);
	}
	ipc_lock_object(&shp->shm_perm);
	ckpt_ipc_set_perm(&shp->shm_perm, &hs->perm);
	shp->shm_atim = hs->atime;
	shp->shm_dtim = hs->dtime;
	shp->shm_ctim = hs->ctime;
	ipc_unlock_object(&shp->shm_perm);
	rcu_read_unlock();
	return 0;
}

/**
 * restore_ipc_shm - read one shared memory segment and its contents
 * @ctx: restart context
 * @ns: the namespace to create it in; NULL when validating
 *
 * A segment removed while attached (SHM_DEST) is restored removed: it
 * goes away when the restored tasks detach it.
 *
 * Return: 0 or a negative errno.
 */
int restore_ipc_shm(struct ckpt_ctx *ctx, struct ipc_namespace *ns)
{
	struct ckpt_shm_batch b = { };
	struct ckpt_hdr_ipc_shm *hs;
	struct file *file = NULL;
	u64 next = 0, left;
	int ret;

	hs = ckpt_read_obj(ctx, CKPT_HDR_IPC_SHM);
	if (IS_ERR(hs))
		return PTR_ERR(hs);
	ret = ckpt_ipc_check_perm(ctx, "shm segment", &hs->perm, SHM_DEST);
	if (ret)
		goto out;
	if (!hs->size || hs->size > TASK_SIZE || hs->nr_pages > DIV_ROUND_UP(hs->size, PAGE_SIZE) ||
	    ((hs->perm.mode & SHM_DEST) && hs->perm.key != IPC_PRIVATE) ||
	    hs->atime < 0 || hs->dtime < 0 || hs->ctime < 0) {
		ret = ckpt_err(ctx, -EINVAL, "ipc: shm segment id %d: %llu pages of %llu bytes",
			       hs->perm.id, hs->nr_pages, hs->size);
		goto out;
	}
	if (ns) {
		ret = restore_shm_create(ctx, ns, hs, &file);
		if (!ret)
			ret = ckpt_shm_batch_alloc(&b);
	}
	left = hs->nr_pages;
	while (!ret && left)
		ret = restore_shm_pages(ctx, hs, file, &next, &left, &b);
	if (!ret && ns)
		ret = restore_shm_finish(ctx, ns, hs);
	ckpt_shm_batch_free(&b);
	if (file)
		fput(file);
out:
	kvfree(hs);
	return ret;
}
