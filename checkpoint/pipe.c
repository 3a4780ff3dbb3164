// SPDX-License-Identifier: GPL-2.0
/*
 * Pipes and FIFOs: the open ends, and the pipe between them with its
 * capacity and the bytes written but not read yet.
 *
 * A pipe is an object of its own in the object hash, met through its ends:
 * the first FD record of one of its ends is followed by a PIPE record with
 * the pipe's unread bytes, the next ones by a PIPE record with its objref
 * only. Checkpoint copies the bytes out of the pipe buffers without
 * consuming them; restart creates the pipe, sets its size and writes the
 * bytes back into it before any task runs.
 *
 * An anonymous pipe is recreated with create_pipe_files(); both of its
 * ends exist until the restart is over, so an end that was closed, or open
 * only outside the tree (with CHECKPOINT_SUBTREE), is closed again then. A
 * FIFO is opened by path: first for reading and writing, which never
 * blocks, to fill it, then with the flags of each saved open file.
 *
 * Not supported, and refused by name: packet mode (O_DIRECT) and
 * notification pipes, and an anonymous pipe with more than one open file
 * for the same end (reopened through /proc/PID/fd).
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pipe_fs_i.h>
#include <linux/slab.h>
#include <linux/watch_queue.h>
#include <uapi/linux/magic.h>

/* struct ckpt_hdr_fd.f_flags of a pipe end that restart may set */
#define CKPT_PIPE_FLAGS		(O_NONBLOCK | O_APPEND | O_LARGEFILE)

/**
 * struct ckpt_pipe - a pipe restored from the image
 * @ends: anonymous pipe: its read and write end; FIFO: @ends[0] is open
 *	for reading and writing, to keep the pipe while the restart runs
 * @given: anonymous pipe: the end was handed to an FD record
 * @fifo: the pipe of a FIFO
 */
struct ckpt_pipe {
	struct file *ends[2];
	bool given[2];
	bool fifo;
};

/**
 * ckpt_pipe_free - drop a restored pipe (from the object hash)
 * @ptr: the struct ckpt_pipe
 */
void ckpt_pipe_free(void *ptr)
{
	struct ckpt_pipe *cp = ptr;

	if (cp->ends[0])
		fput(cp->ends[0]);
	if (cp->ends[1])
		fput(cp->ends[1]);
	kfree(cp);
}

/* Both are S_ISFIFO(); an anonymous pipe's inode is on pipefs */
static bool ckpt_is_anon_pipe(struct file *file)
{
	return get_pipe_info(file, false) && file_inode(file)->i_sb->s_magic == PIPEFS_MAGIC;
}

static bool ckpt_is_fifo(struct file *file)
{
	return get_pipe_info(file, false) && file_inode(file)->i_sb->s_magic != PIPEFS_MAGIC;
}

/* Copy the unread bytes of @pipe; the caller holds the pipe's mutex */
static int ckpt_pipe_copy(struct ckpt_ctx *ctx, unsigned int fd, struct pipe_inode_info *pipe,
			  void **datap, u32 *lenp)
{
	unsigned int head = pipe->head, tail = pipe->tail, i;
	struct pipe_buffer *buf;
	size_t len = 0;
	u8 *data;
	int ret;

	for (i = tail; i != head; i++) {
		buf = pipe_buf(pipe, i);
		if (buf->flags & PIPE_BUF_FLAG_PACKET)
			return ckpt_err(ctx, -EOPNOTSUPP,
					"pid %d fd %u: pipe in packet mode (O_DIRECT) not supported",
					ctx->pid, fd);
		len += buf->len;
	}
	*datap = NULL;
	*lenp = len;
	if (!len)
		return 0;
	if (len > CKPT_PIPE_MAX_SIZE)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u: pipe holds %zu bytes, more than %u",
				ctx->pid, fd, len, CKPT_PIPE_MAX_SIZE);
	data = kvmalloc(len, GFP_KERNEL_ACCOUNT);
	if (!data)
		return -ENOMEM;
	len = 0;
	for (i = tail; i != head; i++) {
		buf = pipe_buf(pipe, i);
		ret = pipe_buf_confirm(pipe, buf);
		if (ret) {
			kvfree(data);
			return ckpt_err(ctx, ret, "pid %d fd %u: cannot read a pipe buffer",
					ctx->pid, fd);
		}
		memcpy_from_page(data + len, buf->page, buf->offset, buf->len);
		len += buf->len;
	}
	*datap = data;
	return 0;
}

