// SPDX-License-Identifier: GPL-2.0
/*
 * eventfd: its counter and whether it counts as a semaphore. The state is
 * private to fs/eventfd.c, which lets checkpoint read it and restart make
 * a new eventfd with it.
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/eventfd.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>

static bool ckpt_is_eventfd(struct file *file)
{
	int flags;
	u64 count;

	return !eventfd_checkpoint_state(file, &count, &flags);
}

static int checkpoint_eventfd(struct ckpt_ctx *ctx, struct file *file, unsigned int fd)
{
	struct ckpt_hdr_eventfd he = {
		.h.type = CKPT_HDR_EVENTFD,
		.h.len = sizeof(he),
	};
	int flags, ret;

	ret = eventfd_checkpoint_state(file, &he.count, &flags);
	if (ret)
		return ckpt_err(ctx, ret, "pid %d fd %u: not an eventfd", ctx->pid, fd);
	he.flags = flags;
	return ckpt_write_obj(ctx, &he.h);
}

static struct file *restore_eventfd(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf)
{
	struct ckpt_hdr_eventfd *he;
	struct file *file = NULL;

	he = ckpt_read_obj(ctx, CKPT_HDR_EVENTFD);
	if (IS_ERR(he))
		return ERR_CAST(he);
	if (he->count == U64_MAX || he->flags & ~EFD_SEMAPHORE || he->_reserved)
		file = ERR_PTR(ckpt_err(ctx, -EINVAL, "fd %d: eventfd count %llu, flags %#x",
					hf->fd, he->count, he->flags));
	else if (!(ctx->uflags & RESTART_VALIDATE))
		file = restore_new_file(ctx, hf, eventfd_restore_file(he->count, he->flags |
					   (hf->f_flags & O_NONBLOCK)), "eventfd");
	kvfree(he);
	return file;
}

const struct ckpt_file_ops ckpt_eventfd_ops = {
	.kind = CKPT_FD_EVENTFD,
	.match = ckpt_is_eventfd,
	.checkpoint = checkpoint_eventfd,
	.restore = restore_eventfd,
};
