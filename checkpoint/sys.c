// SPDX-License-Identifier: GPL-2.0
/*
 * The checkpoint(2) and restart(2) system calls.
 *
 * Both take the image file, flags and an optional log file; each call gets
 * its own context (struct ckpt_ctx). See Documentation/checkpoint/abi.rst.
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/syscalls.h>

static struct ckpt_ctx *ckpt_ctx_from_args(unsigned int kflags, unsigned long flags,
					   int logfd)
{
	struct ckpt_ctx *ctx;
	int ret = 0;

	ctx = ckpt_ctx_alloc(kflags, flags);
	if (IS_ERR(ctx) || logfd == -1)
		return ctx;

	CLASS(fd, log)(logfd);
	if (fd_empty(log))
		ret = -EBADF;
	else
		ret = ckpt_ctx_set_logfile(ctx, fd_file(log));
	if (ret) {
		ckpt_ctx_put(ctx);
		return ERR_PTR(ret);
	}
	return ctx;
}

/* Run @op on the image open as @fd, holding its position like write(2) does */
static int ckpt_with_file(struct ckpt_ctx *ctx, int fd, pid_t pid,
			  int (*op)(struct ckpt_ctx *ctx, pid_t pid))
{
	struct fd f = fdget_pos(fd);
	int ret;

	if (fd_empty(f))
		return ckpt_err(ctx, -EBADF, "fd %d is not open", fd);
	ret = ckpt_ctx_set_file(ctx, fd_file(f), fd);
	if (!ret)
		ret = op(ctx, pid);
	ckpt_ctx_sync_fpos(ctx);
	fdput_pos(f);
	return ret;
}

SYSCALL_DEFINE4(checkpoint, pid_t, pid, int, fd, unsigned long, flags, int, logfd)
{
	struct ckpt_ctx *ctx;
	long ret;

	ctx = ckpt_ctx_from_args(CKPT_CTX_CHECKPOINT, flags, logfd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (flags & ~CHECKPOINT_FLAGS_ALL)
		ret = ckpt_err(ctx, -EINVAL, "unknown flags %#lx",
			       flags & ~CHECKPOINT_FLAGS_ALL);
	else
		ret = ckpt_with_file(ctx, fd, pid, do_checkpoint);
	if (!ret)
		ret = ctx->crid;
	ckpt_ctx_put(ctx);
	return ret;
}

static int restart_validate(struct ckpt_ctx *ctx, pid_t pid)
{
	return do_restart(ctx);
}

/*
 * The processes of an image share its file, and read it in turns: the
 * file position lock of fdget_pos() can't be held across a restart.
 * A restored program sees restart(2) return what its ax held.
 */
static long restart_fd(struct ckpt_ctx *ctx, int fd)
{
	CLASS(fd, f)(fd);

	if (fd_empty(f))
		return ckpt_err(ctx, -EBADF, "fd %d is not open", fd);
	return do_restart_join(ctx, fd_file(f), fd);
}

SYSCALL_DEFINE4(restart, pid_t, pid, int, fd, unsigned long, flags, int, logfd)
{
	struct ckpt_ctx *ctx;
	long ret;

	ctx = ckpt_ctx_from_args(CKPT_CTX_RESTART, flags, logfd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	if (flags & ~RESTART_FLAGS_ALL)
		ret = ckpt_err(ctx, -EINVAL, "unknown flags %#lx", flags & ~RESTART_FLAGS_ALL);
	else if (pid)
		ret = ckpt_err(ctx, -EINVAL, "pid %d: must be 0", pid);
	else if (flags & RESTART_VALIDATE)
		ret = ckpt_with_file(ctx, fd, pid, restart_validate);
	else
		ret = restart_fd(ctx, fd);
	ckpt_ctx_put(ctx);
	return ret;
}
