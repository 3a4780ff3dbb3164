// SPDX-License-Identifier: GPL-2.0
/*
 * Signals: handlers, the blocked mask, pending signals with their
 * siginfo (for the thread and for the process), and ITIMER_REAL.
 *
 * The leader of a thread group carries what the process has (handlers,
 * process-wide pending signals, the timer); each other thread only its
 * blocked mask and its own pending signals.
 *
 * Restart reads and checks all of it first and applies it last, just
 * before returning to the restored program, so that no signal interrupts
 * the reading of the image and pending signals are delivered only once the
 * program is whole.
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/posix-timers.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>

struct ckpt_signal_state {
	struct ckpt_hdr_sighand *sighand;
	struct ckpt_hdr_signal *signal;
	struct ckpt_hdr_siginfo **pending;
};

static int checkpoint_sighand(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_sighand *hs;
	struct sighand_struct *sh;
	struct k_sigaction *k;
	unsigned long flags;
	int i, ret;

	hs = ckpt_hdr_alloc(CKPT_HDR_SIGHAND, sizeof(*hs));
	if (!hs)
		return -ENOMEM;
	hs->nr = CKPT_NSIG;
	if (!lock_task_sighand(t, &flags)) {
		kfree(hs);
		return ckpt_err(ctx, -ESRCH, "pid %d: exited", ctx->pid);
	}
	sh = rcu_dereference_protected(t->sighand, true);	/* siglock held */
	for (i = 0; i < CKPT_NSIG; i++) {
		k = &sh->action[i];
		hs->action[i].handler = (__force unsigned long)k->sa.sa_handler;
		hs->action[i].flags = k->sa.sa_flags;
		hs->action[i].restorer = (__force unsigned long)k->sa.sa_restorer;
		hs->action[i].mask = k->sa.sa_mask.sig[0];
	}
	unlock_task_sighand(t, &flags);
	ret = ckpt_write_obj(ctx, &hs->h);
	kfree(hs);
	return ret;
}

static unsigned int ckpt_count_pending(struct sigpending *p)
{
	struct sigqueue *q;
	unsigned int n = 0;

	list_for_each_entry(q, &p->list, list)
		n++;
	return n;
}

static void ckpt_fill_pending(struct ckpt_hdr_siginfo *hi, unsigned int *n, unsigned int max,
			      struct sigpending *p, bool shared)
{
	struct sigqueue *q;

	list_for_each_entry(q, &p->list, list) {
		if (*n == max)
			return;
		hi[*n].h.type = CKPT_HDR_SIGINFO;
		hi[*n].h.len = sizeof(*hi);
		hi[*n].shared = shared;
		copy_siginfo_to_external((siginfo_t *)hi[*n].info, &q->info);
		(*n)++;
	}
}

/* Timers not saved yet must not be silently dropped */
static int checkpoint_timers_unsupported(struct ckpt_ctx *ctx, struct task_struct *t)
{
#ifdef CONFIG_POSIX_TIMERS
	struct signal_struct *sig = t->signal;

	if (READ_ONCE(sig->it[CPUCLOCK_PROF].expires) || READ_ONCE(sig->it[CPUCLOCK_VIRT].expires))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d: ITIMER_VIRTUAL and ITIMER_PROF not supported", ctx->pid);
	if (!hlist_empty(&sig->posix_timers))
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d: POSIX timers not supported", ctx->pid);
#endif
	return 0;
}

/* Pending signals of @t, for the thread and (@process) the process */
static unsigned int ckpt_count_signals(struct task_struct *t, bool process)
{
	unsigned long flags;
	unsigned int nr;

	if (!lock_task_sighand(t, &flags))
		return 0;
	nr = ckpt_count_pending(&t->pending);
	if (process)
		nr += ckpt_count_pending(&t->signal->shared_pending);
	unlock_task_sighand(t, &flags);
	return nr;
}

/*
 * Masks, pending signals and the timer of @t: -ESRCH if it is gone, -EAGAIN
 * if it has more than @max pending signals
 */
static int ckpt_fill_signal(struct task_struct *t, struct ckpt_hdr_signal *hs,
			    struct ckpt_hdr_siginfo *hi, unsigned int *n, unsigned int max,
			    bool process)
{
	unsigned long flags;
	ktime_t left;

	if (!lock_task_sighand(t, &flags))
		return -ESRCH;
	if (ckpt_count_pending(&t->pending) +
	    (process ? ckpt_count_pending(&t->signal->shared_pending) : 0) > max) {
		/* more signals came since they were counted */
		unlock_task_sighand(t, &flags);
		return -EAGAIN;
	}
	hs->blocked = t->blocked.sig[0];
	ckpt_fill_pending(hi, n, max, &t->pending, false);
	if (!process) {
		unlock_task_sighand(t, &flags);
		return 0;
	}
	ckpt_fill_pending(hi, n, max, &t->signal->shared_pending, true);
	if (hrtimer_active(&t->signal->real_timer)) {
		left = hrtimer_get_remaining(&t->signal->real_timer);
		hs->real_value_ns = max_t(s64, ktime_to_ns(left), 1);
	}
	hs->real_interval_ns = ktime_to_ns(t->signal->it_real_incr);
	unlock_task_sighand(t, &flags);
	return 0;
}

