// SPDX-License-Identifier: GPL-2.0
/*
 * The checkpoint/restart context: one per operation, refcounted, holding
 * the image and log files, the running checksum and the first error.
 */

#include <linux/atomic.h>
#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/sprintf.h>

static atomic64_t ckpt_last_crid = ATOMIC64_INIT(0);

/**
 * ckpt_ctx_alloc - allocate the context of a checkpoint or restart
 * @kflags: CKPT_CTX_CHECKPOINT or CKPT_CTX_RESTART
 * @uflags: the flags given to the system call
 *
 * The context starts with one reference, no image and no log file.
 *
 * Return: the new context or an ERR_PTR().
 */
struct ckpt_ctx *ckpt_ctx_alloc(unsigned int kflags, unsigned long uflags)
{
	struct ckpt_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	ctx->scratch = kmalloc(PAGE_SIZE, GFP_KERNEL_ACCOUNT);
	ctx->logbuf = kmalloc(PAGE_SIZE, GFP_KERNEL_ACCOUNT);
	if (!ctx->scratch || !ctx->logbuf || ckpt_obj_hash_alloc(ctx)) {
		kfree(ctx->logbuf);
		kfree(ctx->scratch);
		kfree(ctx);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&ctx->ref);
	mutex_init(&ctx->log_lock);
	INIT_LIST_HEAD(&ctx->node);
	INIT_LIST_HEAD(&ctx->epolls);
	init_waitqueue_head(&ctx->waitq);
	xa_init(&ctx->pid_index);
	ctx->turn = -1;
	ctx->kflags = kflags;
	ctx->uflags = uflags;
	ctx->crc = ~0U;
	ctx->crid = atomic64_inc_return(&ckpt_last_crid);
	return ctx;
}

static bool ckpt_file_writable(struct file *file)
{
	return (file->f_mode & FMODE_WRITE) && (file->f_mode & FMODE_CAN_WRITE);
}

static bool ckpt_file_readable(struct file *file)
{
	return (file->f_mode & FMODE_READ) && (file->f_mode & FMODE_CAN_READ);
}

/**
 * ckpt_ctx_set_logfile - send the messages of @ctx to @file
 * @ctx: the context
 * @file: a file open for writing; the context takes its own reference
 *
 * Return: 0, or -EBADF if @file can't be written.
 */
int ckpt_ctx_set_logfile(struct ckpt_ctx *ctx, struct file *file)
{
	if (!ckpt_file_writable(file))
		return -EBADF;
	ctx->logfile = get_file(file);
	return 0;
}

/**
 * ckpt_ctx_set_file - set the image file of @ctx
 * @ctx: the context
 * @file: the image: open for writing for a checkpoint, for reading for a
 *	restart; the context takes its own reference
 * @fd: the descriptor @file came from, for messages
 *
 * Return: 0, -EBADF if @file is not open the right way, -EINVAL if it is
 * also the log file.
 */
int ckpt_ctx_set_file(struct ckpt_ctx *ctx, struct file *file, int fd)
{
	if (ctx->kflags & CKPT_CTX_CHECKPOINT) {
		if (!ckpt_file_writable(file))
			return ckpt_err(ctx, -EBADF, "fd %d is not open for writing", fd);
	} else if (!ckpt_file_readable(file)) {
		return ckpt_err(ctx, -EBADF, "fd %d is not open for reading", fd);
	}
	if (file == ctx->logfile)
		return ckpt_err(ctx, -EINVAL, "fd %d is also the log file", fd);
	ctx->file = get_file(file);
	ctx->fd = fd;
	ctx->fpos = file->f_pos;
	return 0;
}

/**
 * ckpt_ctx_sync_fpos - store the image position back into the file
 * @ctx: the context
 *
 * Like write(2) and read(2), checkpoint and restart move the file offset of
 * a seekable image file by the bytes they wrote or read. The caller holds
 * the file's position lock (fdget_pos()).
 */
void ckpt_ctx_sync_fpos(struct ckpt_ctx *ctx)
{
	/* the bytes read ahead were not used */
	if (ctx->file && !(ctx->file->f_mode & FMODE_STREAM))
		ctx->file->f_pos = ctx->fpos - (ctx->rbuf_len - ctx->rbuf_pos);
}

