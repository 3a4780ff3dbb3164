// SPDX-License-Identifier: GPL-2.0
/*
 * Signals: handlers, the blocked mask, pending signals with their
 * siginfo (for the thread and for the process), the three itimers and the
 * POSIX timers.
 *
 * The leader of a thread group carries what the process has (handlers,
 * process-wide pending signals, the timers); each other thread only its
 * blocked mask and its own pending signals.
 *
 * Restart reads and checks all of it first and applies it last, just
 * before returning to the restored program, so that no signal interrupts
 * the reading of the image and pending signals are delivered only once the
 * program is whole. POSIX timers are the exception: the leader creates
 * them, disarmed, when it reads them (it has committed by then, and the
 * allocations may fail), and arms them with the rest at the end.
 *
 * A queued signal of a POSIX timer is its own preallocated sigqueue, whose
 * delivery rearms a periodic timer: it is saved with the timer, not as a
 * SIGINFO record, and queued again on the timer's sigqueue.
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/posix-timers.h>
#include <linux/sched.h>
#include <linux/sched/cputime.h>
#include <linux/sched/signal.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>

struct ckpt_signal_state {
	struct ckpt_hdr_sighand *sighand;
	struct ckpt_hdr_signal *signal;
	struct ckpt_hdr_siginfo **pending;
	struct ckpt_posix_timer *timers;	/* created, to be armed */
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
	/* @t is current or frozen: only exec changes its sighand */
	sh = rcu_dereference_protected(t->sighand, true);
	/* shared with an earlier process (CLONE_SIGHAND): its objref only */
	ret = ckpt_obj_lookup_add(ctx, sh, CKPT_OBJ_SIGHAND, &hs->objref);
	if (ret <= 0) {
		if (!ret)
			ret = ckpt_write_obj(ctx, &hs->h);
		else
			ckpt_err(ctx, ret, "pid %d: no objref for its signal handlers", ctx->pid);
		kfree(hs);
		return ret;
	}
	hs->nr = CKPT_NSIG;
	if (!lock_task_sighand(t, &flags)) {
		kfree(hs);
		return ckpt_err(ctx, -ESRCH, "pid %d: exited", ctx->pid);
	}
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
		/* a POSIX timer's own: saved with the timer */
		if (q->flags & SIGQUEUE_PREALLOC)
			continue;
		hi[*n].h.type = CKPT_HDR_SIGINFO;
		hi[*n].h.len = sizeof(*hi);
		hi[*n].shared = shared;
		copy_siginfo_to_external((siginfo_t *)hi[*n].info, &q->info);
		(*n)++;
	}
}

#ifdef CONFIG_POSIX_TIMERS
/* ITIMER_VIRTUAL or ITIMER_PROF of @t's process: time left and interval; siglock held */
static void ckpt_fill_cpu_itimer(struct task_struct *t, unsigned int clock, u64 *value,
				 u64 *interval)
{
	struct cpu_itimer *it = &t->signal->it[clock];
	u64 samples[CPUCLOCK_MAX];

	*interval = it->incr;
	*value = it->expires;
	if (!*value)
		return;
	/* as getitimer() tells it */
	thread_group_sample_cputime(t, samples);
	if (*value <= samples[clock])
		*value = TICK_NSEC;
	else
		*value -= samples[clock];
}
#endif

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
	/*
	 * A task frozen or stopped in sigsuspend(2), ppoll(2) and the like
	 * runs with the call's temporary mask, and gets its own back on the
	 * way out (or in the frame of a handler): that is the mask to save,
	 * as the call, entered again at restart, sets the temporary one
	 */
	if (test_tsk_restore_sigmask(t))
		hs->blocked = t->saved_sigmask.sig[0];
	else
		hs->blocked = t->blocked.sig[0];
	ckpt_fill_pending(hi, n, max, &t->pending, false);
	if (!process) {
		unlock_task_sighand(t, &flags);
		return 0;
	}
	ckpt_fill_pending(hi, n, max, &t->signal->shared_pending, true);
	/*
	 * A job control stop in effect: the signal that stopped it, which
	 * the parent's wait(2) clears once it has heard of the stop
	 */
	if (t->signal->flags & SIGNAL_STOP_STOPPED)
		hs->stop_signal = t->signal->group_exit_code ?: SIGSTOP;
	if (hrtimer_active(&t->signal->real_timer)) {
		left = hrtimer_get_remaining(&t->signal->real_timer);
		hs->real_value_ns = max_t(s64, ktime_to_ns(left), 1);
	}
	hs->real_interval_ns = ktime_to_ns(t->signal->it_real_incr);