static int checkpoint_pipe(struct ckpt_ctx *ctx, struct file *file, unsigned int fd)
{
	struct pipe_inode_info *pipe = get_pipe_info(file, false);
	struct ckpt_hdr_pipe hp = {
		.h.type = CKPT_HDR_PIPE,
		.h.len = sizeof(hp),
	};
	void *data = NULL;
	u32 off, n;
	int ret;

	if (!pipe)
		return -EBADF;
	if (file->f_flags & O_DIRECT)
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u: pipe in packet mode (O_DIRECT) not supported",
				ctx->pid, fd);
	ret = ckpt_obj_lookup_add(ctx, pipe, CKPT_OBJ_PIPE, &hp.objref);
	if (ret < 0)
		return ckpt_err(ctx, ret, "pid %d fd %u: no room for a pipe", ctx->pid, fd);
	mutex_lock(&pipe->mutex);
	hp.size = pipe->max_usage << PAGE_SHIFT;
	if (pipe_has_watch_queue(pipe))
		ret = ckpt_err(ctx, -EOPNOTSUPP, "pid %d fd %u: notification pipe not supported",
			       ctx->pid, fd);
	else if (ckpt_is_anon_pipe(file) && (pipe->readers > 1 || pipe->writers > 1))
		ret = ckpt_err(ctx, -EOPNOTSUPP,
			       "pid %d fd %u: pipe with %u open files for reading and %u for writing not supported",
			       ctx->pid, fd, pipe->readers, pipe->writers);
	else if (ret)			/* first met: its contents go with it */
		ret = ckpt_pipe_copy(ctx, fd, pipe, &data, &hp.data_len);
	mutex_unlock(&pipe->mutex);
	if (ret)
		return ret;
	ret = ckpt_write_obj(ctx, &hp.h);
	for (off = 0; off < hp.data_len && !ret; off += n) {
		n = min(hp.data_len - off, CKPT_DATA_MAX);
		ret = ckpt_write_data(ctx, off, data + off, n);
	}
	kvfree(data);
	return ret;
}

