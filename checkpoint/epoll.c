// SPDX-License-Identifier: GPL-2.0
/*
 * epoll: the interest list of an epoll file, item by item: the descriptor
 * watched, the events and the data.
 *
 * An item names the descriptor it was added with in the fd table of the
 * task that added it. Checkpoint saves the items with the epoll file, in
 * the first task that holds it, and checks that each descriptor still
 * holds the file the item watches there; a stale item is refused by name.
 * Restart makes an empty epoll file where its FD record is, and adds the
 * items with epoll_ctl(EPOLL_CTL_ADD) once the whole fd table is restored,
 * since an epoll file may come before the files it watches; nested epoll
 * files work the same way. Events that were ready are found ready again
 * by the first epoll_wait(), as the files are polled when added.
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/eventpoll.h>	/* needs fs.h and uaccess.h first */

/* restart: an epoll file whose items wait for the fd table */
struct ckpt_epoll_pending {
	struct list_head node;		/* in ckpt_ctx.epolls */
	int epfd;
	struct ckpt_hdr_epoll *he;
};

struct ckpt_epoll_walk {
	struct ckpt_hdr_epoll *he;
	struct file **files;		/* the file of each item, not held */
	u32 max;
};

static int ckpt_epoll_stop(void *arg, int fd, struct file *tfile, __poll_t events, __u64 data)
{
	return 1;
}

static bool ckpt_is_epoll(struct file *file)
{
	return eventpoll_checkpoint_items(file, ckpt_epoll_stop, NULL) != -EINVAL;
}

static int ckpt_epoll_item(void *arg, int fd, struct file *tfile, __poll_t events, __u64 data)
{
	struct ckpt_epoll_walk *w = arg;
	struct ckpt_epoll_item *it;

	if (w->he->nr_items == w->max)
		return -E2BIG;
	it = &w->he->items[w->he->nr_items];
	it->fd = fd;
	it->events = (__force u32)events;
	it->data = data;
	w->files[w->he->nr_items++] = tfile;
	return 0;
}

static int checkpoint_epoll(struct ckpt_ctx *ctx, struct file *file, unsigned int fd)
{
	struct task_struct *t = ctx->cur->task;
	struct ckpt_epoll_walk w = { .max = 64 };
	struct file *tfile;
	int ret;
	u32 i;

	/* the list may grow while we allocate: try again with more room */
	for (;;) {
		w.he = ckpt_hdr_alloc(CKPT_HDR_EPOLL, struct_size(w.he, items, w.max));
		w.files = kvmalloc_array(w.max, sizeof(*w.files), GFP_KERNEL_ACCOUNT);
		ret = -ENOMEM;
		if (!w.he || !w.files)
			goto out;
		ret = eventpoll_checkpoint_items(file, ckpt_epoll_item, &w);
		if (ret != -E2BIG || w.max == CKPT_EPOLL_MAX_ITEMS)
			break;
		kfree(w.he);
		kvfree(w.files);
		w.max *= 4;
	}
	if (ret) {
		ret = ckpt_err(ctx, ret == -E2BIG ? -EOPNOTSUPP : ret,
			       "pid %d fd %u: epoll with more than %u items not supported",
			       ctx->pid, fd, CKPT_EPOLL_MAX_ITEMS);
		goto out;
	}
	for (i = 0; i < w.he->nr_items; i++) {
		tfile = fget_task(t, w.he->items[i].fd);
		if (tfile)
			fput(tfile);
		if (tfile != w.files[i]) {
			ret = ckpt_err(ctx, -EOPNOTSUPP,
				       "pid %d fd %u: epoll watches fd %d, which holds another file now: not supported",
				       ctx->pid, fd, w.he->items[i].fd);
			goto out;
		}
	}
	/* the record's length: only the items there are */
	w.he->h.len = ckpt_record_len(struct_size(w.he, items, w.he->nr_items));
	ret = ckpt_write_obj(ctx, &w.he->h);
out:
	kfree(w.he);
	kvfree(w.files);
	return ret;
}

static struct file *restore_epoll(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf)
{
	struct ckpt_epoll_pending *pe;
	struct ckpt_hdr_epoll *he;
	struct file *file;
	u32 i;

	he = ckpt_read_obj(ctx, CKPT_HDR_EPOLL);
	if (IS_ERR(he))
		return ERR_CAST(he);
	if (he->_reserved || he->nr_items > CKPT_EPOLL_MAX_ITEMS ||
	    he->h.len != ckpt_record_len(struct_size(he, items, he->nr_items))) {
		file = ERR_PTR(ckpt_err(ctx, -EINVAL, "fd %d: epoll of %u items in %u bytes",
					hf->fd, he->nr_items, he->h.len));
		goto fail;
	}
	for (i = 0; i < he->nr_items; i++) {
		if (he->items[i].fd < 0 || he->items[i].fd >= (1 << 20)) {
			file = ERR_PTR(ckpt_err(ctx, -EINVAL, "fd %d: epoll item on fd %d", hf->fd,
						he->items[i].fd));
			goto fail;
		}
	}
	if (ctx->uflags & RESTART_VALIDATE) {
		kvfree(he);
		return NULL;
	}
	pe = kzalloc(sizeof(*pe), GFP_KERNEL_ACCOUNT);
	if (!pe) {
		file = ERR_PTR(-ENOMEM);
		goto fail;
	}
	file = restore_new_file(ctx, hf, eventpoll_restore_file(), "epoll file");
	if (IS_ERR(file)) {
		kfree(pe);
		goto fail;
	}
	pe->epfd = hf->fd;
	pe->he = he;
	list_add_tail(&pe->node, &ctx->epolls);
	return file;
fail:
	kvfree(he);
	return file;
}

/**
 * restore_epoll_items - add the saved items to the restored epoll files
 * @ctx: restart context, after the last FD record of a task
 * @apply: add them; false: only drop them (the restart failed)
 *
 * Return: 0 or the error of the first item that could not be added, logged.
 */
int restore_epoll_items(struct ckpt_ctx *ctx, bool apply)
{
	struct ckpt_epoll_pending *pe, *next;
	struct ckpt_epoll_item *it;
	struct epoll_event ev;
	int ret = 0;
	u32 i;

	list_for_each_entry_safe(pe, next, &ctx->epolls, node) {
		for (i = 0; apply && !ret && i < pe->he->nr_items; i++) {
			it = &pe->he->items[i];
			ev.events = (__force __poll_t)it->events;
			ev.data = it->data;
			ret = do_epoll_ctl(pe->epfd, EPOLL_CTL_ADD, it->fd, &ev, false);
			if (ret)
				ckpt_err(ctx, ret, "fd %d: cannot watch fd %d (events %#x) again",
					 pe->epfd, it->fd, it->events);
			cond_resched();
		}
		list_del(&pe->node);
		kvfree(pe->he);
		kfree(pe);
	}
	return ret;
}

const struct ckpt_file_ops ckpt_epoll_ops = {
	.kind = CKPT_FD_EPOLL,
	.match = ckpt_is_epoll,
	.checkpoint = checkpoint_epoll,
	.restore = restore_epoll,
};
