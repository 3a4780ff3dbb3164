// SPDX-License-Identifier: GPL-2.0
/*
 * The address space: mm fields, VMAs and the contents of their pages.
 *
 * Checkpoint walks the page tables of each VMA for the pages worth saving:
 * present pages of anonymous and shared anonymous memory, and the pages of
 * private file mappings that were written to (anonymous copies). Pages
 * never touched, the zero page and unmodified file pages are not written.
 * The pages go from the target's memory to the image in batches through a
 * bvec iov_iter, without copies; restart reads them the same way. Into a
 * writable private anonymous mapping it reads them into new pages that are
 * not zeroed first and maps them once they are full, instead of faulting in
 * zeroed pages and overwriting them; into other mappings, into the pinned
 * pages of the new mapping.
 *
 * Restart replaces the whole address space of the calling process: once
 * the old mappings are gone (the point of no return) any failure kills it.
 */

#include <linux/bvec.h>
#include <linux/capability.h>
#include <linux/checkpoint.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/memcontrol.h>
#include <linux/mman.h>
#include <linux/mmu_context.h>
#include <linux/namei.h>
#include <linux/oom.h>
#include <linux/pagewalk.h>
#include <linux/prctl.h>
#include <linux/resource.h>
#include <linux/rmap.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/shm.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include <asm/vdso.h>
#include <uapi/linux/shm.h>

#define CKPT_MAX_VMAS	BIT(20)

/* One VMA as checkpoint saw it, with the pages to save */
struct ckpt_vma {
	unsigned long start, end, pgoff;
	u32 kind, flags, advice;
	int shmid;			/* CKPT_VMA_SYSVSHM */
	struct file *file;
	unsigned long *addr;		/* pages to save */
	unsigned long nr;
};

/* The madvise(2) advice a mapping keeps in its flags, and what sets each */
static const struct {
	vm_flags_t vm_flag;
	u32 advice;
	int behavior;
} ckpt_advice[] = {
	{ VM_DONTCOPY, CKPT_VMA_ADV_DONTFORK, MADV_DONTFORK },
	{ VM_DONTDUMP, CKPT_VMA_ADV_DONTDUMP, MADV_DONTDUMP },
	{ VM_WIPEONFORK, CKPT_VMA_ADV_WIPEONFORK, MADV_WIPEONFORK },
	{ VM_HUGEPAGE, CKPT_VMA_ADV_HUGEPAGE, MADV_HUGEPAGE },
	{ VM_NOHUGEPAGE, CKPT_VMA_ADV_NOHUGEPAGE, MADV_NOHUGEPAGE },
	{ VM_MERGEABLE, CKPT_VMA_ADV_MERGEABLE, MADV_MERGEABLE },
	{ VM_SEQ_READ, CKPT_VMA_ADV_SEQUENTIAL, MADV_SEQUENTIAL },
	{ VM_RAND_READ, CKPT_VMA_ADV_RANDOM, MADV_RANDOM },
};

static u32 ckpt_vma_advice(struct vm_area_struct *vma)
{
	u32 advice = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_advice); i++)
		if (ckpt_advice[i].vm_flag && (vma->vm_flags & ckpt_advice[i].vm_flag))
			advice |= ckpt_advice[i].advice;
	return advice;
}

static int ckpt_pte_entry(pte_t *pte, unsigned long addr, unsigned long next,
			  struct mm_walk *walk)
{
	struct ckpt_vma *cv = walk->private;
	pte_t ptent = ptep_get(pte);
	struct page *page;

	if (pte_none(ptent))
		return 0;
	if (pte_present(ptent)) {
		page = vm_normal_page(walk->vma, addr, ptent);
		if (!page)
			return 0;	/* the zero page */
		if (cv->kind == CKPT_VMA_FILE && !PageAnon(page))
			return 0;	/* still the file's page */
	}
	/* present, or swapped out: save it */
	cv->addr[cv->nr++] = addr;
	return 0;
}

static const struct mm_walk_ops ckpt_walk_ops = {
	.pte_entry = ckpt_pte_entry,
	.walk_lock = PGWALK_RDLOCK,
};

/*
 * Shared anonymous memory: every page the shmem object holds in the VMA's
 * range, in memory or swapped out, also those this task never touched (a
 * child may have written them).
 */
static int ckpt_scan_shmem(struct vm_area_struct *vma, struct ckpt_vma *cv)
{
	struct address_space *mapping = vma->vm_file->f_mapping;
	unsigned long i, npages = vma_pages(vma);
	void *entry;

	for (i = 0; i < npages; i++) {
		entry = xa_load(&mapping->i_pages, vma->vm_pgoff + i);
		if (entry)
			cv->addr[cv->nr++] = vma->vm_start + i * PAGE_SIZE;
		cond_resched();
	}
	return 0;
}

static const char *ckpt_vma_name(struct vm_area_struct *vma)
{
	if (vma->vm_ops && vma->vm_ops->name)
		return vma->vm_ops->name(vma);
	return NULL;
}

/*
 * An attached SysV shm segment: saved as the segment's id, if the
 * segment is saved too (the tree has its own IPC namespace). Only whole
 * attachments with the protections shmat(2) gave them are supported.
 */
static int ckpt_scan_sysv_shm(struct ckpt_ctx *ctx, struct vm_area_struct *vma,
			      struct ckpt_vma *cv, struct ipc_namespace *ns, int id,
			      unsigned long size)
{
	const char *why = NULL;
	bool rdonly = !(vma->vm_flags & VM_MAYWRITE);

	if (!ns || ns != ctx->ipc_ns)
		why = "its IPC namespace is the caller's, not the tree's own";
	else if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_ALIGN(size))
		why = "only part of it is attached";
	else if (!(vma->vm_flags & VM_READ) || !(vma->vm_flags & VM_WRITE) != rdonly ||
		 (vma->vm_flags & VM_GROWSDOWN))
		why = "its protections were changed after shmat()";
	if (why)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: mapping %#lx-%#lx: SysV shm segment id %d: %s: not supported",
				ctx->pid, vma->vm_start, vma->vm_end, id, why);
	cv->kind = CKPT_VMA_SYSVSHM;
	cv->shmid = id;
	if (rdonly)
		cv->flags |= CKPT_VMA_SHM_RDONLY;
	return 0;
}