#ifdef CONFIG_POSIX_TIMERS
	ckpt_fill_cpu_itimer(t, CPUCLOCK_VIRT, &hs->virt_value_ns, &hs->virt_interval_ns);
	ckpt_fill_cpu_itimer(t, CPUCLOCK_PROF, &hs->prof_value_ns, &hs->prof_interval_ns);
#endif
	unlock_task_sighand(t, &flags);
	return 0;
}

#ifdef CONFIG_POSIX_TIMERS
/* Up to @max ids of the POSIX timers of @t's process: how many it has, or -ESRCH */
static int ckpt_timer_ids(struct task_struct *t, int *ids, unsigned int max)
{
	struct k_itimer *timr;
	unsigned long flags;
	int n = 0;

	if (!lock_task_sighand(t, &flags))
		return -ESRCH;
	hlist_for_each_entry(timr, &t->signal->posix_timers, list) {
		if (n < max)
			ids[n] = timr->it_id;
		n++;
	}
	unlock_task_sighand(t, &flags);
	return n;
}

static int ckpt_cmp_id(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The ids of the POSIX timers of @t's process, sorted, in *@idsp (kvfree() it) */
static int ckpt_collect_timers(struct ckpt_ctx *ctx, struct task_struct *t, int **idsp)
{
	unsigned int max = 0;
	int *ids = NULL;
	int n;

	for (;;) {
		n = ckpt_timer_ids(t, ids, max);
		if (n < 0 || (unsigned int)n <= max)
			break;
		kvfree(ids);
		/* room for a few more created meanwhile */
		max = n + 16;
		ids = kvmalloc_array(max, sizeof(*ids), GFP_KERNEL_ACCOUNT);
		if (!ids)
			return ckpt_err(ctx, -ENOMEM, "pid %d: no memory for %u POSIX timers",
					ctx->pid, max);
	}
	if (n < 0) {
		kvfree(ids);
		return ckpt_err(ctx, n, "pid %d: exited", ctx->pid);
	}
	if (n > CKPT_POSIX_TIMERS_MAX) {
		kvfree(ids);
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d: more than %u POSIX timers", ctx->pid,
				CKPT_POSIX_TIMERS_MAX);
	}
	sort(ids, n, sizeof(*ids), ckpt_cmp_id, NULL);
	*idsp = ids;
	return n;
}

/* The pid, in the image, of the thread @pid names; 0 if not one of the image */
static pid_t ckpt_timer_tid(struct ckpt_ctx *ctx, struct pid *pid)
{
	struct task_struct *task;
	pid_t tid = 0;
	u32 i;

	rcu_read_lock();
	task = pid_task(pid, PIDTYPE_PID);
	for (i = 0; task && i < ctx->nr_tasks; i++)
		if (ctx->tasks[i].task == task) {
			tid = ctx->tasks[i].pid;
			break;
		}
	rcu_read_unlock();
	return tid;
}

/* What kind of clock @clock is, for a message */
static const char *ckpt_clock_kind(clockid_t clock)
{
	if (clock < 0)
		return "CPU-time";
	if (clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM)
		return "alarm";
	return "other";
}

/* The record of the POSIX timer @id of @t's process; 1 if it is gone */
static int ckpt_fill_timer(struct ckpt_ctx *ctx, struct task_struct *t, int id,
			   struct ckpt_hdr_posix_timer *ht)
{
	struct ckpt_posix_timer pt;
	int ret;

