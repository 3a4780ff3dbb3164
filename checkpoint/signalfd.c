// SPDX-License-Identifier: GPL-2.0
/*
 * signalfd: the signals it reads. The mask is private to fs/signalfd.c,
 * which lets checkpoint read it and restart make a new signalfd with it.
 * The signals themselves are pending signals of the task (signal.c).
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/signal.h>
#include <linux/signalfd.h>
#include <linux/slab.h>

static bool ckpt_is_signalfd(struct file *file)
{
	sigset_t mask;

	return !signalfd_checkpoint_mask(file, &mask);
}

static int checkpoint_signalfd(struct ckpt_ctx *ctx, struct file *file, unsigned int fd)
{
	struct ckpt_hdr_signalfd hs = {
		.h.type = CKPT_HDR_SIGNALFD,
		.h.len = sizeof(hs),
	};
	sigset_t mask;
	int ret;

	BUILD_BUG_ON(_NSIG_WORDS != 1);
	ret = signalfd_checkpoint_mask(file, &mask);
	if (ret)
		return ckpt_err(ctx, ret, "pid %d fd %u: not a signalfd", ctx->pid, fd);
	hs.mask = mask.sig[0];
	return ckpt_write_obj(ctx, &hs.h);
}

static struct file *restore_signalfd(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf)
{
	struct ckpt_hdr_signalfd *hs;
	struct file *file = NULL;
	sigset_t mask;

	hs = ckpt_read_obj(ctx, CKPT_HDR_SIGNALFD);
	if (IS_ERR(hs))
		return ERR_CAST(hs);
	mask.sig[0] = hs->mask;
	if (!(ctx->uflags & RESTART_VALIDATE))
		file = restore_new_file(ctx, hf,
					signalfd_restore_file(mask, hf->f_flags & O_NONBLOCK),
					"signalfd");
	kvfree(hs);
	return file;
}

const struct ckpt_file_ops ckpt_signalfd_ops = {
	.kind = CKPT_FD_SIGNALFD,
	.match = ckpt_is_signalfd,
	.checkpoint = checkpoint_signalfd,
	.restore = restore_signalfd,
};