/* Describe @vma in @cv; called with the mmap lock held */
static int ckpt_scan_vma(struct ckpt_ctx *ctx, struct vm_area_struct *vma, struct ckpt_vma *cv)
{
	const char *name = ckpt_vma_name(vma);
	unsigned long npages = vma_pages(vma), size;
	struct ipc_namespace *ns;
	int id;

	cv->start = vma->vm_start;
	cv->end = vma->vm_end;
	cv->pgoff = vma->vm_pgoff;
	cv->flags = (vma->vm_flags & VM_READ ? CKPT_VMA_READ : 0) |
		    (vma->vm_flags & VM_WRITE ? CKPT_VMA_WRITE : 0) |
		    (vma->vm_flags & VM_EXEC ? CKPT_VMA_EXEC : 0) |
		    (vma->vm_flags & VM_GROWSDOWN ? CKPT_VMA_GROWSDOWN : 0);

	if (ckpt_vma_sysv_shm(vma, &ns, &id, &size)) {
		if (ckpt_vma_advice(vma))
			return ckpt_err(ctx, -EOPNOTSUPP,
					"pid %d: mapping %#lx-%#lx: madvise(2) advice on a SysV shm attachment not supported",
					ctx->pid, vma->vm_start, vma->vm_end);
		return ckpt_scan_sysv_shm(ctx, vma, cv, ns, id, size);
	}
	if (name && !strcmp(name, "[vvar]")) {
		cv->kind = CKPT_VMA_VVAR;
		return 0;
	}
	if (name && !strcmp(name, "[vdso]")) {
		cv->kind = CKPT_VMA_VDSO;
		return 0;
	}
	if (is_vm_hugetlb_page(vma) || (vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP)) ||
	    name)
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d: mapping %#lx-%#lx (%s): not supported",
				ctx->pid, vma->vm_start, vma->vm_end,
				name ?: (is_vm_hugetlb_page(vma) ? "hugetlb" : "device"));
	if (vma->vm_flags & (VM_LOCKED | VM_LOCKONFAULT))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: mapping %#lx-%#lx: locked with mlock(2): not supported",
				ctx->pid, vma->vm_start, vma->vm_end);
	cv->advice = ckpt_vma_advice(vma);

	if (vma_is_anonymous(vma))
		cv->kind = CKPT_VMA_ANON;
	else if (vma_is_anon_shmem(vma))
		cv->kind = CKPT_VMA_SHM_ANON;
	else if (vma->vm_flags & VM_SHARED)
		cv->kind = CKPT_VMA_SHM_FILE;
	else
		cv->kind = CKPT_VMA_FILE;
	if (vma->vm_file && cv->kind != CKPT_VMA_SHM_ANON)
		cv->file = get_file(vma->vm_file);
	if (cv->kind == CKPT_VMA_SHM_FILE)
		return 0;	/* the pages are in the file */

	cv->addr = kvmalloc_array(npages, sizeof(*cv->addr), GFP_KERNEL_ACCOUNT);
	if (!cv->addr)
		return -ENOMEM;
	if (cv->kind == CKPT_VMA_SHM_ANON)
		return ckpt_scan_shmem(vma, cv);
	return walk_page_range(vma->vm_mm, vma->vm_start, vma->vm_end, &ckpt_walk_ops, cv);
}

static void ckpt_free_vmas(struct ckpt_vma *cvs, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (cvs[i].file)
			fput(cvs[i].file);
		kvfree(cvs[i].addr);
	}
	kvfree(cvs);
}

/* Pin @nr pages of @mm at @addr[]: runs of consecutive pages at a time */
static int ckpt_get_pages(struct ckpt_ctx *ctx, struct mm_struct *mm, const u64 *addr,
			  unsigned int nr, struct page **pages, bool write)
{
	unsigned int gup = FOLL_FORCE | (write ? FOLL_WRITE : 0);
	unsigned int i = 0, run;
	long got = 0;

	mmap_read_lock(mm);
	while (i < nr) {
		for (run = 1; i + run < nr && addr[i + run] == addr[i] + run * PAGE_SIZE; run++)
			;
		got = get_user_pages_remote(mm, addr[i], run, gup, pages + i, NULL);
		if (got <= 0)
			break;
		i += got;
	}
	mmap_read_unlock(mm);
	if (i < nr) {
		ckpt_err(ctx, got < 0 ? got : -EFAULT, "pid %d: page at %#llx is not accessible",
			 ctx->pid, addr[i]);
		while (i--)
			put_page(pages[i]);
		return got < 0 ? got : -EFAULT;
	}
	return 0;
}

static void ckpt_put_pages(struct page **pages, unsigned int nr, bool dirty)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (dirty)
			set_page_dirty_lock(pages[i]);
		put_page(pages[i]);
	}
}

struct ckpt_batch {
	struct ckpt_hdr_pages *hp;
	struct page **pages;
	struct bio_vec *bv;
	/* restart: the file of the last file mapping, its path and open flags */
	struct file *file;
	char *path;
	int oflags;
};

static int ckpt_batch_alloc(struct ckpt_batch *b)
{
	b->hp = kvmalloc(struct_size(b->hp, addr, CKPT_PAGES_BATCH), GFP_KERNEL_ACCOUNT);
	b->pages = kvmalloc_array(CKPT_PAGES_BATCH, sizeof(*b->pages), GFP_KERNEL_ACCOUNT);
	b->bv = kvmalloc_array(CKPT_PAGES_BATCH, sizeof(*b->bv), GFP_KERNEL_ACCOUNT);
	return b->hp && b->pages && b->bv ? 0 : -ENOMEM;
}

static void ckpt_batch_free(struct ckpt_batch *b)
{
	if (b->file)
		fput(b->file);
	kfree(b->path);
	kvfree(b->hp);
	kvfree(b->pages);
	kvfree(b->bv);
}

static int checkpoint_vma_pages(struct ckpt_ctx *ctx, struct mm_struct *mm,
				struct ckpt_vma *cv, struct ckpt_batch *b)
{
	struct ckpt_hdr h = { .type = CKPT_HDR_PAGE_DATA };
	unsigned long done, i;
	unsigned int nr;
	int ret;