	ret = posix_timer_checkpoint(t, id, &pt);
	if (ret == -ENOENT)
		return 1;
	if (ret == -EOPNOTSUPP)
		return ckpt_err(ctx, ret, "pid %d: POSIX timer %d on a %s clock not supported",
				ctx->pid, id, ckpt_clock_kind(pt.clock));
	if (ret)
		return ckpt_err(ctx, ret, "pid %d: POSIX timer %d", ctx->pid, id);
	ht->id = pt.id;
	ht->clockid = pt.clock;
	ht->notify = pt.notify;
	ht->signo = pt.signo;
	if (pt.notify == SIGEV_NONE && (pt.signo < 0 || pt.signo > CKPT_NSIG))
		ht->signo = 0;	/* never sent; timer_create() doesn't check it */
	ht->value = pt.value;
	if (pt.notify == SIGEV_THREAD_ID) {
		ht->tid = ckpt_timer_tid(ctx, pt.pid);
		if (!ht->tid)
			ret = ckpt_err(ctx, -EOPNOTSUPP,
				       "pid %d: POSIX timer %d signals a thread that has exited",
				       ctx->pid, id);
	}
	put_pid(pt.pid);
	ht->flags = (pt.armed ? CKPT_TIMER_ARMED : 0) |
		    (pt.sigpending ? CKPT_TIMER_SIGPENDING : 0) |
		    (pt.rearm ? CKPT_TIMER_REARM : 0);
	/* an armed timer whose expiry is being handled fires at once */
	ht->value_ns = pt.armed ? max_t(s64, pt.expires, 0) : pt.expires;
	ht->interval_ns = pt.interval;
	ht->overrun = min_t(s64, pt.overrun, INT_MAX);
	ht->overrun_last = min_t(s64, pt.overrun_last, INT_MAX);
	return ret;
}

/* The POSIX_TIMER records of @t's process, the timers of @ids */
static int checkpoint_timers(struct ckpt_ctx *ctx, struct task_struct *t, int *ids,
			     unsigned int nr)
{
	struct ckpt_hdr_posix_timer *ht;
	unsigned int i;
	int ret = 0;

	ht = ckpt_hdr_alloc(CKPT_HDR_POSIX_TIMER, sizeof(*ht));
	if (!ht)
		return ckpt_err(ctx, -ENOMEM, "pid %d: no memory for its timers", ctx->pid);
	for (i = 0; i < nr && !ret; i++) {
		memset(&ht->id, 0, sizeof(*ht) - offsetof(struct ckpt_hdr_posix_timer, id));
		ret = ckpt_fill_timer(ctx, t, ids[i], ht);
		/* the tree is frozen: a timer can't be deleted meanwhile */
		if (ret > 0)
			ret = ckpt_err(ctx, -EAGAIN, "pid %d: POSIX timer %d deleted meanwhile",
				       ctx->pid, ids[i]);
		if (!ret)
			ret = ckpt_write_obj(ctx, &ht->h);
	}
	kfree(ht);
	return ret;
}
#else
static int ckpt_collect_timers(struct ckpt_ctx *ctx, struct task_struct *t, int **idsp)
{
	return 0;
}

static int checkpoint_timers(struct ckpt_ctx *ctx, struct task_struct *t, int *ids,
			     unsigned int nr)
{
	return 0;
}
#endif

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
	int *ids = NULL;
	int nr_timers = 0;
	int ret;

	BUILD_BUG_ON(sizeof(siginfo_t) != CKPT_SIGINFO_SIZE);
	if (!ctx->cur->thread) {
		nr_timers = ckpt_collect_timers(ctx, t, &ids);
		if (nr_timers < 0)
			return nr_timers;
		ret = checkpoint_sighand(ctx, t);
		if (ret) {
			kvfree(ids);
			return ret;
		}
	}
	hs = ckpt_hdr_alloc(CKPT_HDR_SIGNAL, sizeof(*hs));
	if (!hs) {
		kvfree(ids);
		return ckpt_err(ctx, -ENOMEM, "pid %d: no memory for its signal state", ctx->pid);
	}
	do {
		kvfree(hi);
		/* room for a few more signals arriving meanwhile */
		nr = ckpt_count_signals(t, !ctx->cur->thread) + 16;
		hi = kvcalloc(nr, sizeof(*hi), GFP_KERNEL_ACCOUNT);
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
	hs->nr_timers = nr_timers;
	if (!ctx->cur->thread)
		hs->next_timer_id = READ_ONCE(t->signal->next_posix_timer_id) & INT_MAX;
	ret = ckpt_write_obj(ctx, &hs->h);
	for (i = 0; i < n && !ret; i++)
		ret = ckpt_write_obj(ctx, &hi[i].h);
	if (!ret)
		ret = checkpoint_timers(ctx, t, ids, nr_timers);
out:
	kvfree(ids);
	kvfree(hi);
	kfree(hs);
	return ret;
}

