// SPDX-License-Identifier: GPL-2.0
/*
 * Records in and out of a checkpoint image.
 *
 * The image is written and read strictly in order through kernel_write()
 * and kernel_read(), so it may be a pipe or a socket. Every byte before the
 * tail record goes into a running crc32c that the tail carries.
 *
 * Restart from a regular file reads the records ahead, a buffer of
 * CKPT_READ_AHEAD bytes at a time, instead of with two reads each (header
 * and body): a process holds tens of small records. Page contents are
 * still read straight into the pages, but for the bytes already buffered.
 * The file position given back (RESTART_VALIDATE) is that of the last
 * byte used. Anything else (a pipe, a socket) is never read beyond the
 * image.
 */

#include <linux/bvec.h>
#include <linux/checkpoint.h>
#include <linux/crc32c.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>

static loff_t *ckpt_fpos(struct ckpt_ctx *ctx)
{
	return (ctx->file->f_mode & FMODE_STREAM) ? NULL : &ctx->fpos;
}

/*
 * A signal may interrupt a read or write of a pipe or socket midway. The
 * system call must not be restarted transparently then: part of the image
 * has moved already, and doing it again would move it twice.
 */
static ssize_t ckpt_io_errno(ssize_t n)
{
	if (n == -ERESTARTSYS || n == -ERESTARTNOINTR || n == -ERESTARTNOHAND ||
	    n == -ERESTART_RESTARTBLOCK)
		return -EINTR;
	return n;
}

/**
 * ckpt_kwrite - append bytes to the image
 * @ctx: checkpoint context
 * @buf: the bytes
 * @len: how many
 *
 * A failed write marks the image as unable to take more records, so no
 * error or tail record is attempted after it.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_kwrite(struct ckpt_ctx *ctx, const void *buf, size_t len)
{
	const char *p = buf;
	size_t left = len;
	ssize_t n;

	if (ctx->kflags & CKPT_CTX_IO_FAILED)
		return -EIO;
	while (left) {
		n = ckpt_io_errno(kernel_write(ctx->file, p, left, ckpt_fpos(ctx)));
		if (n <= 0) {
			ctx->kflags |= CKPT_CTX_IO_FAILED;
			return ckpt_err(ctx, n ? n : -EIO,
					"writing the image at offset %llu failed", ctx->pos);
		}
		p += n;
		left -= n;
		ctx->pos += n;
	}
	ctx->crc = crc32c(ctx->crc, buf, len);
	return 0;
}

/* Take up to @len buffered bytes of the image into @buf; return how many */
static size_t ckpt_read_buffered(struct ckpt_ctx *ctx, void *buf, size_t len)
{
	size_t n = min_t(size_t, len, ctx->rbuf_len - ctx->rbuf_pos);

	memcpy(buf, ctx->rbuf + ctx->rbuf_pos, n);
	ctx->rbuf_pos += n;
	ctx->pos += n;
	return n;
}