	for (done = 0; done < cv->nr; done += nr) {
		nr = min_t(unsigned long, cv->nr - done, CKPT_PAGES_BATCH);
		memset(b->hp, 0, sizeof(*b->hp));
		b->hp->h.type = CKPT_HDR_PAGES;
		b->hp->h.len = struct_size(b->hp, addr, nr);
		b->hp->nr_pages = nr;
		for (i = 0; i < nr; i++)
			b->hp->addr[i] = cv->addr[done + i];
		ret = ckpt_get_pages(ctx, mm, b->hp->addr, nr, b->pages, false);
		if (ret)
			return ret;
		ret = ckpt_write_obj(ctx, &b->hp->h);
		if (!ret) {
			h.len = sizeof(h) + nr * PAGE_SIZE;
			ret = ckpt_kwrite(ctx, &h, sizeof(h));
		}
		if (!ret)
			ret = ckpt_io_pages(ctx, b->pages, b->bv, nr, true);
		if (!ret)
			ctx->nr_records++;
		ckpt_put_pages(b->pages, nr, false);
		if (ret)
			return ret;
	}
	return 0;
}

/* A record with a path at its end: @size bytes of fixed part */
static void *ckpt_path_record(struct ckpt_ctx *ctx, u32 type, size_t size, struct file *file,
			      unsigned long addr, u32 *path_len)
{
	const char *path;
	char what[32];
	void *rec;
	int ret;

	*path_len = 0;
	if (!file)
		return ckpt_hdr_alloc(type, size);
	if (addr)
		snprintf(what, sizeof(what), "mapping %#lx", addr);
	else
		strscpy(what, "executable");
	ret = ckpt_file_path(ctx, file, what, ctx->scratch, PAGE_SIZE, &path);
	if (ret)
		return ERR_PTR(ret);
	*path_len = strlen(path) + 1;
	rec = ckpt_hdr_alloc(type, size + *path_len);
	if (rec)
		memcpy(rec + size, path, *path_len);
	return rec;
}

static int checkpoint_vma(struct ckpt_ctx *ctx, struct ckpt_vma *cv)
{
	struct ckpt_hdr_vma *hv;
	u32 path_len;
	int ret;

	hv = ckpt_path_record(ctx, CKPT_HDR_VMA, sizeof(*hv), cv->file, cv->start, &path_len);
	if (IS_ERR_OR_NULL(hv))
		return hv ? PTR_ERR(hv) : -ENOMEM;
	hv->start = cv->start;
	hv->end = cv->end;
	hv->pgoff = cv->pgoff;
	hv->kind = cv->kind;
	hv->flags = cv->flags;
	hv->nr_pages = cv->nr;
	hv->path_len = path_len;
	hv->shmid = cv->shmid;
	hv->advice = cv->advice;
	ret = ckpt_write_obj(ctx, &hv->h);
	kfree(hv);
	return ret;
}

static int checkpoint_mm_record(struct ckpt_ctx *ctx, struct mm_struct *mm, u32 nr_vmas,
				u32 objref)
{
	struct file *exe = get_mm_exe_file(mm);
	struct ckpt_hdr_mm *hm;
	u32 path_len, i;
	int ret;

	hm = ckpt_path_record(ctx, CKPT_HDR_MM, sizeof(*hm), exe, 0, &path_len);
	if (exe)
		fput(exe);
	if (IS_ERR_OR_NULL(hm))
		return hm ? PTR_ERR(hm) : -ENOMEM;
	mmap_read_lock(mm);
	hm->start_code = mm->start_code;
	hm->end_code = mm->end_code;
	hm->start_data = mm->start_data;
	hm->end_data = mm->end_data;
	hm->start_brk = mm->start_brk;
	hm->brk = mm->brk;
	hm->start_stack = mm->start_stack;
	spin_lock(&mm->arg_lock);
	hm->arg_start = mm->arg_start;
	hm->arg_end = mm->arg_end;
	hm->env_start = mm->env_start;
	hm->env_end = mm->env_end;
	spin_unlock(&mm->arg_lock);
	mmap_read_unlock(mm);
	for (i = 0; i + 1 < ARRAY_SIZE(mm->saved_auxv) && i + 1 < CKPT_AUXV_MAX; i += 2) {
		hm->auxv[i] = mm->saved_auxv[i];
		hm->auxv[i + 1] = mm->saved_auxv[i + 1];
		if (mm->saved_auxv[i] == AT_NULL)
			break;
	}
	hm->nr_auxv = i + 2;
	hm->nr_vmas = nr_vmas;
	hm->dumpable = get_dumpable(mm);
	hm->flags = test_bit(MMF_DISABLE_THP, &mm->flags) ? CKPT_MM_THP_DISABLE : 0;
	hm->exe_len = path_len;
	hm->objref = objref;
	ret = ckpt_write_obj(ctx, &hm->h);
	kfree(hm);
	return ret;
}

/**
 * checkpoint_mm - write the address space of a task
 * @ctx: checkpoint context
 * @t: current or a frozen task
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_mm(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct mm_struct *mm = get_task_mm(t);
	struct vm_area_struct *vma;
	struct ckpt_batch b = { };
	struct ckpt_hdr_mm *hm;
	struct ckpt_vma *cvs;
	unsigned int nr = 0, i;
	u32 objref;
	int ret;

	if (!mm)
		return ckpt_err(ctx, -EINVAL, "pid %d: has no address space", ctx->pid);
	/* shared with an earlier process of the tree (CLONE_VM): its objref */
	ret = ckpt_obj_lookup_add(ctx, mm, CKPT_OBJ_MM, &objref);
	if (ret <= 0) {
		mmput(mm);
		if (ret < 0)
			return ckpt_err(ctx, ret, "pid %d: no objref for its memory", ctx->pid);
		hm = ckpt_hdr_alloc(CKPT_HDR_MM, sizeof(*hm));
		if (!hm)
			return -ENOMEM;
		hm->objref = objref;
		ret = ckpt_write_obj(ctx, &hm->h);
		kfree(hm);
		return ret;
	}
	ret = 0;
	if (mm->def_flags & VM_LOCKED)
		ret = ckpt_err(ctx, -EOPNOTSUPP, "pid %d: mlockall(MCL_FUTURE): not supported",
			       ctx->pid);
