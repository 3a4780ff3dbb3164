// SPDX-License-Identifier: GPL-2.0
/*
 * timerfd: its clock, the time left and the period, and the expirations
 * not read yet. The state is private to fs/timerfd.c, which lets
 * checkpoint read it and restart make a new timerfd with it. The timer is
 * armed again for the time it had left, from the moment it is restored:
 * the time the image spent on disk does not count.
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/time.h>
#include <linux/timerfd.h>

static bool ckpt_is_timerfd(struct file *file)
{
	struct timerfd_checkpoint st;

	return !timerfd_checkpoint_state(file, &st);
}

static int checkpoint_timerfd(struct ckpt_ctx *ctx, struct file *file, unsigned int fd)
{
	struct ckpt_hdr_timerfd ht = {
		.h.type = CKPT_HDR_TIMERFD,
		.h.len = sizeof(ht),
	};
	struct timerfd_checkpoint st;
	int ret;

	ret = timerfd_checkpoint_state(file, &st);
	if (ret)
		return ckpt_err(ctx, ret, "pid %d fd %u: not a timerfd", ctx->pid, fd);
	ht.clockid = st.clockid;
	ht.settime_flags = st.settime_flags;
	ht.ticks = st.ticks;
	ht.value_ns = ktime_to_ns(st.value);
	ht.interval_ns = ktime_to_ns(st.interval);
	return ckpt_write_obj(ctx, &ht.h);
}

static struct file *restore_timerfd(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf)
{
	struct timerfd_checkpoint st;
	struct ckpt_hdr_timerfd *ht;
	struct file *file = NULL;

	ht = ckpt_read_obj(ctx, CKPT_HDR_TIMERFD);
	if (IS_ERR(ht))
		return ERR_CAST(ht);
	/* the kernel checks the clock and flags again; these keep ktime sane */
	if (ht->value_ns < 0 || ht->interval_ns < 0 ||
	    ht->value_ns > KTIME_SEC_MAX * NSEC_PER_SEC ||
	    ht->interval_ns > KTIME_SEC_MAX * NSEC_PER_SEC) {
		file = ERR_PTR(ckpt_err(ctx, -EINVAL,
					"fd %d: timerfd with %lld ns left, period %lld",
					hf->fd, ht->value_ns, ht->interval_ns));
	} else if (!(ctx->uflags & RESTART_VALIDATE)) {
		st.clockid = ht->clockid;
		st.settime_flags = ht->settime_flags;
		st.ticks = ht->ticks;
		st.value = ns_to_ktime(ht->value_ns);
		st.interval = ns_to_ktime(ht->interval_ns);
		file = restore_new_file(ctx, hf,
					timerfd_restore_file(&st, hf->f_flags & O_NONBLOCK),
					"timerfd");
	}
	kvfree(ht);
	return file;
}

const struct ckpt_file_ops ckpt_timerfd_ops = {
	.kind = CKPT_FD_TIMERFD,
	.match = ckpt_is_timerfd,
	.checkpoint = checkpoint_timerfd,
	.restore = restore_timerfd,
};
