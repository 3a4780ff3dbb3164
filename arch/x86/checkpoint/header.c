// SPDX-License-Identifier: GPL-2.0
/*
 * x86 image header: the FPU state features of the checkpointing CPU, so
 * that restart can refuse an image the restoring CPU can't load.
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <asm/fpu/types.h>

/**
 * ckpt_arch_fill_header - describe this CPU in an arch header record
 * @ha: the record, with its ckpt_hdr already set
 */
void ckpt_arch_fill_header(struct ckpt_hdr_header_arch *ha)
{
	ha->xfeatures = fpu_user_cfg.max_features;
	ha->xstate_size = fpu_user_cfg.max_size;
}

/**
 * ckpt_arch_check_header - check an arch header record read from an image
 * @ctx: restart context, for the message
 * @ha: the record, of the right type and length
 *
 * Return: 0, -EINVAL for a malformed record, -ENOEXEC if the image may hold
 * FPU state that this CPU doesn't support.
 */
int ckpt_arch_check_header(struct ckpt_ctx *ctx, const struct ckpt_hdr_header_arch *ha)
{
	u64 missing = ha->xfeatures & ~fpu_user_cfg.max_features;

	if (ha->_reserved)
		return ckpt_err(ctx, -EINVAL, "arch header: reserved field is %#x",
				ha->_reserved);
	if (ha->xstate_size < CKPT_XSTATE_SIZE_MIN || ha->xstate_size > CKPT_XSTATE_SIZE_MAX)
		return ckpt_err(ctx, -EINVAL, "arch header: xstate size %u out of range",
				ha->xstate_size);
	if ((ha->xfeatures & XFEATURE_MASK_FPSSE) != XFEATURE_MASK_FPSSE)
		return ckpt_err(ctx, -EINVAL, "arch header: xfeatures %#llx lack x87 and SSE",
				ha->xfeatures);
	if (missing)
		return ckpt_err(ctx, -ENOEXEC, "image uses xfeatures %#llx that this CPU lacks",
				missing);
	return 0;
}

/**
 * checkpoint_arch_header - write the arch header record
 * @ctx: checkpoint context
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_arch_header(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_header_arch *ha;
	int ret;

	ha = ckpt_hdr_alloc(CKPT_HDR_HEADER_ARCH, sizeof(*ha));
	if (!ha)
		return ckpt_err(ctx, -ENOMEM, "no memory for the arch header");
	ckpt_arch_fill_header(ha);
	ret = ckpt_write_obj(ctx, &ha->h);
	kfree(ha);
	return ret;
}

/**
 * restore_arch_header - read and check the arch header record
 * @ctx: restart context
 *
 * Return: 0 or a negative errno.
 */
int restore_arch_header(struct ckpt_ctx *ctx)
{
	struct ckpt_hdr_header_arch *ha;
	int ret;

	ha = ckpt_read_obj(ctx, CKPT_HDR_HEADER_ARCH);
	if (IS_ERR(ha))
		return PTR_ERR(ha);
	ret = ckpt_arch_check_header(ctx, ha);
	kvfree(ha);
	return ret;
}