#ifdef CONFIG_MEMBARRIER
	else if (atomic_read(&mm->membarrier_state))
		ret = ckpt_err(ctx, -EOPNOTSUPP,
			       "pid %d: registered with membarrier(2): not supported", ctx->pid);
#endif
	if (ret) {
		mmput(mm);
		return ret;
	}
	mmap_read_lock(mm);
	cvs = kvcalloc(mm->map_count, sizeof(*cvs), GFP_KERNEL_ACCOUNT);
	if (cvs) {
		VMA_ITERATOR(vmi, mm, 0);

		for_each_vma(vmi, vma) {
			if (nr == mm->map_count)
				break;
			ret = ckpt_scan_vma(ctx, vma, &cvs[nr++]);
			if (ret)
				break;
		}
	} else {
		ret = -ENOMEM;
	}
	mmap_read_unlock(mm);

	if (!ret)
		ret = ckpt_batch_alloc(&b);
	if (!ret)
		ret = checkpoint_mm_record(ctx, mm, nr, objref);
	for (i = 0; i < nr && !ret; i++) {
		ret = checkpoint_vma(ctx, &cvs[i]);
		if (!ret)
			ret = checkpoint_vma_pages(ctx, mm, &cvs[i], &b);
	}
	ckpt_batch_free(&b);
	if (cvs)
		ckpt_free_vmas(cvs, nr);
	mmput(mm);
	if (ret == -ENOMEM)
		ckpt_err(ctx, ret, "pid %d: out of memory saving the address space", ctx->pid);
	return ret;
}

/* Restart */

/* The fields of @hm as prctl(PR_SET_MM_MAP) takes them */
static void ckpt_mm_map(const struct ckpt_hdr_mm *hm, struct prctl_mm_map *map)
{
	*map = (struct prctl_mm_map) {
		.start_code = hm->start_code, .end_code = hm->end_code,
		.start_data = hm->start_data, .end_data = hm->end_data,
		.start_brk = hm->start_brk, .brk = hm->brk,
		.start_stack = hm->start_stack,
		.arg_start = hm->arg_start, .arg_end = hm->arg_end,
		.env_start = hm->env_start, .env_end = hm->env_end,
		.exe_fd = -1,
	};
}

/*
 * The layout fields pass the checks of prctl(PR_SET_MM_MAP), with the
 * RLIMIT_DATA the task will have (restart sets the limits before).
 */
static int restore_check_mm(struct ckpt_ctx *ctx, struct ckpt_hdr_mm *hm)
{
	u64 data_limit = ctx->cur->hdr->rlim[RLIMIT_DATA].cur;
	u32 room = hm->h.len - sizeof(*hm);
	struct prctl_mm_map map;

	ckpt_mm_map(hm, &map);
	if (prctl_mm_map_check(&map, data_limit))
		return ckpt_err(ctx, -EINVAL,
				"pid %d: MM code %#llx-%#llx data %#llx-%#llx brk %#llx-%#llx stack %#llx args %#llx-%#llx env %#llx-%#llx: PR_SET_MM_MAP refuses it",
				ctx->pid, hm->start_code, hm->end_code, hm->start_data,
				hm->end_data, hm->start_brk, hm->brk, hm->start_stack,
				hm->arg_start, hm->arg_end, hm->env_start, hm->env_end);
	if (!hm->nr_vmas || hm->nr_vmas > CKPT_MAX_VMAS)
		return ckpt_err(ctx, -EINVAL, "mm: %u VMAs", hm->nr_vmas);
	if (hm->nr_auxv < 2 || hm->nr_auxv > CKPT_AUXV_MAX || hm->nr_auxv % 2 ||
	    hm->nr_auxv > ARRAY_SIZE(current->mm->saved_auxv) ||
	    hm->auxv[hm->nr_auxv - 2] != AT_NULL)
		return ckpt_err(ctx, -EINVAL, "mm: bad auxiliary vector of %u entries",
				hm->nr_auxv);
	if (hm->dumpable > SUID_DUMP_ROOT || hm->flags & ~CKPT_MM_FLAGS_ALL)
		return ckpt_err(ctx, -EINVAL, "pid %d: MM dumpable %u flags %#x", ctx->pid,
				hm->dumpable, hm->flags);
	/*
	 * prctl(PR_SET_DUMPABLE) sets 0 or 1. 2 is what exec of a setuid
	 * program gets under fs.suid_dumpable 2: its core dumps are written
	 * as the initial namespace's root, so only a restarter with
	 * CAP_SYS_ADMIN there (not in a user namespace of its own) may give it.
	 */
	if (hm->dumpable == SUID_DUMP_ROOT && !(ctx->uflags & RESTART_VALIDATE) &&
	    !has_capability(current, CAP_SYS_ADMIN))
		return ckpt_err(ctx, -EPERM,
				"pid %d: MM dumpable 2: core dumps as root need CAP_SYS_ADMIN",
				ctx->pid);
	if (!hm->exe_len)
		return ckpt_err(ctx, -EINVAL, "mm: no executable");
	return ckpt_check_string(ctx, "mm: executable path", hm->exe, hm->exe_len, room);
}

/*
 * Is @exe the executable of current? Changing it is what
 * prctl(PR_SET_MM_MAP) allows only with CAP_CHECKPOINT_RESTORE: otherwise
 * a process could pass for any program (even a setuid one) in
 * /proc/pid/exe.
 */
static bool restore_same_exe(struct file *exe)
{
	struct file *cur = get_mm_exe_file(current->mm);
	bool same = cur && file_inode(cur) == file_inode(exe);

	if (cur)
		fput(cur);
	return same;
}

static struct file *restore_open_exe(struct ckpt_ctx *ctx, const char *path)
{
	struct file *exe = filp_open(path, O_RDONLY | O_LARGEFILE, 0);