/**
 * ckpt_ctx_get - take a reference on a context
 * @ctx: the context
 */
void ckpt_ctx_get(struct ckpt_ctx *ctx)
{
	kref_get(&ctx->ref);
}

static void ckpt_ctx_release(struct kref *ref)
{
	struct ckpt_ctx *ctx = container_of(ref, struct ckpt_ctx, ref);

	if (ctx->root_task)
		put_task_struct(ctx->root_task);
	if (ctx->file)
		fput(ctx->file);
	if (ctx->logfile)
		fput(ctx->logfile);
	ckpt_tree_free(ctx);
	ckpt_ipc_free(ctx);
	ckpt_obj_hash_free(ctx);
	kfree(ctx->rbuf);
	kfree(ctx->logbuf);
	kfree(ctx->scratch);
	kfree(ctx);
}

/**
 * ckpt_ctx_put - drop a reference on a context, freeing it with the last
 * @ctx: the context, or NULL
 */
void ckpt_ctx_put(struct ckpt_ctx *ctx)
{
	if (ctx)
		kref_put(&ctx->ref, ckpt_ctx_release);
}

static void ckpt_log_write(struct file *file, const char *buf, size_t len)
{
	loff_t pos = file->f_pos;
	loff_t *ppos = (file->f_mode & FMODE_STREAM) ? NULL : &pos;
	ssize_t ret;

	while (len) {
		ret = kernel_write(file, buf, len, ppos);
		if (ret <= 0)
			break;
		buf += ret;
		len -= ret;
	}
	if (ppos)
		file->f_pos = pos;
}

static __printf(2, 0) void ckpt_vlog(struct ckpt_ctx *ctx, const char *fmt, va_list args)
{
	const char *op = (ctx->kflags & CKPT_CTX_CHECKPOINT) ? "checkpoint" : "restart";
	size_t size = PAGE_SIZE - 1;
	char *buf = ctx->logbuf;	/* ctx->scratch may hold an argument */
	int len;

	lockdep_assert_held(&ctx->log_lock);
	if (!ctx->logfile)
		return;
	len = scnprintf(buf, size, "%s[%llu]: ", op, ctx->crid);
	len += vscnprintf(buf + len, size - len, fmt, args);
	buf[len++] = '\n';
	ckpt_log_write(ctx->logfile, buf, len);
}

static __printf(2, 3) void ckpt_log_locked(struct ckpt_ctx *ctx, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	ckpt_vlog(ctx, fmt, args);
	va_end(args);
}

/**
 * ckpt_log - write one line to the log file of an operation
 * @ctx: the context; nothing is written if it has no log file
 * @fmt: printf-style format of the line, without the trailing newline
 *
 * The line starts with the operation and its id, e.g. "checkpoint[3]: ".
 */
void ckpt_log(struct ckpt_ctx *ctx, const char *fmt, ...)
{
	va_list args;

	mutex_lock(&ctx->log_lock);
	va_start(args, fmt);
	ckpt_vlog(ctx, fmt, args);
	va_end(args);
	mutex_unlock(&ctx->log_lock);
}

/**
 * ckpt_err - record and log the error that ends an operation
 * @ctx: the context
 * @err: negative errno
 * @fmt: printf-style description of the cause, naming the task and object
 *
 * Only the first error of an operation is recorded and logged, so a
 * failure produces exactly one line however many callers pass it up.
 *
 * Return: @err, so that callers can write "return ckpt_err(...)".
 */
int ckpt_err(struct ckpt_ctx *ctx, int err, const char *fmt, ...)
{
	va_list args;

	mutex_lock(&ctx->log_lock);
	if (!ctx->error) {
		ctx->error = err;
		va_start(args, fmt);
		vscnprintf(ctx->err_msg, sizeof(ctx->err_msg), fmt, args);
		va_end(args);
		ckpt_log_locked(ctx, "%s (%pe)", ctx->err_msg, ERR_PTR(err));
	}
	mutex_unlock(&ctx->log_lock);
	return err;
}