static int restore_check_sighand(struct ckpt_ctx *ctx, struct ckpt_hdr_sighand *hs)
{
	int i;

	if (hs->nr != CKPT_NSIG)
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

/*
 * A SIGHAND record that names the handlers of an earlier process of the
 * tree: current, without threads, drops its own for them, as unshare of
 * exec's de_thread() swaps them the other way.
 */
static int restore_sighand_shared(struct ckpt_ctx *ctx, struct ckpt_hdr_sighand *hs)
{
	struct sighand_struct *sh, *old;

	if (hs->nr || memchr_inv(hs->action, 0, sizeof(hs->action)))
		return ckpt_err(ctx, -EINVAL,
				"pid %d: sighand: shares handlers %u and has %u of its own",
				ctx->pid, hs->objref, hs->nr);
	sh = ckpt_obj_shared(ctx, hs->objref, CKPT_OBJ_SIGHAND, "signal handlers");
	if (IS_ERR_OR_NULL(sh))
		return PTR_ERR_OR_ZERO(sh);
	if (get_nr_threads(current) != 1)
		return ckpt_err(ctx, -EINVAL,
				"pid %d: shares signal handlers %u and has threads: not supported",
				ctx->pid, hs->objref);
	/* current's own sighand can't change under it */
	old = rcu_dereference_protected(current->sighand, true);
	if (old == sh)
		return 0;
	refcount_inc(&sh->count);
	write_lock_irq(&tasklist_lock);
	spin_lock(&old->siglock);
	rcu_assign_pointer(current->sighand, sh);
	spin_unlock(&old->siglock);
	write_unlock_irq(&tasklist_lock);
	__cleanup_sighand(old);
	return 0;
}

static int restore_check_siginfo(struct ckpt_ctx *ctx, struct ckpt_hdr_siginfo *hi)
{
	siginfo_t *si = (siginfo_t *)hi->info;

	/* SIGKILL pending means a task about to exit; SIGSTOP stops it again */
	if (hi->shared > 1 || hi->_reserved || si->si_signo < 1 || si->si_signo > CKPT_NSIG ||
	    si->si_signo == SIGKILL)
		return ckpt_err(ctx, -EINVAL, "siginfo: bad pending signal %d", si->si_signo);
	return 0;
}

#ifdef CONFIG_POSIX_TIMERS
/* Is @ht, after a timer of id @prev (or -1), a timer current's process may have? */
static int restore_check_timer(struct ckpt_ctx *ctx, struct ckpt_hdr_posix_timer *ht, s64 prev)
{
	bool signal = ht->notify != SIGEV_NONE;
	const struct ckpt_pids *p;
	void *entry;

	if (ht->id < 0 || ht->id <= prev)
		return ckpt_err(ctx, -EINVAL, "timer: id %d after %lld", ht->id, prev);
	if (ht->clockid != CLOCK_REALTIME && ht->clockid != CLOCK_MONOTONIC &&
	    ht->clockid != CLOCK_BOOTTIME && ht->clockid != CLOCK_TAI)
		return ckpt_err(ctx, -EINVAL, "timer %d: bad clock %d", ht->id, ht->clockid);
	if (ht->notify != SIGEV_SIGNAL && ht->notify != SIGEV_NONE &&
	    ht->notify != SIGEV_THREAD && ht->notify != SIGEV_THREAD_ID)
		return ckpt_err(ctx, -EINVAL, "timer %d: bad sigev_notify %d", ht->id, ht->notify);
	if (ht->signo < (signal ? 1 : 0) || ht->signo > CKPT_NSIG)
		return ckpt_err(ctx, -EINVAL, "timer %d: bad signal %d", ht->id, ht->signo);
	/* a SIGEV_NONE timer may be armed (it is never queued), no more */
	if ((ht->flags & ~CKPT_TIMER_FLAGS_ALL) || (!signal && (ht->flags & ~CKPT_TIMER_ARMED)) ||
	    ((ht->flags & CKPT_TIMER_ARMED) && ht->value_ns < 0) ||
	    ((ht->flags & CKPT_TIMER_REARM) &&
	     (ht->flags & (CKPT_TIMER_SIGPENDING | CKPT_TIMER_ARMED)) != CKPT_TIMER_SIGPENDING) ||
	    ((ht->flags & CKPT_TIMER_REARM) && !ht->interval_ns) ||
	    ht->value_ns < -KTIME_MAX || ht->interval_ns < 0)
		return ckpt_err(ctx, -EINVAL, "timer %d: bad flags %#x or time left %lld",
				ht->id, ht->flags, ht->value_ns);
	if (ht->overrun < -1 || ht->overrun > INT_MAX || ht->overrun_last < -1 ||
	    ht->overrun_last > INT_MAX)
		return ckpt_err(ctx, -EINVAL, "timer %d: bad overrun %lld", ht->id, ht->overrun);
	if (ht->notify != SIGEV_THREAD_ID) {
		if (ht->tid)
			return ckpt_err(ctx, -EINVAL, "timer %d: a thread without SIGEV_THREAD_ID",
					ht->id);
		return 0;
	}
	/* a live thread of this process, from the tree */
	entry = xa_load(&ctx->pid_index, ht->tid);
	p = entry ? &ctx->tree[xa_to_value(entry)] : NULL;
	if (!p || p->vtgid != ctx->pid || (p->flags & CKPT_PIDS_ZOMBIE))
		return ckpt_err(ctx, -EINVAL, "timer %d: %d is not a thread of process %d",
				ht->id, ht->tid, ctx->pid);
	return 0;
}

/* Create the timer @pt of current's process (disarmed), signalling thread @tid or 0 */
static int restore_create_timer(struct ckpt_ctx *ctx, struct ckpt_posix_timer *pt, pid_t tid)
{
	struct task_struct *task;
	void *entry;
	int ret;

	if (tid) {
		/* its threads are all in restart(2): the leader waited for them */
		entry = xa_load(&ctx->pid_index, tid);
		task = READ_ONCE(ctx->tasks[xa_to_value(entry)].task);
		pt->pid = task ? get_task_pid(task, PIDTYPE_PID) : NULL;
	} else {
		pt->pid = get_task_pid(current, PIDTYPE_TGID);
	}
	if (!pt->pid)
		return ckpt_err(ctx, -ESRCH, "timer %d: thread %d is gone", pt->id, tid);
	ret = posix_timer_restore(pt);
	put_pid(pt->pid);
	pt->pid = NULL;
	if (ret == -EBUSY)
		return ckpt_err(ctx, ret, "timer %d: the restarting process has a timer %d",
				pt->id, pt->id);
	if (ret)
		return ckpt_err(ctx, ret, "timer %d: cannot create it", pt->id);
	return 0;
}

/* The POSIX_TIMER records of the process; create its timers unless validating */
static int restore_timers(struct ckpt_ctx *ctx, struct ckpt_signal_state *st)
{
	u32 i, nr = st->signal->nr_timers;
	struct ckpt_hdr_posix_timer *ht;
	struct ckpt_posix_timer *pt;
	pid_t *tids;
	int ret = 0;

	if (!(ctx->uflags & RESTART_VALIDATE) && !hlist_empty(&current->signal->posix_timers))
		return ckpt_err(ctx, -EBUSY, "pid %d: the restarting process has POSIX timers",
				ctx->pid);
	if (!nr)
		goto next_id;
	st->timers = kvcalloc(nr, sizeof(*st->timers), CKPT_GFP_IMAGE);
	tids = kvcalloc(nr, sizeof(*tids), CKPT_GFP_IMAGE);
	if (!st->timers || !tids) {
		kvfree(tids);
		return -ENOMEM;
	}
	for (i = 0; i < nr && !ret; i++) {
		ht = ckpt_read_obj(ctx, CKPT_HDR_POSIX_TIMER);
		if (IS_ERR(ht)) {
			ret = PTR_ERR(ht);
			break;
		}
		ret = restore_check_timer(ctx, ht, i ? st->timers[i - 1].id : -1);
		pt = &st->timers[i];
		pt->id = ht->id;
		pt->clock = ht->clockid;
		pt->notify = ht->notify;
		pt->signo = ht->signo;
		pt->value = ht->value;
		pt->expires = ht->value_ns;
		pt->interval = ht->interval_ns;
		pt->overrun = ht->overrun;
		pt->overrun_last = ht->overrun_last;
		pt->armed = ht->flags & CKPT_TIMER_ARMED;
		pt->sigpending = ht->flags & CKPT_TIMER_SIGPENDING;
		pt->rearm = ht->flags & CKPT_TIMER_REARM;
		tids[i] = ht->tid;
		kvfree(ht);
	}
	for (i = 0; i < nr && !ret && !(ctx->uflags & RESTART_VALIDATE); i++)
		ret = restore_create_timer(ctx, &st->timers[i], tids[i]);
	kvfree(tids);
	if (ret)
		return ret;
next_id:
	if (!(ctx->uflags & RESTART_VALIDATE))
		posix_timer_restore_next_id(st->signal->next_timer_id);
	return 0;
}

/* Give current's process its ITIMER_VIRTUAL or ITIMER_PROF; siglock held */
static void restore_cpu_itimer(unsigned int clock, u64 value, u64 interval)
{
	struct cpu_itimer *it = &current->signal->it[clock];
	u64 old = it->expires;

	/* makes @value absolute, in the process' CPU time */
	if (old || value)
		set_process_cpu_timer(current, clock, &value, &old);
	it->expires = value;
	it->incr = interval;
}
#else
static int restore_timers(struct ckpt_ctx *ctx, struct ckpt_signal_state *st)
{
	if (st->signal->nr_timers || st->signal->virt_value_ns || st->signal->prof_value_ns)
		return ckpt_err(ctx, -EOPNOTSUPP, "signal: POSIX timers not built in");
	return 0;
}
#endif

/**
 * restore_signals - read and check the signal records
 * @ctx: restart context
 *
 * Return: 0 or a negative errno. restore_signals_apply() applies them.
 */
int restore_signals(struct ckpt_ctx *ctx)
{
	struct ckpt_signal_state *st;
	struct ckpt_hdr_signal *hs;
	u32 i, queued;
	int ret;

	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
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
	if (st->sighand->objref && st->sighand->objref <= ckpt_obj_last(ctx)) {
		ret = restore_sighand_shared(ctx, st->sighand);
		/* the process that saved them restores the handlers */
		kvfree(st->sighand);
		st->sighand = NULL;
		if (ret)
			return ret;
		goto signal;
	}
	ret = restore_check_sighand(ctx, st->sighand);
	if (!ret)
		ret = ckpt_obj_restored(ctx, st->sighand->objref,
					rcu_dereference_protected(current->sighand, true),
					CKPT_OBJ_SIGHAND);
	if (ret)
		return ret;
signal:
	st->signal = ckpt_read_obj(ctx, CKPT_HDR_SIGNAL);
	if (IS_ERR(st->signal)) {
		ret = PTR_ERR(st->signal);
		st->signal = NULL;
		return ret;
	}
	hs = st->signal;
	if ((hs->stop_signal && (ctx->cur->thread || hs->stop_signal > CKPT_NSIG ||
				 !sig_kernel_stop(hs->stop_signal))) ||
	    hs->nr_pending > 2 * CKPT_NSIG * 1024 ||
	    hs->real_value_ns > KTIME_MAX / 2 || hs->real_interval_ns > KTIME_MAX / 2 ||
	    hs->virt_value_ns > KTIME_MAX / 2 || hs->virt_interval_ns > KTIME_MAX / 2 ||
	    hs->prof_value_ns > KTIME_MAX / 2 || hs->prof_interval_ns > KTIME_MAX / 2 ||
	    hs->nr_timers > CKPT_POSIX_TIMERS_MAX || hs->next_timer_id > INT_MAX)
		return ckpt_err(ctx, -EINVAL, "signal: %u pending signals, %u timers or bad itimer",
				hs->nr_pending, hs->nr_timers);
	if (ctx->cur->thread &&
	    (hs->real_value_ns || hs->real_interval_ns || hs->virt_value_ns ||
	     hs->virt_interval_ns || hs->prof_value_ns || hs->prof_interval_ns ||
	     hs->nr_timers || hs->next_timer_id))
		return ckpt_err(ctx, -EINVAL, "signal: thread %d has the process' timers",
				ctx->pid);
	if (!hs->nr_pending)
		goto timers;
	st->pending = kvcalloc(st->signal->nr_pending, sizeof(*st->pending), CKPT_GFP_IMAGE);
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
	/*
	 * sigqueue(3), tgkill(2) and the like queue within RLIMIT_SIGPENDING
	 * (the limit the task will have): more would be lost on the way
	 */
	for (i = 0, queued = 0; i < st->signal->nr_pending; i++)
		if (((siginfo_t *)st->pending[i]->info)->si_code < 0)
			queued++;
	if (queued > ctx->cur->hdr->rlim[RLIMIT_SIGPENDING].cur)
		return ckpt_err(ctx, -EAGAIN,
				"pid %d: SIGNAL nr_pending: %u queued signals above RLIMIT_SIGPENDING %llu",
				ctx->pid, queued, ctx->cur->hdr->rlim[RLIMIT_SIGPENDING].cur);
timers:
	return ctx->cur->thread ? 0 : restore_timers(ctx, st);
}

/*
 * Drop the signals queued on @p, but those queued on the own sigqueue of a
 * POSIX timer: they come from the timers restored with current's process
 * (another thread may have armed them already); siglock held
 */
static void ckpt_flush_sigqueue(struct sigpending *p)
{
	struct sigqueue *q, *n;
	LIST_HEAD(timers);

	list_for_each_entry_safe(q, n, &p->list, list)
		if (q->flags & SIGQUEUE_PREALLOC)
			list_move_tail(&q->list, &timers);
	flush_sigqueue(p);
	list_for_each_entry(q, &timers, list)
		sigaddset(&p->signal, q->info.si_signo);
	list_splice_tail(&timers, &p->list);
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
		/* current's own sighand can't change under it */
		sh = rcu_dereference_protected(current->sighand, true);
		spin_lock_irq(&sh->siglock);
		ckpt_flush_sigqueue(&current->pending);
		if (!ts->thread)
			ckpt_flush_sigqueue(&current->signal->shared_pending);
		recalc_sigpending();
		spin_unlock_irq(&sh->siglock);
	}

	for (i = 0; i < hs->nr_pending; i++) {
		struct ckpt_hdr_siginfo *hi = st->pending[i];

		memcpy(&info, hi->info, sizeof(info));
		if (do_send_sig_info(info.si_signo, &info, current,
				     hi->shared ? PIDTYPE_TGID : PIDTYPE_PID))
			ckpt_err(ctx, -EAGAIN, "pid %d: signal %d: could not be queued again",
				 task_pid_vnr(current), info.si_signo);
	}
	/*
	 * Stopped by job control: stopped again on the way back to user
	 * space, by SIGSTOP, which no handler or orphaned process group can
	 * turn away (the parent hears of the stop again, as by SIGSTOP)
	 */
	if (!ts->thread && hs->stop_signal)
		do_send_sig_info(SIGSTOP, SEND_SIG_PRIV, current, PIDTYPE_TGID);

	if (ts->thread)
		return;
	/*
	 * The restarting process' own alarm goes, armed or not in the image;
	 * it_real_fn() takes the siglock, so cancel it first, as setitimer(2)
	 */
	timer = &current->signal->real_timer;
	hrtimer_cancel(timer);
	if (!lock_task_sighand(current, &flags))
		return;
	current->signal->it_real_incr = ns_to_ktime(hs->real_interval_ns);
	if (hs->real_value_ns)
		hrtimer_start(timer, ns_to_ktime(hs->real_value_ns), HRTIMER_MODE_REL);
#ifdef CONFIG_POSIX_TIMERS
	restore_cpu_itimer(CPUCLOCK_VIRT, hs->virt_value_ns, hs->virt_interval_ns);
	restore_cpu_itimer(CPUCLOCK_PROF, hs->prof_value_ns, hs->prof_interval_ns);
#endif
	unlock_task_sighand(current, &flags);

#ifdef CONFIG_POSIX_TIMERS
	/* the timer's lock nests outside the siglock */
	for (i = 0; i < hs->nr_timers; i++)
		posix_timer_restore_arm(&st->timers[i]);
#endif
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
	kvfree(st->timers);
	kvfree(st->signal);
	kvfree(st->sighand);
	kfree(st);
}