	if (IS_ERR(exe)) {
		ckpt_err(ctx, PTR_ERR(exe), "mm: cannot open executable %s", path);
		return exe;
	}
	if (!S_ISREG(file_inode(exe)->i_mode) || path_noexec(&exe->f_path) ||
	    file_permission(exe, MAY_EXEC)) {
		fput(exe);
		ckpt_err(ctx, -EACCES, "mm: %s is not an executable the caller may run", path);
		return ERR_PTR(-EACCES);
	}
	if (!restore_caller_capable(CAP_CHECKPOINT_RESTORE) &&
	    !restore_caller_capable(CAP_SYS_ADMIN) && !restore_same_exe(exe)) {
		fput(exe);
		ckpt_err(ctx, -EPERM,
			 "mm: executable %s: changing it needs CAP_CHECKPOINT_RESTORE", path);
		return ERR_PTR(-EPERM);
	}
	return exe;
}

/* As prctl(PR_SET_MM_MAP) sets them; restore_check_mm() checked them */
static void restore_mm_fields(struct mm_struct *mm, struct ckpt_hdr_mm *hm)
{
	unsigned long auxv[ARRAY_SIZE(mm->saved_auxv)] = { };
	struct prctl_mm_map map;
	u32 i;

	ckpt_mm_map(hm, &map);
	for (i = 0; i < hm->nr_auxv; i++)
		auxv[i] = hm->auxv[i];
	/* the last entry is AT_NULL, as the specification requires */
	auxv[ARRAY_SIZE(auxv) - 2] = AT_NULL;
	auxv[ARRAY_SIZE(auxv) - 1] = AT_NULL;
	prctl_mm_map_set(mm, &map, auxv);
}

/*
 * Map the @nr new pages @pages[], filled, at @addr[] (ascending, within the
 * anonymous @vma of current), as write faults there would
 * (do_anonymous_page()), but without zeroing pages that were overwritten
 * anyway. The page table of each run of pages is found and locked once.
 * Called with the mmap lock held; *@mapped counts the pages mapped.
 */
static int restore_map_anon_pages(struct vm_area_struct *vma, const u64 *addr,
				  struct page **pages, unsigned int nr, unsigned int *mapped)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned int i, first;
	unsigned long end;
	struct folio *folio;
	spinlock_t *ptl;	/* of the page table */
	pte_t *pte, *ptep, entry;
	int ret = 0;

	if (anon_vma_prepare(vma))
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		folio = page_folio(pages[i]);
		if (mem_cgroup_charge(folio, mm, GFP_KERNEL))
			return -ENOMEM;
		__folio_mark_uptodate(folio);
	}
	i = 0;
	while (!ret && i < nr) {
		/* the pages of the page table that maps addr[i] */
		end = pmd_addr_end(addr[i], vma->vm_end);
		pte = get_locked_pte(mm, addr[i], &ptl);
		if (!pte)
			return -ENOMEM;
		if (check_stable_address_space(mm)) {
			pte_unmap_unlock(pte, ptl);
			return -EFAULT;
		}
		ptep = pte - pte_index(addr[i]);
		for (first = i; i < nr && addr[i] < end; i++) {
			if (!pte_none(ptep_get(ptep + pte_index(addr[i])))) {
				ret = -EFAULT;
				break;
			}
			folio = page_folio(pages[i]);
			entry = mk_pte(pages[i], vma->vm_page_prot);
			entry = pte_sw_mkyoung(entry);
			if (vma->vm_flags & VM_WRITE)
				entry = pte_mkwrite(pte_mkdirty(entry), vma);
			folio_add_new_anon_rmap(folio, vma, addr[i], RMAP_EXCLUSIVE);
			folio_add_lru_vma(folio, vma);
			set_pte_at(mm, addr[i], ptep + pte_index(addr[i]), entry);
			update_mmu_cache(vma, addr[i], ptep + pte_index(addr[i]));
		}
		add_mm_counter(mm, MM_ANONPAGES, i - first);
		*mapped = i;
		pte_unmap_unlock(pte, ptl);
	}
	return ret;
}

/*
 * Allocate @nr pages, not zeroed, for @addr[] in @vma of current into
 * @pages[], as many as possible at once; return how many were allocated.
 */
static unsigned int restore_alloc_anon_pages(struct vm_area_struct *vma, const u64 *addr,
					     struct page **pages, unsigned int nr)
{
	const gfp_t gfp = GFP_HIGHUSER_MOVABLE;
	struct folio *folio;
	unsigned int i;

	memset(pages, 0, nr * sizeof(*pages));
	if (IS_ENABLED(CONFIG_NUMA))
		i = alloc_pages_bulk_array_mempolicy(gfp, nr, pages);
	else
		i = alloc_pages_bulk_array(gfp, nr, pages);
	for (; i < nr; i++) {
		folio = vma_alloc_folio(gfp, 0, vma, addr[i], false);
		if (!folio)
			break;
		pages[i] = &folio->page;
	}
	return i;
}

/* The anonymous VMA of current that holds all of @addr[@nr]; mmap lock held */
static struct vm_area_struct *restore_anon_vma(const u64 *addr, unsigned int nr)
{
	struct vm_area_struct *vma = vma_lookup(current->mm, addr[0]);

	return vma && vma_is_anonymous(vma) && addr[nr - 1] < vma->vm_end ? vma : NULL;
}

/*
 * Read @nr pages of a private anonymous mapping of current, at @addr[]
 * (within one VMA, in order): into new pages that are not zeroed first,
 * which are mapped only once they hold the image's contents, so that no
 * stale data can be seen through the mapping.
 */
static int restore_anon_pages(struct ckpt_ctx *ctx, const u64 *addr, unsigned int nr,
			      struct ckpt_batch *b)
{
	struct mm_struct *mm = current->mm;
	unsigned int got = 0, mapped = 0;
	struct vm_area_struct *vma;
	int ret = -EFAULT;

	mmap_read_lock(mm);
	vma = restore_anon_vma(addr, nr);
	if (vma) {
		got = restore_alloc_anon_pages(vma, addr, b->pages, nr);
		ret = got < nr ? -ENOMEM : 0;
	}
	mmap_read_unlock(mm);
	if (ret) {
		ckpt_err(ctx, ret, "vma %#llx: cannot allocate its pages", addr[0]);
		goto out;
	}
	ret = ckpt_io_pages(ctx, b->pages, b->bv, nr, false);
	if (ret)
		goto out;
	mmap_read_lock(mm);
	vma = restore_anon_vma(addr, nr);
	ret = vma ? restore_map_anon_pages(vma, addr, b->pages, nr, &mapped) : -EFAULT;
	mmap_read_unlock(mm);
	if (ret)
		ckpt_err(ctx, ret, "page %#llx: cannot map it", addr[mapped]);
out:
	/* the pages that are not mapped */
	while (got > mapped)
		put_page(b->pages[--got]);
	return ret;
}