/* Can the reads of the image go through a buffer, which then exists? */
static bool ckpt_read_ahead(struct ckpt_ctx *ctx)
{
	if (ctx->rbuf)
		return true;
	if ((ctx->file->f_mode & FMODE_STREAM) || !S_ISREG(file_inode(ctx->file)->i_mode))
		return false;
	ctx->rbuf = kmalloc(CKPT_READ_AHEAD, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	return ctx->rbuf;
}

/* Read @len bytes of the image into @buf, without the checksum */
static int ckpt_kread_raw(struct ckpt_ctx *ctx, void *buf, size_t len)
{
	char *p = buf;
	size_t left = len;
	ssize_t n;

	while (left) {
		if (ctx->rbuf_pos < ctx->rbuf_len) {
			n = ckpt_read_buffered(ctx, p, left);
			p += n;
			left -= n;
			continue;
		}
		if (left < CKPT_READ_AHEAD && ckpt_read_ahead(ctx)) {
			n = ckpt_io_errno(kernel_read(ctx->file, ctx->rbuf, CKPT_READ_AHEAD,
						      ckpt_fpos(ctx)));
			if (n > 0) {
				ctx->rbuf_len = n;
				ctx->rbuf_pos = 0;
				continue;
			}
		} else {
			n = ckpt_io_errno(kernel_read(ctx->file, p, left, ckpt_fpos(ctx)));
		}
		if (n < 0)
			return ckpt_err(ctx, n, "reading the image at offset %llu failed",
					ctx->pos);
		if (!n)
			return ckpt_err(ctx, -ENODATA, "image truncated at offset %llu",
					ctx->pos);
		p += n;
		left -= n;
		ctx->pos += n;
	}
	return 0;
}

/**
 * ckpt_kread - read the next bytes of the image
 * @ctx: restart context
 * @buf: where they go
 * @len: how many; all of them must be there
 *
 * Return: 0, -ENODATA if the image ends first, or another negative errno.
 */
int ckpt_kread(struct ckpt_ctx *ctx, void *buf, size_t len)
{
	int ret = ckpt_kread_raw(ctx, buf, len);

	if (!ret)
		ctx->crc = crc32c(ctx->crc, buf, len);
	return ret;
}

/**
 * ckpt_read_page_data - read page contents of the image into a buffer
 * @ctx: restart context
 * @buf: where they go
 * @len: how many bytes; all of them must be there
 *
 * As ckpt_kread(), but the bytes go into the checksum only if the image
 * was written with CHECKPOINT_CSUM_PAGES.
 *
 * Return: 0, -ENODATA if the image ends first, or another negative errno.
 */
int ckpt_read_page_data(struct ckpt_ctx *ctx, void *buf, size_t len)
{
	int ret = ckpt_kread_raw(ctx, buf, len);

	if (!ret && (ctx->kflags & CKPT_CTX_CSUM_PAGES))
		ctx->crc = crc32c(ctx->crc, buf, len);
	return ret;
}

/**
 * ckpt_io_pages - move whole pages between memory and the image
 * @ctx: checkpoint or restart context
 * @pages: the pages, pinned by the caller
 * @bv: room for @nr bio_vecs
 * @nr: how many pages
 * @write: to the image (checkpoint) or from it (restart)
 *
 * One vectored call per batch instead of one per page, without a copy
 * through a buffer. The pages go into the running checksum only with
 * CKPT_CTX_CSUM_PAGES: hashing every byte costs as much as moving it.
 *
 * Return: 0, -ENODATA if the image ends first, or another negative errno.
 */
int ckpt_io_pages(struct ckpt_ctx *ctx, struct page **pages, struct bio_vec *bv,
		  unsigned int nr, bool write)
{
	struct iov_iter iter;
	unsigned int i;
	ssize_t n;
	void *p;

	for (i = 0; i < nr; i++)
		bvec_set_page(&bv[i], pages[i], PAGE_SIZE, 0);
	iov_iter_bvec(&iter, write ? ITER_SOURCE : ITER_DEST, bv, nr, (size_t)nr * PAGE_SIZE);
	if (!write && ctx->rbuf_pos < ctx->rbuf_len) {
		n = copy_to_iter(ctx->rbuf + ctx->rbuf_pos,
				 min_t(size_t, iov_iter_count(&iter),
				       ctx->rbuf_len - ctx->rbuf_pos), &iter);
		ctx->rbuf_pos += n;
		ctx->pos += n;
	}
	while (iov_iter_count(&iter)) {
		if (write)
			n = vfs_iter_write(ctx->file, &iter, ckpt_fpos(ctx), 0);
		else
			n = vfs_iter_read(ctx->file, &iter, ckpt_fpos(ctx), 0);
		n = ckpt_io_errno(n);
		if (n <= 0) {
			if (write)
				ctx->kflags |= CKPT_CTX_IO_FAILED;
			if (!n && !write)
				return ckpt_err(ctx, -ENODATA, "image truncated at offset %llu",
						ctx->pos);
			return ckpt_err(ctx, n ? n : -EIO, "%s the image at offset %llu failed",
					write ? "writing" : "reading", ctx->pos);
		}
		ctx->pos += n;
	}
	if (!(ctx->kflags & CKPT_CTX_CSUM_PAGES))
		return 0;
	for (i = 0; i < nr; i++) {
		p = kmap_local_page(pages[i]);
		ctx->crc = crc32c(ctx->crc, p, PAGE_SIZE);
		kunmap_local(p);
	}
	return 0;
}

/**
 * ckpt_hdr_alloc - allocate a zeroed record
 * @type: CKPT_HDR_* value
 * @size: bytes of header and payload
 *
 * The record length is @size rounded up to the record alignment; the
 * padding stays zero.
 *
 * Return: the record, to be freed with kfree(), or NULL.
 */
void *ckpt_hdr_alloc(u32 type, u32 size)
{
	struct ckpt_hdr *h;
	u32 len = ckpt_record_len(size);

	h = kzalloc(len, GFP_KERNEL_ACCOUNT);
	if (h) {
		h->type = type;
		h->len = len;
	}
	return h;
}

/**
 * ckpt_write_obj - append a record to the image
 * @ctx: checkpoint context
 * @h: the record, whose @h->len bytes are written
 *
 * Return: 0 or a negative errno.
 */
int ckpt_write_obj(struct ckpt_ctx *ctx, struct ckpt_hdr *h)
{
	int ret;

	if (WARN_ON_ONCE(ckpt_record_check_len(h->type, h->len)))
		return ckpt_err(ctx, -EINVAL, "internal error: bad %s record length %u",
				ckpt_record_name(h->type), h->len);
	ret = ckpt_kwrite(ctx, h, h->len);
	if (!ret)
		ctx->nr_records++;
	return ret;
}

/**
 * ckpt_write_data - append a DATA record
 * @ctx: checkpoint context
 * @offset: where the bytes belong in the object they are part of
 * @buf: the bytes
 * @len: how many, 1..CKPT_DATA_MAX
 *
 * The bytes are written from @buf without a copy.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_write_data(struct ckpt_ctx *ctx, u64 offset, const void *buf, u32 len)
{
	static const u8 zeros[CKPT_ALIGN];
	struct ckpt_hdr_data hd = {
		.h.type = CKPT_HDR_DATA,
		.h.len = ckpt_record_len(sizeof(hd) + len),
		.offset = offset,
		.len = len,
	};
	int ret;

	if (WARN_ON_ONCE(!len || len > CKPT_DATA_MAX))
		return -EINVAL;
	ret = ckpt_kwrite(ctx, &hd, sizeof(hd));
	if (!ret)
		ret = ckpt_kwrite(ctx, buf, len);
	if (!ret)
		ret = ckpt_kwrite(ctx, zeros, hd.h.len - sizeof(hd) - len);
	if (!ret)
		ctx->nr_records++;
	return ret;
}

/* Read a DATA record at or after *@offset, ending at @limit at most */
static int ckpt_read_data_rec(struct ckpt_ctx *ctx, u64 *offset, bool exact, u64 limit,
			      void *buf, u32 max)
{
	struct ckpt_hdr_data hd;
	u8 pad[CKPT_ALIGN];
	u32 padding;
	int ret;

	ret = ckpt_read_hdr_only(ctx, &hd.h, CKPT_HDR_DATA);
	if (!ret)
		ret = ckpt_kread(ctx, (char *)&hd + sizeof(hd.h), sizeof(hd) - sizeof(hd.h));
	if (ret)
		return ret;
	if ((exact ? hd.offset != *offset : hd.offset < *offset) || !hd.len || hd.len > max ||
	    hd._reserved || ckpt_record_len(sizeof(hd) + hd.len) != hd.h.len ||
	    hd.offset > limit || hd.len > limit - hd.offset)
		return ckpt_err(ctx, -EINVAL,
				"offset %llu: DATA record of %u bytes at %llu, expected %u at most at %llu",
				ctx->rec_pos, hd.len, hd.offset, max, *offset);
	padding = hd.h.len - sizeof(hd) - hd.len;
	ret = ckpt_kread(ctx, buf, hd.len);
	if (!ret)
		ret = ckpt_kread(ctx, pad, padding);
	if (ret)
		return ret;
	if (memchr_inv(pad, 0, padding))
		return ckpt_err(ctx, -EINVAL, "offset %llu: DATA record padding is not zero",
				ctx->rec_pos);
	*offset = hd.offset;
	return hd.len;
}

/**
 * ckpt_read_data - read a DATA record
 * @ctx: restart context
 * @offset: the offset the record must have
 * @buf: where the bytes go
 * @max: room in @buf
 *
 * Return: the number of bytes read (1..@max) or a negative errno, logged.
 */
int ckpt_read_data(struct ckpt_ctx *ctx, u64 offset, void *buf, u32 max)
{
	return ckpt_read_data_rec(ctx, &offset, true, U64_MAX, buf, max);
}

/**
 * ckpt_read_data_at - read a DATA record at or after an offset
 * @ctx: restart context
 * @offset: in: the lowest offset the record may have; out: its offset
 * @limit: where the record's bytes must end at the latest
 * @buf: where the bytes go
 * @max: room in @buf
 *
 * For contents with holes, whose records skip the holes.
 *
 * Return: the number of bytes read (1..@max) or a negative errno, logged.
 */
int ckpt_read_data_at(struct ckpt_ctx *ctx, loff_t *offset, u64 limit, void *buf, u32 max)
{
	u64 off = *offset;
	int ret;

	if (off > limit || limit > MAX_LFS_FILESIZE)
		return ckpt_err(ctx, -EINVAL, "DATA expected at %llu, beyond %llu", off, limit);
	ret = ckpt_read_data_rec(ctx, &off, false, limit, buf, max);
	if (ret > 0)
		*offset = off;
	return ret;
}

/**
 * ckpt_write_error - append the error of a failed checkpoint to the image
 * @ctx: checkpoint context whose @error and @err_msg are set
 *
 * Return: 0 or a negative errno.
 */
int ckpt_write_error(struct ckpt_ctx *ctx)
{
	u32 msg_len = strlen(ctx->err_msg) + 1;
	struct ckpt_hdr_error *he;
	int ret;

	he = ckpt_hdr_alloc(CKPT_HDR_ERROR, sizeof(*he) + msg_len);
	if (!he)
		return -ENOMEM;
	he->error = ctx->error;
	he->msg_len = msg_len;
	memcpy(he->msg, ctx->err_msg, msg_len);
	ret = ckpt_write_obj(ctx, &he->h);
	kfree(he);
	return ret;
}

/**
 * ckpt_write_tail - end the image with its length, record count and checksum
 * @ctx: checkpoint context
 *
 * Return: 0 or a negative errno.
 */
int ckpt_write_tail(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_tail th = {
		.h.type = CKPT_HDR_TAIL,
		.h.len = sizeof(th),
		.magic = CKPT_MAGIC_TAIL,
		.length = ctx->pos,
		.nr_records = ctx->nr_records,
		.crc32c = ~ctx->crc,
	};

	return ckpt_write_obj(ctx, &th.h);
}

/* Read the error record of a failed checkpoint and fail the restart with it */
static int ckpt_read_error(struct ckpt_ctx *ctx, const struct ckpt_hdr *h)
{
	struct ckpt_hdr_error *he;
	int ret;

	if (ckpt_record_check_len(h->type, h->len))
		return ckpt_err(ctx, -EINVAL, "offset %llu: ERROR record has bad length %u",
				ctx->rec_pos, h->len);
	he = kzalloc(h->len, GFP_KERNEL_ACCOUNT);
	if (!he)
		return -ENOMEM;
	ret = ckpt_kread(ctx, (char *)he + sizeof(*h), h->len - sizeof(*h));
	if (ret)
		goto out;
	if (he->msg_len < 1 || he->msg_len > h->len - sizeof(*he) ||
	    he->msg[he->msg_len - 1] || he->error >= 0 || he->error < -MAX_ERRNO) {
		ret = ckpt_err(ctx, -EINVAL, "offset %llu: malformed ERROR record",
			       ctx->rec_pos);
		goto out;
	}
	ret = ckpt_err(ctx, -ECANCELED, "image of a failed checkpoint: %*pE (error %d)",
		       (int)strnlen(he->msg, he->msg_len), he->msg, he->error);
out:
	kfree(he);
	return ret;
}

static int ckpt_read_hdr(struct ckpt_ctx *ctx, struct ckpt_hdr *h, u32 type)
{
	int ret;

	/* an image of many records can be stopped between two of them */
	cond_resched();
	if (fatal_signal_pending(current))
		return ckpt_err(ctx, -EINTR, "offset %llu: killed while reading the image",
				ctx->pos);
	ctx->rec_pos = ctx->pos;
	ctx->rec_nr = ctx->nr_records;
	ctx->rec_crc = ctx->crc;
	ret = ckpt_kread(ctx, h, sizeof(*h));
	if (ret)
		return ret;
	if (h->type == CKPT_HDR_ERROR && type != CKPT_HDR_ERROR)
		return ckpt_read_error(ctx, h);
	if (h->type != type)
		return ckpt_err(ctx, -EINVAL,
				"offset %llu: expected a %s record, found type %u (%s)",
				ctx->rec_pos, ckpt_record_name(type), h->type,
				ckpt_record_name(h->type));
	if (ckpt_record_check_len(type, h->len))
		return ckpt_err(ctx, -EINVAL, "offset %llu: %s record has bad length %u",
				ctx->rec_pos, ckpt_record_name(type), h->len);
	return 0;
}

/**
 * ckpt_read_hdr_only - read the header of the next record, of @type
 * @ctx: restart context
 * @h: where the header goes
 * @type: CKPT_HDR_* value expected
 *
 * For records whose payload the caller reads itself (page contents). The
 * length is checked against the record table.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_read_hdr_only(struct ckpt_ctx *ctx, struct ckpt_hdr *h, u32 type)
{
	int ret = ckpt_read_hdr(ctx, h, type);

	if (!ret)
		ctx->nr_records++;
	return ret;
}

/**
 * ckpt_read_obj - read the next record, which must be of @type
 * @ctx: restart context
 * @type: CKPT_HDR_* value expected
 *
 * The record's length is checked against the record table before anything
 * is allocated; its content is for the caller to check.
 *
 * Return: the record, to be freed with kvfree(), or an ERR_PTR().
 */
void *ckpt_read_obj(struct ckpt_ctx *ctx, u32 type)
{
	struct ckpt_hdr h;
	void *buf;
	int ret;

	ret = ckpt_read_hdr(ctx, &h, type);
	if (ret)
		return ERR_PTR(ret);
	buf = kvmalloc(h.len, CKPT_GFP_IMAGE);
	if (!buf)
		return ERR_PTR(ckpt_err(ctx, -ENOMEM,
					"offset %llu: no memory for a %u byte %s record",
					ctx->rec_pos, h.len, ckpt_record_name(type)));
	memcpy(buf, &h, sizeof(h));
	ret = ckpt_kread(ctx, buf + sizeof(h), h.len - sizeof(h));
	if (ret) {
		kvfree(buf);
		return ERR_PTR(ret);
	}
	ctx->nr_records++;
	return buf;
}

/**
 * ckpt_read_tail - read the tail record and check the image against it
 * @ctx: restart context that has read every record before the tail
 *
 * Return: 0, -EINVAL for a malformed tail, -EBADMSG if the length, record
 * count or checksum of what was read do not match the tail.
 */
int ckpt_read_tail(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_tail *th;
	int ret = 0;

	th = ckpt_read_obj(ctx, CKPT_HDR_TAIL);
	if (IS_ERR(th))
		return PTR_ERR(th);
	if (th->magic != CKPT_MAGIC_TAIL)
		ret = ckpt_err(ctx, -EINVAL, "offset %llu: bad tail magic %#llx",
			       ctx->rec_pos, th->magic);
	else if (th->crc32c != ~ctx->rec_crc)
		ret = ckpt_err(ctx, -EBADMSG, "checksum mismatch: image %#x, tail %#x",
			       ~ctx->rec_crc, th->crc32c);
	else if (th->length != ctx->rec_pos)
		ret = ckpt_err(ctx, -EBADMSG, "image length %llu, tail says %llu",
			       ctx->rec_pos, th->length);
	else if (th->nr_records != ctx->rec_nr)
		ret = ckpt_err(ctx, -EBADMSG, "record count %u, tail says %u",
			       ctx->rec_nr, th->nr_records);
	kvfree(th);
	return ret;
}
