// SPDX-License-Identifier: GPL-2.0
/*
 * Restart: read an image record by record, checking every field before it
 * is used. The image is untrusted input.
 *
 * The calling process becomes the process of the image. Everything that
 * can be checked is checked before its address space is replaced; from
 * then on (CKPT_CTX_COMMITTED) a failure kills it, and its parent sees it
 * die of SIGKILL while logfd says why. The task state, signals and CPU
 * registers are applied last, once the tail and its checksum are checked.
 */

#include <linux/checkpoint.h>
#include <linux/sched/signal.h>

/**
 * do_restart - read a whole image, restoring its process into current
 * @ctx: restart context
 *
 * With RESTART_VALIDATE nothing is changed: the image is only checked.
 *
 * Return: 0 if the image is valid (and, unless validating, restored: the
 * value to return to the restored program is in ctx->ret), or a negative
 * errno; the cause has been logged.
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
	if (!ret && !(ctx->uflags & RESTART_VALIDATE)) {
		ret = restore_task_apply(ctx);
		if (!ret) {
			restore_signals_apply(ctx);
			restore_cpu_apply(ctx);
		}
	}
	if (ret)
		ckpt_err(ctx, ret, "restart failed");	/* if nothing said why yet */
	if (ret && (ctx->kflags & CKPT_CTX_COMMITTED))
		force_fatal_sig(SIGKILL);
	return ret;
}