/* Read one PAGES + PAGE_DATA pair into the pages of [start, end) */
static int restore_pages(struct ckpt_ctx *ctx, struct ckpt_hdr_vma *hv, u64 *next,
			 u64 *left, struct ckpt_batch *b)
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
		ret = ckpt_err(ctx, -EINVAL, "offset %llu: %u pages in a %u byte PAGES record",
			       ctx->rec_pos, nr, hp->h.len);
		goto out;
	}
	for (i = 0; i < nr; i++) {
		if (hp->addr[i] < *next || hp->addr[i] >= hv->end ||
		    offset_in_page(hp->addr[i])) {
			ret = ckpt_err(ctx, -EINVAL,
				       "offset %llu: page %#llx outside VMA %#llx-%#llx or out of order",
				       ctx->rec_pos, hp->addr[i], hv->start, hv->end);
			goto out;
		}
		*next = hp->addr[i] + PAGE_SIZE;
	}
	ret = ckpt_read_hdr_only(ctx, &h, CKPT_HDR_PAGE_DATA);
	if (!ret && h.len != sizeof(h) + (u64)nr * PAGE_SIZE)
		ret = ckpt_err(ctx, -EINVAL, "offset %llu: PAGE_DATA of %u bytes for %u pages",
			       ctx->rec_pos, h.len, nr);
	if (!ret && (ctx->uflags & RESTART_VALIDATE)) {
		for (i = 0; i < nr && !ret; i++)
			ret = ckpt_read_page_data(ctx, ctx->scratch, PAGE_SIZE);
		*left -= nr;
		goto out;
	}
	if (ret)
		goto out;
	if (hv->kind == CKPT_VMA_ANON && (hv->flags & CKPT_VMA_WRITE)) {
		ret = restore_anon_pages(ctx, hp->addr, nr, b);
	} else {
		ret = ckpt_get_pages(ctx, current->mm, hp->addr, nr, b->pages, true);
		if (!ret) {
			ret = ckpt_io_pages(ctx, b->pages, b->bv, nr, false);
			ckpt_put_pages(b->pages, nr, true);
		}
	}
	*left -= nr;
out:
	kvfree(hp);
	return ret;
}

static unsigned long restore_prot(u32 flags)
{
	return (flags & CKPT_VMA_READ ? PROT_READ : 0) |
	       (flags & CKPT_VMA_WRITE ? PROT_WRITE : 0) |
	       (flags & CKPT_VMA_EXEC ? PROT_EXEC : 0);
}

/* Attach the SysV shm segment of the tree's IPC namespace, restored before */
static int restore_shmat(struct ckpt_ctx *ctx, struct ckpt_hdr_vma *hv)
{
	int flags = (hv->flags & CKPT_VMA_SHM_RDONLY ? SHM_RDONLY : 0) |
		    (hv->flags & CKPT_VMA_EXEC ? SHM_EXEC : 0);
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long addr;
	long ret;

	if (!(ctx->tree_flags & CKPT_TREE_IPCNS))
		return ckpt_err(ctx, -EINVAL,
				"vma %#llx: SysV shm segment id %d without IPC objects",
				hv->start, hv->shmid);
	ret = do_shmat(hv->shmid, (char __user *)hv->start, flags, &addr, SHMLBA);
	if (ret)
		return ckpt_err(ctx, ret, "vma %#llx: cannot attach SysV shm segment id %d",
				hv->start, hv->shmid);
	mmap_read_lock(mm);
	vma = vma_lookup(mm, hv->start);
	if (addr != hv->start || !vma || vma->vm_start != hv->start || vma->vm_end != hv->end)
		ret = -EINVAL;
	mmap_read_unlock(mm);
	if (ret)
		return ckpt_err(ctx, ret,
				"vma %#llx-%#llx: SysV shm segment id %d is not that size",
				hv->start, hv->end, hv->shmid);
	return 0;
}

/*
 * Open @path with @oflags for a file mapping, or reuse the file the last
 * one was opened from (the segments of a program or a library follow each
 * other), as the program's loader mapped them all from one open file.
 */
static struct file *restore_map_open(struct ckpt_batch *b, const char *path, int oflags)
{
	struct file *file;
	char *copy;

	if (b->file && b->oflags == oflags && !strcmp(b->path, path))
		return get_file(b->file);
	file = filp_open(path, oflags, 0);
	if (IS_ERR(file))
		return file;
	copy = kstrdup(path, GFP_KERNEL_ACCOUNT);
	if (copy) {
		if (b->file)
			fput(b->file);
		kfree(b->path);
		b->file = get_file(file);
		b->path = copy;
		b->oflags = oflags;
	}
	return file;
}

/*
 * Advice madvise(2) takes for a mapping of @hv's kind, in this kernel:
 * none for the kernel's own or SysV shm mappings, MADV_WIPEONFORK for
 * private anonymous memory only, MADV_[NO]HUGEPAGE with transparent huge
 * pages, MADV_MERGEABLE with KSM on private memory
 */
static bool restore_advice_ok(const struct ckpt_hdr_vma *hv)
{
	u32 a = hv->advice;

	if (a & ~CKPT_VMA_ADV_ALL)
		return false;
	if (!a)
		return true;
	if (hv->kind < CKPT_VMA_ANON || hv->kind > CKPT_VMA_SHM_FILE)
		return false;
	if ((a & CKPT_VMA_ADV_WIPEONFORK) && hv->kind != CKPT_VMA_ANON)
		return false;
	if ((a & (CKPT_VMA_ADV_HUGEPAGE | CKPT_VMA_ADV_NOHUGEPAGE)) &&
	    !IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		return false;
	if ((a & CKPT_VMA_ADV_MERGEABLE) &&
	    (!IS_ENABLED(CONFIG_KSM) || hv->kind == CKPT_VMA_SHM_ANON ||
	     hv->kind == CKPT_VMA_SHM_FILE))
		return false;
	return true;
}

/* The advice of @hv, as madvise(2) gives it */
static int restore_advice(struct ckpt_ctx *ctx, struct ckpt_hdr_vma *hv)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(ckpt_advice); i++) {
		if (!(hv->advice & ckpt_advice[i].advice))
			continue;
		ret = do_madvise(current->mm, hv->start, hv->end - hv->start,
				 ckpt_advice[i].behavior);
		if (ret)
			return ckpt_err(ctx, ret,
					"vma %#llx: VMA advice %#x: madvise(2) refuses it",
					hv->start, hv->advice);
	}
	return 0;
}