/**
 * checkpoint_signals - write the signal records of a task
 * @ctx: checkpoint context
 * @t: current or a frozen task
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_signals(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct ckpt_hdr_siginfo *hi = NULL;
	struct ckpt_hdr_signal *hs;
	unsigned int nr = 0, n = 0, i;
	int ret;

	BUILD_BUG_ON(sizeof(siginfo_t) != CKPT_SIGINFO_SIZE);
	if (!ctx->cur->thread) {
		ret = checkpoint_timers_unsupported(ctx, t);
		if (!ret)
			ret = checkpoint_sighand(ctx, t);
		if (ret)
			return ret;
	}
	hs = ckpt_hdr_alloc(CKPT_HDR_SIGNAL, sizeof(*hs));
	if (!hs)
		return ckpt_err(ctx, -ENOMEM, "pid %d: no memory for its signal state", ctx->pid);
	do {
		kvfree(hi);
		/* room for a few more signals arriving meanwhile */
		nr = ckpt_count_signals(t, !ctx->cur->thread) + 16;
		hi = kvcalloc(nr, sizeof(*hi), GFP_KERNEL);
		if (!hi) {
			ret = ckpt_err(ctx, -ENOMEM, "pid %d: no memory for %u pending signals",
				       ctx->pid, nr);
			goto out;
		}
		n = 0;
		ret = ckpt_fill_signal(t, hs, hi, &n, nr, !ctx->cur->thread);
	} while (ret == -EAGAIN);
	if (ret) {
		ret = ckpt_err(ctx, ret, "pid %d: exited", ctx->pid);
		goto out;
	}

	hs->nr_pending = n;
	ret = ckpt_write_obj(ctx, &hs->h);
	for (i = 0; i < n && !ret; i++)
		ret = ckpt_write_obj(ctx, &hi[i].h);
out:
	kvfree(hi);
	kfree(hs);
	return ret;
}

static int restore_check_sighand(struct ckpt_ctx *ctx, struct ckpt_hdr_sighand *hs)
{
	int i;

	if (hs->nr != CKPT_NSIG || hs->_reserved)
		return ckpt_err(ctx, -EINVAL, "sighand: %u signals", hs->nr);
	for (i = 0; i < CKPT_NSIG; i++) {
		struct ckpt_sigaction *a = &hs->action[i];

		if ((a->handler > 1 && a->handler >= TASK_SIZE) || a->restorer >= TASK_SIZE ||
		    (sig_kernel_only(i + 1) && a->handler))
			return ckpt_err(ctx, -EINVAL, "sighand: signal %d: bad handler %#llx",
					i + 1, a->handler);
	}
	return 0;
}

static int restore_check_siginfo(struct ckpt_ctx *ctx, struct ckpt_hdr_siginfo *hi)
{
	siginfo_t *si = (siginfo_t *)hi->info;

	if (hi->shared > 1 || hi->_reserved || si->si_signo < 1 || si->si_signo > CKPT_NSIG ||
	    sig_kernel_only(si->si_signo))
		return ckpt_err(ctx, -EINVAL, "siginfo: bad pending signal %d", si->si_signo);
	return 0;
}

/**
 * restore_signals - read and check the signal records
 * @ctx: restart context
 *
 * Return: 0 or a negative errno. restore_signals_apply() applies them.
 */