/* Write the unread bytes of the pipe, from the image, into @file */
static int restore_pipe_data(struct ckpt_ctx *ctx, struct file *file, u32 len)
{
	u32 off, chunk = min(len, CKPT_DATA_MAX);
	loff_t pos = 0;
	ssize_t done;
	void *buf;
	int n = 0;

	buf = kvmalloc(chunk, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	for (off = 0; off < len; off += n) {
		n = ckpt_read_data(ctx, off, buf, min(len - off, chunk));
		if (n < 0)
			break;
		if (!file)		/* validating */
			continue;
		done = kernel_write(file, buf, n, &pos);
		if (done != n) {
			n = ckpt_err(ctx, done < 0 ? done : -EIO,
				     "pipe: cannot put back %u bytes", len);
			break;
		}
	}
	kvfree(buf);
	return n < 0 ? n : 0;
}

/* A new pipe for an FD record of kind @kind, filled with its bytes */
static struct ckpt_pipe *restore_new_pipe(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf,
					  struct ckpt_hdr_pipe *hp)
{
	struct pipe_inode_info *pipe;
	struct ckpt_pipe *cp;
	long ret;

	cp = kzalloc(sizeof(*cp), GFP_KERNEL_ACCOUNT);
	if (!cp)
		return ERR_PTR(-ENOMEM);
	cp->fifo = hf->kind == CKPT_FD_FIFO;
	if (cp->fifo) {
		cp->ends[0] = restore_open_by_path(ctx, hf, O_RDWR | O_NONBLOCK);
		if (IS_ERR(cp->ends[0])) {
			ret = PTR_ERR(cp->ends[0]);
			cp->ends[0] = NULL;
			goto fail;
		}
		ret = -ESTALE;
		pipe = get_pipe_info(cp->ends[0], false);
		if (!pipe || !S_ISFIFO(file_inode(cp->ends[0])->i_mode)) {
			ckpt_err(ctx, ret, "fd %d: %s is not a FIFO", hf->fd, hf->path);
			goto fail;
		}
		ret = -EBUSY;
		if (!pipe_empty(READ_ONCE(pipe->head), READ_ONCE(pipe->tail))) {
			ckpt_err(ctx, ret, "fd %d: FIFO %s has data already", hf->fd, hf->path);
			goto fail;
		}
	} else {
		ret = create_pipe_files(cp->ends, O_NONBLOCK);
		if (ret) {
			/* it may leave an error pointer in an end it did not make */
			cp->ends[0] = NULL;
			cp->ends[1] = NULL;
			ckpt_err(ctx, ret, "fd %d: cannot create a pipe", hf->fd);
			goto fail;
		}
	}
	ret = pipe_fcntl(cp->ends[0], F_GETPIPE_SZ, 0);
	if (ret != hp->size)
		ret = pipe_fcntl(cp->ends[0], F_SETPIPE_SZ, hp->size);
	if (ret != hp->size) {
		ckpt_err(ctx, ret < 0 ? ret : -EINVAL, "fd %d: cannot make a pipe of %u bytes",
			 hf->fd, hp->size);
		ret = ret < 0 ? ret : -EINVAL;
		goto fail;
	}
	ret = restore_pipe_data(ctx, cp->ends[cp->fifo ? 0 : 1], hp->data_len);
	if (ret)
		goto fail;
	return cp;
fail:
	ckpt_pipe_free(cp);
	return ERR_PTR(ret);
}

/* The end of a restored pipe for an FD record */
static struct file *restore_pipe_end(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf,
				     struct ckpt_pipe *cp)
{
	int end = (hf->f_flags & O_ACCMODE) == O_WRONLY;
	struct file *file;
	int ret;

	if (cp->fifo) {
		file = restore_open_by_path(ctx, hf, hf->f_flags | O_NONBLOCK);
		if (IS_ERR(file))
			return file;
		if (file_inode(file)->i_pipe != get_pipe_info(cp->ends[0], false)) {
			fput(file);
			ckpt_err(ctx, -ESTALE, "fd %d: %s is not the FIFO it was", hf->fd,
				 hf->path);
			return ERR_PTR(-ESTALE);
		}
		ret = restore_file_flags(ctx, file, hf, CKPT_PIPE_FLAGS);
	} else {
		if ((hf->f_flags & O_ACCMODE) == O_RDWR || cp->given[end])
			return ERR_PTR(ckpt_err(ctx, -EINVAL,
						"fd %d: bad or second %s end of a pipe", hf->fd,
						end ? "write" : "read"));
		cp->given[end] = true;
		file = get_file(cp->ends[end]);
		ret = restore_file_flags(ctx, file, hf, CKPT_PIPE_FLAGS);
	}
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

static struct file *restore_pipe(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf)
{
	bool fifo = hf->kind == CKPT_FD_FIFO;
	struct ckpt_hdr_pipe *hp;
	struct ckpt_pipe *cp;
	struct file *file;
	int ret;

	hp = ckpt_read_obj(ctx, CKPT_HDR_PIPE);
	if (IS_ERR(hp))
		return ERR_CAST(hp);
	if (hp->_reserved || hp->size < PAGE_SIZE || hp->size > CKPT_PIPE_MAX_SIZE ||
	    !is_power_of_2(hp->size) || hp->data_len > hp->size) {
		file = ERR_PTR(ckpt_err(ctx, -EINVAL, "fd %d: pipe of %u bytes holding %u",
					hf->fd, hp->size, hp->data_len));
		goto out;
	}
	file = NULL;
	if (hp->objref <= ckpt_obj_last(ctx)) {
		/* the pipe was met before: its other end, or the FIFO again */
		file = ERR_PTR(-EINVAL);
		if (hp->data_len) {
			ckpt_err(ctx, -EINVAL, "fd %d: pipe objref %u has data again", hf->fd,
				 hp->objref);
			goto out;
		}
		if (ckpt_obj_check_ref(ctx, hp->objref, CKPT_OBJ_PIPE))
			goto out;
		if (ctx->uflags & RESTART_VALIDATE) {
			file = NULL;
			goto out;
		}
		cp = ckpt_obj_fetch(ctx, hp->objref, CKPT_OBJ_PIPE);
		if (IS_ERR(cp)) {
			file = ERR_CAST(cp);
			goto out;
		}
		if (cp->fifo != fifo) {
			ckpt_err(ctx, -EINVAL, "fd %d: pipe objref %u is not a %s", hf->fd,
				 hp->objref, cp->fifo ? "pipe" : "FIFO");
			goto out;
		}
		file = restore_pipe_end(ctx, hf, cp);
		goto out;
	}
	ret = ckpt_obj_check_new(ctx, hp->objref, CKPT_OBJ_PIPE);
	if (ret) {
		file = ERR_PTR(ret);
		goto out;
	}
	if (ctx->uflags & RESTART_VALIDATE) {
		ret = restore_pipe_data(ctx, NULL, hp->data_len);
		file = ret ? ERR_PTR(ret) : NULL;
		goto out;
	}
	cp = restore_new_pipe(ctx, hf, hp);
	if (IS_ERR(cp)) {
		file = ERR_CAST(cp);
		goto out;
	}
	ret = ckpt_obj_fill(ctx, hp->objref, cp, CKPT_OBJ_PIPE);
	if (ret) {
		ckpt_pipe_free(cp);
		file = ERR_PTR(ret);
		goto out;
	}
	file = restore_pipe_end(ctx, hf, cp);
out:
	kvfree(hp);
	return file;
}

const struct ckpt_file_ops ckpt_pipe_ops = {
	.kind = CKPT_FD_PIPE,
	.match = ckpt_is_anon_pipe,
	.checkpoint = checkpoint_pipe,
	.restore = restore_pipe,
};

const struct ckpt_file_ops ckpt_fifo_ops = {
	.kind = CKPT_FD_FIFO,
	.by_path = true,
	.match = ckpt_is_fifo,
	.checkpoint = checkpoint_pipe,
	.restore = restore_pipe,
};

struct ckpt_pipe_users {
	struct pipe_inode_info *pipe;
	unsigned int readers;
	unsigned int writers;
};

static int ckpt_count_pipe_users(struct ckpt_ctx *ctx, void *ptr, u32 objref, u32 users,
				 void *arg)
{
	struct ckpt_pipe_users *pu = arg;
	struct file *file = ptr;

	if (get_pipe_info(file, false) != pu->pipe)
		return 0;
	pu->readers += !!(file->f_mode & FMODE_READ);
	pu->writers += !!(file->f_mode & FMODE_WRITE);
	return 0;
}

static int ckpt_pipe_leak(struct ckpt_ctx *ctx, void *ptr, u32 objref, u32 users, void *arg)
{
	struct ckpt_pipe_users pu = { .pipe = ptr };
	unsigned int readers, writers;

	ckpt_obj_for_each(ctx, CKPT_OBJ_FILE, ckpt_count_pipe_users, &pu);
	mutex_lock(&pu.pipe->mutex);
	readers = pu.pipe->readers;
	writers = pu.pipe->writers;
	mutex_unlock(&pu.pipe->mutex);
	if (readers <= pu.readers && writers <= pu.writers)
		return 0;
	return ckpt_err(ctx, -EBUSY,
			"pipe (objref %u) is also open outside the tree (use CHECKPOINT_SUBTREE)",
			objref);
}

/**
 * checkpoint_check_pipe_leaks - refuse pipes with users outside the tree
 * @ctx: checkpoint context, after every task's records
 *
 * Without CHECKPOINT_SUBTREE, an end of a pipe (or an open FIFO) that a
 * task outside the tree holds would be cut off at restart.
 *
 * Return: 0 or -EBUSY, logged.
 */
int checkpoint_check_pipe_leaks(struct ckpt_ctx *ctx)
{
	return ckpt_obj_for_each(ctx, CKPT_OBJ_PIPE, ckpt_pipe_leak, NULL);
}