static int restore_map(struct ckpt_ctx *ctx, struct ckpt_hdr_vma *hv, struct ckpt_batch *b)
{
	unsigned long len = hv->end - hv->start, prot = restore_prot(hv->flags);
	unsigned long flags = MAP_FIXED_NOREPLACE, addr;
	const struct vdso_image *image = &vdso_image_64;
	struct file *file = NULL;
	int ret;

	if (hv->flags & CKPT_VMA_GROWSDOWN)
		flags |= MAP_GROWSDOWN;
	switch (hv->kind) {
	case CKPT_VMA_VVAR:
		if (len != -image->sym_vvar_start)
			return ckpt_err(ctx, -EINVAL,
					"vma %#llx: vvar of %lu bytes, this kernel's is %ld",
					hv->start, len, -image->sym_vvar_start);
		ret = map_vdso_once(image, hv->start);
		return ret ? ckpt_err(ctx, ret, "vma %#llx: cannot map the vdso", hv->start) : 0;
	case CKPT_VMA_VDSO:
		if (hv->start != (unsigned long)current->mm->context.vdso || len != image->size)
			return ckpt_err(ctx, -EINVAL, "vma %#llx: vdso not where the vvar puts it",
					hv->start);
		return 0;
	case CKPT_VMA_SYSVSHM:
		return restore_shmat(ctx, hv);
	case CKPT_VMA_ANON:
		flags |= MAP_PRIVATE | MAP_ANONYMOUS;
		break;
	case CKPT_VMA_SHM_ANON:
		flags |= MAP_SHARED | MAP_ANONYMOUS;
		break;
	case CKPT_VMA_FILE:
	case CKPT_VMA_SHM_FILE:
		flags |= hv->kind == CKPT_VMA_FILE ? MAP_PRIVATE : MAP_SHARED;
		file = restore_map_open(b, hv->path,
					(hv->kind == CKPT_VMA_SHM_FILE &&
					 (hv->flags & CKPT_VMA_WRITE) ? O_RDWR : O_RDONLY) |
					O_LARGEFILE);
		if (IS_ERR(file))
			return ckpt_err(ctx, PTR_ERR(file), "vma %#llx: cannot open %s", hv->start,
					hv->path);
		break;
	}
	addr = vm_mmap(file, hv->start, len, prot, flags, hv->pgoff << PAGE_SHIFT);
	if (file)
		fput(file);
	if (IS_ERR_VALUE(addr))
		return ckpt_err(ctx, (long)addr, "vma %#llx-%#llx: cannot map it", hv->start,
				hv->end);
	return restore_advice(ctx, hv);
}

static int restore_vma(struct ckpt_ctx *ctx, u64 *prev_end, struct ckpt_batch *b)
{
	struct ckpt_hdr_vma *hv;
	u64 next, left;
	bool file;
	int ret = 0;

	hv = ckpt_read_obj(ctx, CKPT_HDR_VMA);
	if (IS_ERR(hv))
		return PTR_ERR(hv);
	file = hv->kind == CKPT_VMA_FILE || hv->kind == CKPT_VMA_SHM_FILE;
	if (hv->start < *prev_end || hv->start >= hv->end || hv->end > TASK_SIZE ||
	    offset_in_page(hv->start) || offset_in_page(hv->end)) {
		ret = ckpt_err(ctx, -EINVAL, "offset %llu: vma %#llx-%#llx is not a valid range",
			       ctx->rec_pos, hv->start, hv->end);
	} else if (hv->kind < CKPT_VMA_ANON || hv->kind > CKPT_VMA_SYSVSHM ||
		   hv->flags & ~CKPT_VMA_FLAGS_ALL || !restore_advice_ok(hv) || hv->_reserved ||
		   (hv->kind == CKPT_VMA_SYSVSHM ? hv->shmid < 0 || hv->pgoff ||
		    (hv->flags & CKPT_VMA_GROWSDOWN) || !(hv->flags & CKPT_VMA_READ) ||
		    !(hv->flags & CKPT_VMA_WRITE) != !!(hv->flags & CKPT_VMA_SHM_RDONLY) :
		    hv->shmid || (hv->flags & CKPT_VMA_SHM_RDONLY)) ||
		   hv->pgoff > (ULONG_MAX >> PAGE_SHIFT) ||
		   hv->nr_pages > (hv->end - hv->start) >> PAGE_SHIFT ||
		   (hv->nr_pages && hv->kind > CKPT_VMA_FILE) || file != !!hv->path_len) {
		ret = ckpt_err(ctx, -EINVAL,
			       "offset %llu: vma %#llx: bad kind %u, flags %#x or page count",
			       ctx->rec_pos, hv->start, hv->kind, hv->flags);
	} else if (file) {
		ret = ckpt_check_string(ctx, "vma path", hv->path, hv->path_len,
					hv->h.len - sizeof(*hv));
	} else if (hv->h.len != sizeof(*hv)) {
		ret = ckpt_err(ctx, -EINVAL, "offset %llu: vma without a file in %u bytes",
			       ctx->rec_pos, hv->h.len);
	}
	if (!ret && !(ctx->uflags & RESTART_VALIDATE))
		ret = restore_map(ctx, hv, b);
	next = hv->start;
	left = hv->nr_pages;
	while (!ret && left)
		ret = restore_pages(ctx, hv, &next, &left, b);
	*prev_end = hv->end;
	kvfree(hv);
	return ret;
}

/*
 * Restart changes current's mm, fd table, fs_struct and handlers: they must
 * be its own, or shared only with its threads, all in this restart.
 */