int restore_signals(struct ckpt_ctx *ctx)
{
	struct ckpt_signal_state *st;
	u32 i;
	int ret;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	ctx->cur->signals = st;
	if (ctx->cur->thread)
		goto signal;
	st->sighand = ckpt_read_obj(ctx, CKPT_HDR_SIGHAND);
	if (IS_ERR(st->sighand)) {
		ret = PTR_ERR(st->sighand);
		st->sighand = NULL;
		return ret;
	}
	ret = restore_check_sighand(ctx, st->sighand);
	if (ret)
		return ret;
signal:
	st->signal = ckpt_read_obj(ctx, CKPT_HDR_SIGNAL);
	if (IS_ERR(st->signal)) {
		ret = PTR_ERR(st->signal);
		st->signal = NULL;
		return ret;
	}
	if (st->signal->_reserved || st->signal->nr_pending > 2 * CKPT_NSIG * 1024 ||
	    st->signal->real_value_ns > KTIME_MAX / 2 ||
	    st->signal->real_interval_ns > KTIME_MAX / 2)
		return ckpt_err(ctx, -EINVAL, "signal: %u pending signals or bad timer",
				st->signal->nr_pending);
	if (ctx->cur->thread && (st->signal->real_value_ns || st->signal->real_interval_ns))
		return ckpt_err(ctx, -EINVAL, "signal: thread %d has the process' timer",
				ctx->pid);
	if (!st->signal->nr_pending)
		return 0;
	st->pending = kvcalloc(st->signal->nr_pending, sizeof(*st->pending), GFP_KERNEL);
	if (!st->pending)
		return -ENOMEM;
	for (i = 0; i < st->signal->nr_pending; i++) {
		st->pending[i] = ckpt_read_obj(ctx, CKPT_HDR_SIGINFO);
		if (IS_ERR(st->pending[i])) {
			ret = PTR_ERR(st->pending[i]);
			st->pending[i] = NULL;
			return ret;
		}
		ret = restore_check_siginfo(ctx, st->pending[i]);
		if (ret)
			return ret;
		if (ctx->cur->thread && st->pending[i]->shared)
			return ckpt_err(ctx, -EINVAL,
					"siginfo: thread %d has a signal of the process", ctx->pid);
	}
	return 0;
}

/**
 * restore_signals_apply - install the checked signal state in current
 * @ctx: restart context after restore_signals()
 * @ts: the state of current
 *
 * Signals that came while restarting (SIGCHLD from a recreated zombie) are
 * dropped first: the image says what is pending.
 */
void restore_signals_apply(struct ckpt_ctx *ctx, struct ckpt_task_state *ts)
{
	struct ckpt_signal_state *st = ts->signals;
	struct ckpt_hdr_signal *hs = st->signal;
	struct sighand_struct *sh;
	struct kernel_siginfo info;
	struct k_sigaction ka;
	struct hrtimer *timer;
	unsigned long flags;
	sigset_t blocked;
	int i;

	for (i = 0; st->sighand && i < CKPT_NSIG; i++) {
		struct ckpt_sigaction *a = &st->sighand->action[i];

		if (sig_kernel_only(i + 1))
			continue;
		memset(&ka, 0, sizeof(ka));
		ka.sa.sa_handler = (__force __sighandler_t)(unsigned long)a->handler;
		ka.sa.sa_flags = a->flags;
		ka.sa.sa_restorer = (__force __sigrestore_t)(unsigned long)a->restorer;
		ka.sa.sa_mask.sig[0] = a->mask;
		do_sigaction(i + 1, &ka, NULL);
	}
	siginitset(&blocked, hs->blocked & ~(sigmask(SIGKILL) | sigmask(SIGSTOP)));
	set_current_blocked(&blocked);
	if (!fatal_signal_pending(current)) {
		if (ts->thread) {
			/* current's own sighand can't change under it */
			sh = rcu_dereference_protected(current->sighand, true);
			spin_lock_irq(&sh->siglock);
			flush_sigqueue(&current->pending);
			recalc_sigpending();
			spin_unlock_irq(&sh->siglock);
		} else {
			flush_signals(current);
		}
	}

	for (i = 0; i < hs->nr_pending; i++) {
		struct ckpt_hdr_siginfo *hi = st->pending[i];

		memcpy(&info, hi->info, sizeof(info));
		do_send_sig_info(info.si_signo, &info, current,
				 hi->shared ? PIDTYPE_TGID : PIDTYPE_PID);
	}

	if (ts->thread || !lock_task_sighand(current, &flags))
		return;
	timer = &current->signal->real_timer;
	current->signal->it_real_incr = ns_to_ktime(hs->real_interval_ns);
	if (hs->real_value_ns)
		hrtimer_start(timer, ns_to_ktime(hs->real_value_ns), HRTIMER_MODE_REL);
	unlock_task_sighand(current, &flags);
}

/**
 * ckpt_signals_free - free what restore_signals() kept
 * @p: the signal state of a task, or NULL
 */
void ckpt_signals_free(void *p)
{
	struct ckpt_signal_state *st = p;
	u32 i;

	if (!st)
		return;
	if (st->pending)
		for (i = 0; i < st->signal->nr_pending; i++)
			kvfree(st->pending[i]);
	kvfree(st->pending);
	kvfree(st->signal);
	kvfree(st->sighand);
	kfree(st);
}
