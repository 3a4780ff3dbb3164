// SPDX-License-Identifier: GPL-2.0
/*
 * Restart: read an image record by record, checking every field before it
 * is used. The image is untrusted input.
 */

#include <linux/checkpoint.h>

/**
 * do_restart - read and check a whole image
 * @ctx: restart context with its image file set
 *
 * Return: 0 if the image is valid, or a negative errno; the cause has been
 * logged.
 */
int do_restart(struct ckpt_ctx *ctx)
{
	int ret;

	ret = restore_header(ctx);
	if (!ret)
		ret = restore_arch_header(ctx);
	if (!ret)
		ret = restore_tasks(ctx);
	if (!ret)
		ret = ckpt_read_tail(ctx);
	return ret;
}