static int restore_check_alone(struct ckpt_ctx *ctx)
{
	const char *what = NULL;
	int nr, ret;

	ret = restore_wait_threads(ctx);
	if (ret)
		return ret;
	nr = get_nr_threads(current);
	if (atomic_read(&current->mm->mm_users) > nr)
		what = "memory";
	else if (atomic_read(&current->files->count) > nr)
		what = "fd table";
	else if (current->fs->users > nr)
		what = "fs_struct";
	/* current's own sighand can't change under it */
	else if (refcount_read(&rcu_dereference_protected(current->sighand, true)->count) > nr)
		what = "signal handlers";
	if (what)
		return ckpt_err(ctx, -EBUSY, "the restarting process shares its %s", what);
	return 0;
}

/*
 * Make current, single-threaded, use @mm in place of its own address
 * space, as if it had been created with CLONE_VM: the switch of
 * kthread_use_mm() with the bookkeeping of exec_mmap(). @mm comes with an
 * mm_users reference, which current->mm now holds.
 */
static int restore_adopt_mm(struct mm_struct *mm)
{
	struct task_struct *tsk = current;
	struct mm_struct *old_mm = tsk->mm, *active_mm;
	int ret;

	/* no ptrace or /proc access sees the switch half done */
	ret = down_write_killable(&tsk->signal->exec_update_lock);
	if (ret) {
		mmput(mm);
		return ret;
	}
	sched_mm_cid_before_execve(tsk);
	task_lock(tsk);
	local_irq_disable();
	active_mm = tsk->active_mm;
	tsk->active_mm = mm;
	tsk->mm = mm;
	membarrier_update_current_mm(mm);
	switch_mm_irqs_off(active_mm, mm, tsk);
	local_irq_enable();
	task_unlock(tsk);
	sched_mm_cid_after_execve(tsk);
	up_write(&tsk->signal->exec_update_lock);
	setmax_mm_hiwater_rss(&tsk->signal->maxrss, old_mm);
	mm_update_next_owner(old_mm);
	mmput(old_mm);
	return 0;
}

/*
 * An MM record that names the address space of an earlier process of the
 * tree: current shares it, and has nothing else in the record.
 */
static int restore_mm_shared(struct ckpt_ctx *ctx, struct ckpt_hdr_mm *hm)
{
	struct mm_struct *mm;
	int ret;

	if (hm->h.len != sizeof(*hm) ||
	    memchr_inv(&hm->start_code, 0, offsetof(struct ckpt_hdr_mm, objref) -
		       offsetof(struct ckpt_hdr_mm, start_code)))
		return ckpt_err(ctx, -EINVAL,
				"pid %d: mm: shares address space %u and has fields of its own",
				ctx->pid, hm->objref);
	mm = ckpt_obj_shared(ctx, hm->objref, CKPT_OBJ_MM, "an address space");
	if (IS_ERR_OR_NULL(mm))
		return PTR_ERR_OR_ZERO(mm);
	ret = restore_check_alone(ctx);
	if (ret)
		return ret;
	if (get_nr_threads(current) != 1)
		return ckpt_err(ctx, -EINVAL,
				"pid %d: shares address space %u and has threads: not supported",
				ctx->pid, hm->objref);
	if (!mmget_not_zero(mm))
		return ckpt_err(ctx, -ESRCH, "pid %d: address space %u is gone", ctx->pid,
				hm->objref);
	/* the point of no return: the old address space goes */
	ctx->cur->committed = true;
	ret = restore_adopt_mm(mm);
	if (ret)
		return ckpt_err(ctx, ret, "pid %d: cannot take address space %u", ctx->pid,
				hm->objref);
	return restore_task_limits(ctx);
}

/**
 * restore_mm - replace the address space of current with the image's
 * @ctx: restart context
 *
 * With RESTART_VALIDATE the records are only read and checked.
 *
 * Return: 0 or a negative errno. Once the old mappings are gone,
 * ctx->cur->committed is set and a failure must kill current.
 */
int restore_mm(struct ckpt_ctx *ctx)
{
	struct mm_struct *mm = current->mm;
	struct ckpt_batch b = { };
	struct ckpt_hdr_mm *hm;
	struct file *exe;
	u64 prev_end = 0;
	u32 i;
	int ret;

	hm = ckpt_read_obj(ctx, CKPT_HDR_MM);
	if (IS_ERR(hm))
		return PTR_ERR(hm);
	if (hm->objref && hm->objref <= ckpt_obj_last(ctx)) {
		ret = restore_mm_shared(ctx, hm);
		goto out;
	}
	ret = restore_check_mm(ctx, hm);
	if (!ret)
		ret = ckpt_obj_restored(ctx, hm->objref, mm, CKPT_OBJ_MM);
	if (!ret && (ctx->uflags & RESTART_VALIDATE)) {
		ret = ckpt_batch_alloc(&b);
		for (i = 0; i < hm->nr_vmas && !ret; i++)
			ret = restore_vma(ctx, &prev_end, &b);
		goto out;
	}
	if (!ret)
		ret = restore_check_alone(ctx);
	if (!ret)
		ret = ckpt_batch_alloc(&b);
	if (ret)
		goto out;
	exe = restore_open_exe(ctx, hm->exe);
	if (IS_ERR(exe)) {
		ret = PTR_ERR(exe);
		goto out;
	}

	/* the point of no return */
	ctx->cur->committed = true;
	ret = vm_munmap(0, TASK_SIZE);
	if (!ret)
		ret = replace_mm_exe_file(mm, exe);
	fput(exe);
	if (ret) {
		ckpt_err(ctx, ret, "mm: cannot clear the address space");
		goto out;
	}
	ret = restore_task_limits(ctx);
	if (ret)
		goto out;
	for (i = 0; i < hm->nr_vmas && !ret; i++)
		ret = restore_vma(ctx, &prev_end, &b);
	if (!ret) {
		restore_mm_fields(mm, hm);
		/* as prctl(PR_SET_THP_DISABLE); the dumpable flag after commit_creds() */
		mmap_write_lock(mm);
		if (hm->flags & CKPT_MM_THP_DISABLE)
			set_bit(MMF_DISABLE_THP, &mm->flags);
		else
			clear_bit(MMF_DISABLE_THP, &mm->flags);
		mmap_write_unlock(mm);
		ctx->cur->dumpable = hm->dumpable;
	}
out:
	ckpt_batch_free(&b);
	kvfree(hm);
	return ret;
}
