// SPDX-License-Identifier: GPL-2.0
/*
 * The image header: what kernel, architecture and format wrote the image.
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <asm/checkpoint.h>

/**
 * ckpt_fill_header - describe this kernel and operation in a header record
 * @ctx: checkpoint context
 * @hh: the record, with its ckpt_hdr already set
 */
void ckpt_fill_header(struct ckpt_ctx *ctx, struct ckpt_hdr_header *hh)
{
	hh->magic = CKPT_MAGIC_HEAD;
	hh->version = CKPT_FORMAT_VERSION;
	hh->arch = CKPT_ARCH_ID;
	hh->page_size = PAGE_SIZE;
	hh->flags = ctx->uflags;
	hh->crid = ctx->crid;
	hh->time = ktime_get_real_seconds();
	strscpy_pad(hh->release, init_utsname()->release, sizeof(hh->release));
}

/**
 * ckpt_check_header - check a header record read from an image
 * @ctx: restart context, for the message
 * @hh: the record, of the right type and length
 *
 * Return: 0 if this kernel can read the image, -EINVAL for a malformed
 * header, -ENOEXEC for an image of another format version, architecture,
 * page size or kernel release.
 */
int ckpt_check_header(struct ckpt_ctx *ctx, const struct ckpt_hdr_header *hh)
{
	const char *release = init_utsname()->release;
	size_t len;

	if (hh->magic != CKPT_MAGIC_HEAD)
		return ckpt_err(ctx, -EINVAL, "not a checkpoint image: bad magic %#llx",
				hh->magic);
	if (hh->version != CKPT_FORMAT_VERSION)
		return ckpt_err(ctx, -ENOEXEC, "image format version %u, this kernel reads %u",
				hh->version, CKPT_FORMAT_VERSION);
	if (hh->arch != CKPT_ARCH_ID)
		return ckpt_err(ctx, -ENOEXEC, "image arch %u, this kernel is arch %u",
				hh->arch, CKPT_ARCH_ID);
	if (hh->page_size != PAGE_SIZE)
		return ckpt_err(ctx, -ENOEXEC, "image page size %u, this kernel uses %lu",
				hh->page_size, PAGE_SIZE);
	if (hh->_reserved)
		return ckpt_err(ctx, -EINVAL, "header: reserved field is %#x", hh->_reserved);
	if (hh->flags & ~CHECKPOINT_FLAGS_ALL)
		return ckpt_err(ctx, -EINVAL, "header: unknown checkpoint flags %#llx",
				hh->flags);
	len = strnlen(hh->release, sizeof(hh->release));
	if (len == sizeof(hh->release) || memchr_inv(hh->release + len, 0,
						     sizeof(hh->release) - len))
		return ckpt_err(ctx, -EINVAL, "header: kernel release is not a padded string");
	if (strcmp(hh->release, release))
		return ckpt_err(ctx, -ENOEXEC, "image from kernel release %*pE, this is %s",
				(int)len, hh->release, release);
	return 0;
}

/**
 * checkpoint_header - write the header record that starts every image
 * @ctx: checkpoint context
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_header(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_header *hh;
	int ret;

	hh = ckpt_hdr_alloc(CKPT_HDR_HEADER, sizeof(*hh));
	if (!hh)
		return ckpt_err(ctx, -ENOMEM, "no memory for the header");
	ckpt_fill_header(ctx, hh);
	if (hh->flags & CHECKPOINT_CSUM_PAGES)
		ctx->kflags |= CKPT_CTX_CSUM_PAGES;
	ret = ckpt_write_obj(ctx, &hh->h);
	kfree(hh);
	return ret;
}

/**
 * restore_header - read and check the header record of an image
 * @ctx: restart context
 *
 * Return: 0 or a negative errno.
 */
int restore_header(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_header *hh;
	int ret;

	hh = ckpt_read_obj(ctx, CKPT_HDR_HEADER);
	if (IS_ERR(hh))
		return PTR_ERR(hh);
	ret = ckpt_check_header(ctx, hh);
	if (!ret && (hh->flags & CHECKPOINT_CSUM_PAGES))
		ctx->kflags |= CKPT_CTX_CSUM_PAGES;
	kvfree(hh);
	return ret;
}
